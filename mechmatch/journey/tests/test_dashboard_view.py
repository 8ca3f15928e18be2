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


def test_the_dashboard_counts_the_mechanics_available_near_the_customer(customer_client, toronto_mechanics):
    page = customer_client.get(reverse("journey:dashboard")).content.decode()
    assert "Hello, Casey" in page
    assert "3 mechanics available within 50 km of you" in page
    assert "Start a session" in page and "No sessions yet." in page


def test_a_customer_with_a_request_waiting_is_offered_the_way_back_to_it(customer_client, waiting):
    page = customer_client.get(reverse("journey:dashboard")).content.decode()
    assert "Your current request" in page
    assert f'href="{reverse("journey:request", args=[waiting.pk])}"' in page


def test_a_customer_in_a_session_is_offered_the_way_back_to_it(customer_client, consultation):
    page = customer_client.get(reverse("journey:dashboard")).content.decode()
    assert "Return to your session" in page
    assert f'href="{reverse("journey:session", args=[consultation.pk])}"' in page
