"""A paid request nobody accepts within REFUND_OFFER_AFTER_SECONDS offers its refund: once
as a notification, and on the waiting room as a button that cancels with the refund."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mechmatch.dispatch import services
from mechmatch.dispatch.models import SessionRequest, StreamEvent
from mechmatch.dispatch.tests.conftest import _stop_event_subscribers, windows  # noqa: F401 - shared fixtures
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.journey.refund_offers import refund_offer_payment, refund_offers_notify
from mechmatch.notifications.models import Kind, Notification
from mechmatch.payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_request(customer, mechanic, windows, settings):  # noqa: F811 - the shared fixture
    settings.REFUND_OFFER_AFTER_SECONDS = 600
    request = request_for(customer.user, routing="selected", selected=mechanic)
    Payment.objects.create(
        user=customer.user,
        reference="intake:1",
        plan_code="standard",
        amount_cents=2999,
        provider="test",
        status=Payment.Status.PAID,
        session_request=request,
    )
    return request


def age(request: SessionRequest, seconds: int) -> None:
    SessionRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def offers_of(user) -> list[Notification]:  # noqa: ANN001
    return list(Notification.objects.filter(user=user, kind=Kind.REFUND_OFFERED))


def test_nothing_is_offered_before_the_configured_time(customer, paid_request):
    age(paid_request, 590)
    assert refund_offers_notify() == 0
    assert refund_offer_payment(paid_request) is None
    assert offers_of(customer.user) == []


def test_after_the_configured_time_the_customer_is_told_once(customer, paid_request):
    age(paid_request, 601)
    assert refund_offers_notify() == 1
    assert refund_offers_notify() == 0
    [notice] = offers_of(customer.user)
    assert notice.dedupe_key == f"refund_offered:request:{paid_request.pk}"
    assert notice.context["amount_cents"] == 2999
    assert notice.context["path"] == reverse("journey:request", args=[paid_request.pk])
    assert refund_offer_payment(paid_request) == paid_request.payment


def test_the_open_waiting_room_hears_of_the_offer(paid_request):
    age(paid_request, 601)
    refund_offers_notify()
    assert StreamEvent.objects.filter(channel=f"request-{paid_request.pk}", kind="refund_offered").count() == 1


def test_an_accepted_request_is_not_offered_a_refund(customer, mechanic, paid_request):
    services.offer_accept(mechanic=mechanic, offer_id=paid_request.offers.get().pk)
    age(paid_request, 601)
    assert refund_offers_notify() == 0
    assert offers_of(customer.user) == []


def test_a_free_request_is_not_offered_a_refund(customer, paid_request):
    Payment.objects.filter(session_request=paid_request).update(amount_cents=0)
    age(paid_request, 601)
    assert refund_offers_notify() == 0


def test_zero_turns_the_offer_off(customer, paid_request, settings):
    settings.REFUND_OFFER_AFTER_SECONDS = 0
    age(paid_request, 10_000)
    assert refund_offers_notify() == 0
    assert refund_offer_payment(paid_request) is None
