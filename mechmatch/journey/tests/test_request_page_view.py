from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_waiting_room_shows_the_chosen_mechanic_queue_and_wait(customer_client, waiting):
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert "Morgan Lee will join shortly" in page and "usually joins within 2 minutes" in page
    assert "Queue position" in page and "Waiting time" in page
    assert '<noscript><meta http-equiv="refresh"' in page


def test_once_the_mechanic_has_joined_the_waiting_room_leads_to_the_session(customer_client, consultation):
    response = customer_client.get(reverse("journey:request", args=[consultation.request_id]))
    assert response["Location"] == reverse("journey:session", args=[consultation.pk])


def test_anonymous_visitors_are_sent_to_sign_in(client, waiting):
    response = client.get(reverse("journey:request", args=[waiting.pk]))
    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]
