from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mechmatch.journey.models import WaitingMessage

pytestmark = pytest.mark.django_db


def test_a_message_left_while_waiting_opens_the_chat(customer_client, waiting):
    customer_client.post(reverse("journey:request_message", args=[waiting.pk]), {"body": "Ready when you are"})
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert "Ready when you are" in page


def test_messages_left_while_waiting_are_chat_lines_not_site_notices(customer_client, waiting):
    customer_client.post(reverse("journey:request_message", args=[waiting.pk]), {"body": "Ready when you are"})
    customer_client.get(reverse("journey:request", args=[waiting.pk]))  # consumes the "Message sent" notice
    page = customer_client.get(reverse("journey:request", args=[waiting.pk])).content.decode()
    assert page.count("Ready when you are") == 1
    assert "Waiting message" not in page


def test_an_empty_message_is_refused_with_a_notice(customer_client, waiting):
    response = customer_client.post(reverse("journey:request_message", args=[waiting.pk]), {"body": ""})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Write a message first."]
    assert not WaitingMessage.objects.exists()


def test_nobody_else_can_leave_a_message_on_a_request(outsider_client, waiting):
    response = outsider_client.post(reverse("journey:request_message", args=[waiting.pk]), {"body": "Hi"})
    assert response.status_code == 404
    assert not WaitingMessage.objects.exists()
