from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services import dispatch_tick

pytestmark = pytest.mark.django_db


def test_after_a_lapsed_offer_auto_match_broadcasts(customer_client, waiting):
    dispatch_tick()
    response = customer_client.post(reverse("journey:request_choice", args=[waiting.pk]), {"choice": "auto_match"})
    assert response["Location"] == reverse("journey:request", args=[waiting.pk])
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.BROADCASTING
    assert Offer.objects.filter(request=waiting, kind="broadcast").exists()


def test_after_a_lapsed_offer_another_mechanic_can_be_asked(customer_client, waiting, toronto_mechanics):
    dispatch_tick()
    customer_client.post(
        reverse("journey:request_choice", args=[waiting.pk]),
        {"choice": "pick_another", "mechanic_id": toronto_mechanics[1].pk},
    )
    assert Offer.objects.filter(request=waiting, mechanic=toronto_mechanics[1], status=Offer.Status.OPEN).exists()


def test_a_choice_the_request_does_not_offer_is_refused_with_a_notice(customer_client, waiting):
    response = customer_client.post(reverse("journey:request_choice", args=[waiting.pk]), {"choice": "auto_match"})
    assert response["Location"] == reverse("journey:request", args=[waiting.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["This request is not waiting for your choice."]
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.PENDING


def test_someone_elses_request_cannot_be_steered(outsider_client, waiting):
    dispatch_tick()
    response = outsider_client.post(reverse("journey:request_choice", args=[waiting.pk]), {"choice": "auto_match"})
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.AWAITING_CHOICE
