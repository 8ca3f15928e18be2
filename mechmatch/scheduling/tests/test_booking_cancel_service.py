"""Cancelling a booking (scheduling.services.booking_cancel) and the refund rule
(scheduling.policy.cancel_terms): full refund until 24 hours before, none after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mechmatch.payments.models import Payment, Refund
from mechmatch.scheduling.models import Booking, BookingCell
from mechmatch.scheduling.policy import cancel_terms
from mechmatch.scheduling.services import BookingClosed, booking_cancel
from mechmatch.scheduling.testing import make_booking, make_week

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)
START = datetime(2027, 3, 12, 14, tzinfo=UTC)


def test_the_rule_refunds_until_exactly_24_hours_before_and_not_after():
    assert cancel_terms(starts_at=START, now=START - timedelta(hours=24)).refund
    assert not cancel_terms(starts_at=START, now=START - timedelta(hours=24) + timedelta(seconds=1)).refund
    assert cancel_terms(starts_at=START, now=NOW).full_refund_until == START - timedelta(hours=24)


def test_cancelling_early_refunds_the_payment_once_and_frees_the_slot(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, START, now=NOW)
    done = booking_cancel(user=customer.user, booking_id=booking.pk, now=NOW)
    assert done.booking.status == Booking.Status.CANCELLED and done.refunded
    assert Payment.objects.get(booking=booking).status == Payment.Status.REFUNDED
    assert Refund.objects.count() == 1 and not BookingCell.objects.exists()
    with pytest.raises(BookingClosed):
        booking_cancel(user=customer.user, booking_id=booking.pk, now=NOW)
    assert Refund.objects.count() == 1


def test_cancelling_within_24_hours_frees_the_slot_but_keeps_the_payment(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, START, now=NOW)
    done = booking_cancel(user=customer.user, booking_id=booking.pk, now=START - timedelta(hours=2))
    assert not done.refunded and done.refund is None
    assert Payment.objects.get(booking=booking).status == Payment.Status.PAID
    assert not BookingCell.objects.exists()
