from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from mechmatch.dispatch.models import Consultation

pytestmark = pytest.mark.django_db


def test_the_customer_ending_the_session_is_taken_to_the_completion_page(customer_client, consultation):
    response = customer_client.post(reverse("journey:session_end", args=[consultation.pk]))
    assert response["Location"] == reverse("journey:complete", args=[consultation.pk])
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ENDED and consultation.ended_at is not None


def test_the_mechanic_ending_the_session_stays_on_the_session_page(consultation, toronto_mechanics):
    client = Client()
    client.force_login(toronto_mechanics[0].user)
    response = client.post(reverse("journey:session_end", args=[consultation.pk]))
    assert response["Location"] == reverse("journey:session", args=[consultation.pk])
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ENDED


def test_ending_twice_says_so_and_changes_nothing(customer_client, consultation):
    url = reverse("journey:session_end", args=[consultation.pk])
    customer_client.post(url)
    consultation.refresh_from_db()
    ended_at = consultation.ended_at
    response = customer_client.post(url)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["This session has already ended."]
    consultation.refresh_from_db()
    assert consultation.ended_at == ended_at


def test_ending_needs_the_csrf_token(consultation, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    assert client.post(reverse("journey:session_end", args=[consultation.pk]), {"body": "x"}).status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ACTIVE
