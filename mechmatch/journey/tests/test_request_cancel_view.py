from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mechmatch.dispatch.models import Offer, SessionRequest

pytestmark = pytest.mark.django_db


def test_cancelling_while_waiting_withdraws_the_offer_and_returns_to_the_dashboard(customer_client, waiting):
    response = customer_client.post(reverse("journey:request_cancel", args=[waiting.pk]))
    assert response["Location"] == reverse("journey:dashboard")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your request was cancelled."]
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.CANCELLED
    assert not Offer.objects.filter(request=waiting, status=Offer.Status.OPEN).exists()


def test_once_a_mechanic_has_joined_cancelling_is_refused_with_a_notice(customer_client, consultation):
    request = consultation.request
    response = customer_client.post(reverse("journey:request_cancel", args=[request.pk]))
    assert response["Location"] == reverse("journey:request", args=[request.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "A mechanic has already joined; end the session instead."
    ]
    request.refresh_from_db()
    assert request.status == SessionRequest.Status.MATCHED


def test_nobody_else_can_cancel_a_request(outsider_client, waiting):
    outsider_client.post(reverse("journey:request_cancel", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.PENDING
