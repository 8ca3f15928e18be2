from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.journey.models import ChatMessage
from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


def test_chat_lines_can_be_fetched_after_an_id_and_are_escaped(customer_client, consultation):
    url = reverse("journey:session_messages", args=[consultation.pk])
    customer_client.post(url, {"body": "<img src=x onerror=alert(1)>"}, HTTP_X_REQUESTED_WITH="fetch")
    fragment = customer_client.get(url + "?after=0")
    assert fragment["X-Session-Status"] == "active"
    assert "&lt;img src=x onerror=alert(1)&gt;" in fragment.content.decode()


def test_only_lines_after_the_given_id_are_sent(customer_client, consultation):
    url = reverse("journey:session_messages", args=[consultation.pk])
    customer_client.post(url, {"body": "First line"}, HTTP_X_REQUESTED_WITH="fetch")
    customer_client.post(url, {"body": "Second line"}, HTTP_X_REQUESTED_WITH="fetch")
    first = ChatMessage.objects.get(body="First line")
    fragment = customer_client.get(url, {"after": first.pk}).content.decode()
    assert "Second line" in fragment and "First line" not in fragment


def test_without_javascript_a_sent_line_comes_back_to_the_chat(customer_client, consultation):
    response = customer_client.post(reverse("journey:session_messages", args=[consultation.pk]), {"body": "Hello"})
    assert response["Location"] == reverse("journey:session", args=[consultation.pk]) + "#chat"
    assert ChatMessage.objects.get().body == "Hello"


def test_an_empty_line_is_refused_with_the_reason_for_the_script(customer_client, consultation):
    url = reverse("journey:session_messages", args=[consultation.pk])
    response = customer_client.post(url, {"body": ""}, HTTP_X_REQUESTED_WITH="fetch")
    assert (response.status_code, response.content.decode()) == (400, "Write a message first.")


def test_once_the_session_has_ended_no_more_lines_are_taken(customer_client, customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    url = reverse("journey:session_messages", args=[consultation.pk])
    response = customer_client.post(url, {"body": "Still there?"}, HTTP_X_REQUESTED_WITH="fetch")
    assert (response.status_code, response.content.decode()) == (400, "This session has ended.")
    assert customer_client.get(url)["X-Session-Status"] == "ended"
    assert not ChatMessage.objects.exists()


def test_sending_a_line_needs_the_csrf_token(consultation, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    assert client.post(reverse("journey:session_messages", args=[consultation.pk]), {"body": "x"}).status_code == 403


def test_sending_chat_lines_is_rate_limited_but_reading_them_is_not(customer_client, consultation, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "3/min"}
    url = reverse("journey:session_messages", args=[consultation.pk])
    sent = [customer_client.post(url, {"body": f"line {n}"}, HTTP_X_REQUESTED_WITH="fetch") for n in range(4)]
    assert [r.status_code for r in sent] == [204, 204, 204, 429]
    assert int(sent[-1]["Retry-After"]) >= 1 and "Too many requests" in sent[-1].content.decode()
    assert all(customer_client.get(url + "?after=0").status_code == 200 for _ in range(5))
    assert "line 2" in customer_client.get(url + "?after=0").content.decode()
