from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_customer_can_switch_the_interface_to_canadian_french(customer_client):
    response = customer_client.post(
        reverse("set_language"), {"language": "fr-ca", "next": reverse("journey:dashboard")}
    )
    page = customer_client.get(response["Location"]).content.decode()
    assert 'lang="fr-ca"' in page
    assert "Commencer une session" in page and "Parcourir les mécaniciens" in page


def test_the_intake_hint_is_translated(customer_client):
    customer_client.post(reverse("set_language"), {"language": "fr-ca", "next": "/"})
    url = customer_client.get(reverse("journey:intake_start"))["Location"]
    page = customer_client.get(url).content.decode()
    assert "Facultatif - Nous aide à trouver les mécaniciens disponibles les plus proches" in page
