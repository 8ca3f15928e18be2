"""The plan's length is the session's length: it closes for both sides at the plan's time,
no line, photo or call signal gets in after, and one paid extension (the next plan up) moves
the end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mechmatch.dispatch.models import Consultation, SessionRequest, StreamEvent
from mechmatch.dispatch.services import DispatchError
from mechmatch.journey.models import ChatMessage
from mechmatch.journey.services import chat_send
from mechmatch.journey.session_length import (
    plan_next_up,
    session_close_if_overdue,
    session_deadline,
    session_extend_start,
    session_extension_offer,
)
from mechmatch.payments.models import Payment
from mechmatch.payments.services import payment_test_settle
from mechmatch.video.services import Signal, consultation_signal_send

pytestmark = pytest.mark.django_db


def _started_minutes_ago(consultation: Consultation, minutes: float) -> Consultation:
    Consultation.objects.filter(pk=consultation.pk).update(started_at=timezone.now() - timedelta(minutes=minutes))
    consultation.refresh_from_db()
    return consultation


def test_the_deadline_is_the_plans_minutes_after_the_start(consultation):
    assert consultation.request.plan_code == "free"
    assert session_deadline(consultation) == consultation.started_at + timedelta(minutes=5)


def test_a_session_past_its_time_is_closed_at_the_deadline_for_both_sides(consultation):
    consultation = _started_minutes_ago(consultation, 5.5)
    assert session_close_if_overdue(consultation) is True
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ENDED
    assert consultation.ended_at == consultation.started_at + timedelta(minutes=5)  # 5:00 of 5:00, not 5:30
    assert consultation.request.status == SessionRequest.Status.COMPLETED
    kinds = set(StreamEvent.objects.values_list("kind", flat=True))
    assert {"session_ended", "completed"} <= kinds


def test_a_session_within_its_time_stays_live(consultation):
    consultation = _started_minutes_ago(consultation, 4.9)
    assert session_close_if_overdue(consultation) is False
    assert Consultation.objects.get(pk=consultation.pk).status == Consultation.Status.ACTIVE


def test_no_chat_line_or_call_signal_gets_in_after_the_time(customer, consultation):
    _started_minutes_ago(consultation, 6)
    with pytest.raises(ValidationError):
        chat_send(user=customer.user, consultation_id=consultation.pk, body="One more thing")
    assert not ChatMessage.objects.exists()
    with pytest.raises(DispatchError):
        consultation_signal_send(user=customer.user, consultation_id=consultation.pk, signal=Signal("hello", "p"))
    assert Consultation.objects.get(pk=consultation.pk).status == Consultation.Status.ENDED


def test_reading_the_chat_of_an_overdue_session_ends_it(customer_client, consultation):
    _started_minutes_ago(consultation, 6)
    response = customer_client.get(reverse("journey:session_messages", args=[consultation.pk]))
    assert response["X-Session-Status"] == "ended"


def test_the_customer_may_extend_once_by_paying_for_the_next_plan_up(customer, consultation, settings):
    settings.PAYMENT_PROVIDER = "test"
    next_up = plan_next_up("free")
    assert next_up is not None and next_up.code == "quick"
    offer = session_extension_offer(consultation)
    assert offer is not None
    assert (offer.plan.code, offer.amount_cents) == ("quick", 999)
    payment, url = session_extend_start(user=customer.user, consultation_id=consultation.pk)
    assert (payment.reference, payment.plan_code, payment.status) == (
        f"extension:{consultation.pk}",
        "quick",
        Payment.Status.PENDING,
    )
    assert url  # the checkout
    assert session_deadline(consultation) == consultation.started_at + timedelta(minutes=5)  # not before paying
    payment_test_settle(payment=payment, user=customer.user, succeed=True)
    assert session_deadline(consultation) == consultation.started_at + timedelta(minutes=35)
    assert session_extension_offer(consultation) is None
    with pytest.raises(ValidationError):
        session_extend_start(user=customer.user, consultation_id=consultation.pk)
    consultation = _started_minutes_ago(consultation, 6)
    assert session_close_if_overdue(consultation) is False


def test_the_mechanic_and_outsiders_cannot_buy_an_extension(toronto_mechanics, outsider, consultation):
    for user in (toronto_mechanics[0].user, outsider):
        with pytest.raises(DispatchError):
            session_extend_start(user=user, consultation_id=consultation.pk)
    assert not Payment.objects.filter(reference__startswith="extension:").exists()


def test_the_longest_plan_has_no_extension(consultation):
    SessionRequest.objects.filter(pk=consultation.request_id).update(plan_code="full")
    consultation.refresh_from_db()
    assert plan_next_up("full") is None and session_extension_offer(consultation) is None
