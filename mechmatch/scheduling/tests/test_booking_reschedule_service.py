"""Moving a booking (scheduling.services.booking_reschedule)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from mechmatch.dispatch.services import NotFound
from mechmatch.scheduling.models import BookingCell
from mechmatch.scheduling.services import BookingClosed, booking_cancel, booking_reschedule
from mechmatch.scheduling.testing import make_booking, make_week
from mechmatch.testing import make_customer

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)
FIRST = datetime(2027, 3, 11, 14, tzinfo=UTC)
SECOND = datetime(2027, 3, 12, 15, tzinfo=UTC)


def test_rescheduling_moves_the_cells_and_frees_the_old_time(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, FIRST, now=NOW)
    moved = booking_reschedule(user=customer.user, booking_id=booking.pk, starts_at=SECOND, now=NOW)
    assert moved.starts_at == SECOND and moved.version == 1
    assert sorted(BookingCell.objects.values_list("cell_start", flat=True))[0] == SECOND
    other = make_customer(email="other@example.test")
    assert make_booking(other.user, mechanic, FIRST, now=NOW)  # the old time is free again


def test_rescheduling_onto_someone_elses_time_is_refused_and_keeps_the_old_one(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, FIRST, now=NOW)
    other = make_customer(email="other@example.test")
    make_booking(other.user, mechanic, SECOND, now=NOW)
    with pytest.raises(ValidationError) as caught:
        booking_reschedule(user=customer.user, booking_id=booking.pk, starts_at=SECOND + timedelta(minutes=15), now=NOW)
    assert list(caught.value.message_dict) == ["starts_at"]
    booking.refresh_from_db()
    assert booking.starts_at == FIRST and BookingCell.objects.filter(booking=booking).count() == 3


def test_rescheduling_clears_the_reminders_so_the_new_time_gets_its_own(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, FIRST, now=NOW)
    type(booking).objects.filter(pk=booking.pk).update(reminded_day_at=NOW)
    moved = booking_reschedule(user=customer.user, booking_id=booking.pk, starts_at=SECOND, now=NOW)
    assert moved.reminded_day_at is None


def test_only_the_customer_may_reschedule_and_not_once_cancelled(customer, mechanic, outsider):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, FIRST, now=NOW)
    with pytest.raises(NotFound):
        booking_reschedule(user=outsider, booking_id=booking.pk, starts_at=SECOND, now=NOW)
    with pytest.raises(NotFound):
        booking_reschedule(user=mechanic.user, booking_id=booking.pk, starts_at=SECOND, now=NOW)
    booking_cancel(user=customer.user, booking_id=booking.pk, now=NOW)
    with pytest.raises(BookingClosed):
        booking_reschedule(user=customer.user, booking_id=booking.pk, starts_at=SECOND, now=NOW)
