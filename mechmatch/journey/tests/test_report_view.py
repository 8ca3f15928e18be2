from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.journey.services import chat_send, session_end

pytestmark = pytest.mark.django_db


def test_the_report_downloads_as_a_text_attachment(customer_client, consultation, customer):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = customer_client.get(reverse("journey:report", args=[consultation.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    assert "2018 Honda Civic" in text and "Brakes squeal" in text and "Morgan Lee" in text and "Duration:" in text


def test_the_report_names_who_said_what_and_the_mechanic_may_download_it_too(consultation, customer, toronto_mechanics):
    chat_send(user=customer.user, consultation_id=consultation.pk, body="It squeals at low speed")
    chat_send(user=toronto_mechanics[0].user, consultation_id=consultation.pk, body="Check the pad wear")
    client = Client()
    client.force_login(toronto_mechanics[0].user)
    response = client.get(reverse("journey:report", args=[consultation.pk]))
    assert f'filename="mechmatch-session-{consultation.pk}.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "You: It squeals at low speed" in text and "Mechanic: Check the pad wear" in text
