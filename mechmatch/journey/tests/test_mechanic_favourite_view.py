from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.funnel.models import FunnelEvent
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_a_favourite_is_added_once_and_the_customer_returns_to_the_page_they_were_on(
    customer_client, customer, toronto_mechanics
):
    url = reverse("journey:mechanic_favourite", args=[toronto_mechanics[0].pk])
    back = reverse("journey:browse") + "?q=Lee"
    assert customer_client.post(url, {"next": back})["Location"] == back
    customer_client.post(url, {"next": back})
    assert list(customer.favourites.values_list("mechanic_id", flat=True)) == [toronto_mechanics[0].pk]
    assert FunnelEvent.objects.filter(name="favourite_added").count() == 1


def test_a_return_address_on_another_site_is_ignored(customer_client, toronto_mechanics):
    url = reverse("journey:mechanic_favourite", args=[toronto_mechanics[0].pk])
    response = customer_client.post(url, {"next": "https://elsewhere.example/phish"})
    assert response["Location"] == reverse("journey:mechanic", args=[toronto_mechanics[0].pk])


def test_a_mechanic_who_cannot_take_sessions_cannot_be_a_favourite(customer_client, customer):
    pending = make_mechanic(display_name="Pat Pending", approved=False)
    response = customer_client.post(reverse("journey:mechanic_favourite", args=[pending.pk]))
    assert response.status_code == 404
    assert not customer.favourites.exists()
