"""The dispatcher's scheduling step (`dispatch_tick` -> scheduling.services.scheduled_step):
a booking becomes its session request at its start, once; reminders 24 hours and 15
minutes before, written once to both parties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services import dispatch_tick
from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import notification_message
from mechmatch.payments.models import Payment
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.services import booking_reschedule
from mechmatch.scheduling.testing import make_booking, make_week

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)
START = datetime(2027, 3, 12, 14, tzinfo=UTC)  # Friday 09:00 in Toronto


def _tick(now: datetime):  # noqa: ANN202
    return dispatch_tick(now=now, sweep=False)


def test_nothing_starts_before_its_time_and_at_its_time_the_booked_mechanic_gets_an_exclusive_offer(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, START, now=NOW)
    _tick(START - timedelta(minutes=1))
    assert not SessionRequest.objects.exists()
    result = _tick(START)
    booking.refresh_from_db()
    request = SessionRequest.objects.get()
    assert result.outcomes.get("scheduled_started") == 1
    assert booking.status == Booking.Status.DISPATCHED and booking.session_request_id == request.pk
    assert request.routing_type == "selected" and request.selected_mechanic_id == mechanic.pk
    offer = Offer.objects.get(request=request)
    assert offer.mechanic_id == mechanic.pk and offer.kind == Offer.Kind.EXCLUSIVE
    assert Payment.objects.get(booking=booking).session_request_id == request.pk


def test_a_second_tick_starts_nothing_more(customer, mechanic):
    make_week(mechanic)
    make_booking(customer.user, mechanic, START, now=NOW)
    _tick(START)
    _tick(START + timedelta(seconds=5))
    assert SessionRequest.objects.count() == 1


def test_a_booked_mechanic_off_shift_at_the_start_gets_the_usual_fallback(customer, mechanic):
    make_week(mechanic)
    make_booking(customer.user, mechanic, START, now=NOW)
    type(mechanic).objects.filter(pk=mechanic.pk).update(is_on_shift=False)
    _tick(START)
    assert SessionRequest.objects.get().status == SessionRequest.Status.AWAITING_CHOICE


def test_any_matching_mechanic_is_sent_to_the_best_matched_at_its_start(customer, mechanic):
    make_booking(customer.user, None, START, now=NOW)
    _tick(START)
    request = SessionRequest.objects.get()
    assert request.routing_type == "smart_broadcast"
    assert Offer.objects.filter(request=request, mechanic=mechanic).exists()


def test_a_start_claimed_by_a_dispatcher_that_died_is_retaken_and_makes_no_second_request(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, START, now=NOW)
    _tick(START)
    first = SessionRequest.objects.get()
    # As if the dispatcher died after creating the request but before marking the booking.
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.DISPATCHING, claimed_at=START)
    _tick(START + timedelta(minutes=1))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DISPATCHING  # not stale yet
    _tick(START + timedelta(minutes=10))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DISPATCHED and booking.session_request_id == first.pk
    assert SessionRequest.objects.count() == 1


def _reminders() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("kind", "user__email"))


def test_reminders_go_to_both_parties_24_hours_and_15_minutes_before_each_once(customer, mechanic):
    make_week(mechanic)
    make_booking(customer.user, mechanic, START, now=NOW)
    _tick(START - timedelta(hours=25))
    assert _reminders() == []
    _tick(START - timedelta(hours=24))
    _tick(START - timedelta(hours=23))
    day = [(Kind.SCHEDULED_REMINDER, customer.user.email), (Kind.SCHEDULED_SOON, mechanic.user.email)]
    assert _reminders() == sorted(day)
    _tick(START - timedelta(minutes=15))
    _tick(START - timedelta(minutes=10))
    assert len(_reminders()) == 4


def test_a_rescheduled_booking_is_reminded_again_for_its_new_time(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, START, now=NOW)
    _tick(START - timedelta(hours=24))
    assert Notification.objects.count() == 2
    booking_reschedule(user=customer.user, booking_id=booking.pk, starts_at=START + timedelta(hours=2), now=NOW)
    _tick(START - timedelta(hours=23))
    assert Notification.objects.count() == 2  # the new time is 22 hours away
    _tick(START - timedelta(hours=22))
    assert Notification.objects.count() == 4


def test_the_reminder_reads_in_the_recipients_language_and_time_zone(customer, mechanic):
    make_week(mechanic)
    customer.user.preferred_language = "fr-ca"
    customer.user.save()
    make_booking(customer.user, mechanic, START, now=NOW)
    _tick(START - timedelta(hours=24))
    note = Notification.objects.get(kind=Kind.SCHEDULED_REMINDER)
    with translation.override("en"):
        message = notification_message(note)
    # fr-CA as Québec writes it (OQLF): lowercase weekday, "09 h 00" with no-break spaces.
    assert "Votre séance planifiée est le vendredi 12 mars 2027, 09\xa0h\xa000 EST" in message.subject
