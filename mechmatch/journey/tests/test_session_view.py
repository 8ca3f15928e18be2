from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


def test_the_session_page_shows_mechanic_timer_and_chat(customer_client, consultation):
    page = customer_client.get(reverse("journey:session", args=[consultation.pk])).content.decode()
    assert consultation.mechanic.display_name in page and "Honda specialist" in page
    assert "data-started=" in page and "Add to favourites" in page and "End session" in page


def test_chat_lines_can_be_fetched_after_an_id_and_are_escaped(customer_client, consultation):
    url = reverse("journey:session_messages", args=[consultation.pk])
    customer_client.post(url, {"body": "<img src=x onerror=alert(1)>"}, HTTP_X_REQUESTED_WITH="fetch")
    fragment = customer_client.get(url + "?after=0")
    assert fragment["X-Session-Status"] == "active"
    assert "&lt;img src=x onerror=alert(1)&gt;" in fragment.content.decode()


def test_after_a_high_rating_the_customer_is_invited_to_add_the_mechanic_to_favourites(
    customer_client,
    consultation,
    customer,
):
    session_end(user=customer.user, consultation_id=consultation.pk)
    url = reverse("journey:complete", args=[consultation.pk])
    assert "Rate Morgan Lee" in customer_client.get(url).content.decode()
    customer_client.post(url, {"rating": "4"})
    assert "Add Morgan to favourites" in customer_client.get(url).content.decode()
    customer_client.post(reverse("journey:session_favourite", args=[consultation.pk]), {"from": "complete"})
    assert customer.favourites.filter(mechanic=consultation.mechanic).exists()


def test_a_low_rating_does_not_push_favourites(customer_client, consultation, customer):
    session_end(user=customer.user, consultation_id=consultation.pk)
    url = reverse("journey:complete", args=[consultation.pk])
    customer_client.post(url, {"rating": "2"})
    assert "to favourites" not in customer_client.get(url).content.decode()


def test_the_report_downloads_as_a_text_attachment(customer_client, consultation, customer):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = customer_client.get(reverse("journey:report", args=[consultation.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    assert "2018 Honda Civic" in text and "Brakes squeal" in text and "Morgan Lee" in text and "Duration:" in text


def test_every_form_on_the_session_page_needs_the_csrf_token(consultation, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    for name in ("journey:session_messages", "journey:session_end", "journey:session_favourite"):
        assert client.post(reverse(name, args=[consultation.pk]), {"body": "x"}).status_code == 403
