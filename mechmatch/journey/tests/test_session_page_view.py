from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def test_the_session_page_shows_mechanic_timer_and_chat(customer_client, consultation):
    page = customer_client.get(reverse("journey:session", args=[consultation.pk])).content.decode()
    assert consultation.mechanic.display_name in page and "Honda specialist" in page
    assert "data-started=" in page and "Add to favourites" in page and "End session" in page


def test_the_assigned_mechanic_may_open_the_shared_session_page(consultation, toronto_mechanics):
    page = _client_for(toronto_mechanics[0].user).get(reverse("journey:session", args=[consultation.pk]))
    assert page.status_code == 200 and b"End session" in page.content
    other = _client_for(toronto_mechanics[1].user)
    assert other.get(reverse("journey:session", args=[consultation.pk])).status_code == 404


def test_after_the_session_the_customer_is_taken_to_the_completion_page(customer_client, customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = customer_client.get(reverse("journey:session", args=[consultation.pk]))
    assert response["Location"] == reverse("journey:complete", args=[consultation.pk])


def test_after_the_session_the_mechanic_still_sees_it_ended(customer, consultation, toronto_mechanics):
    session_end(user=customer.user, consultation_id=consultation.pk)
    page = _client_for(toronto_mechanics[0].user).get(reverse("journey:session", args=[consultation.pk]))
    assert "Session ended" in page.content.decode() and "Back to your offers" in page.content.decode()
    assert "End session" not in page.content.decode()
