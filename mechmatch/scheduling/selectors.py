"""Reads for scheduling: a mechanic's week and free slots, bookings for their owners,
and the time zone each viewer reads times in."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.core import slots as core_slots
from mechmatch.core.geo import timezone_for
from mechmatch.customers.models import CustomerProfile
from mechmatch.dispatch.services import NotFound
from mechmatch.mechanics.models import Mechanic
from mechmatch.payments.plans import plan_get
from mechmatch.scheduling.models import AvailabilityRule, Booking, TimeOff
from mechmatch.scheduling.policy import bookable_window

DEFAULT_TIMEZONE = "America/Toronto"
HOLDING_STATUSES = (Booking.Status.BOOKED, Booking.Status.DISPATCHING, Booking.Status.DISPATCHED)


def rules_of(mechanic: Mechanic) -> list[core_slots.WeeklyRule]:
    return [
        core_slots.WeeklyRule(r.weekday, r.start_time, r.end_time)
        for r in AvailabilityRule.objects.filter(mechanic=mechanic)
    ]


def time_off_of(mechanic: Mechanic, *, upcoming_from: datetime | None = None) -> QuerySet[TimeOff]:
    rows = TimeOff.objects.filter(mechanic=mechanic)
    if upcoming_from is not None:
        rows = rows.filter(last_day__gte=upcoming_from.date() - timedelta(days=1))
    return rows


def _time_off_core(mechanic: Mechanic) -> list[core_slots.TimeOff]:
    return [core_slots.TimeOff(t.first_day, t.last_day) for t in time_off_of(mechanic)]


def busy_of(
    mechanic: Mechanic, start: datetime, end: datetime, *, except_booking: int | None = None
) -> list[tuple[datetime, datetime]]:
    rows = Booking.objects.filter(mechanic=mechanic, status__in=HOLDING_STATUSES, starts_at__lt=end, ends_at__gt=start)
    if except_booking is not None:
        rows = rows.exclude(pk=except_booking)
    return list(rows.values_list("starts_at", "ends_at"))


def mechanic_timezone(mechanic: Mechanic) -> str:
    try:
        core_slots.zone(mechanic.timezone)
    except ValueError:
        return DEFAULT_TIMEZONE
    return mechanic.timezone or DEFAULT_TIMEZONE


def mechanic_free_slots(
    mechanic: Mechanic,
    *,
    plan_code: str,
    now: datetime | None = None,
    limit: int | None = None,
    except_booking: int | None = None,
) -> list[datetime]:
    """The mechanic's free slots (UTC starts) for the plan's length, in the bookable window."""
    plan = plan_get(plan_code)
    if plan is None:
        return []
    start, end = bookable_window(now or timezone.now())
    return core_slots.free_slots(
        rules=rules_of(mechanic),
        time_off=_time_off_core(mechanic),
        busy=busy_of(mechanic, start, end + timedelta(days=1), except_booking=except_booking),
        tz_name=mechanic_timezone(mechanic),
        start=start,
        end=end,
        minutes=plan.minutes,
        limit=limit,
    )


def mechanic_slot_is_open(mechanic: Mechanic, *, start: datetime, minutes: int) -> bool:
    return core_slots.slot_is_open(
        rules=rules_of(mechanic),
        time_off=_time_off_core(mechanic),
        tz_name=mechanic_timezone(mechanic),
        start=start,
        minutes=minutes,
    )


def viewer_timezone(user: User) -> str:
    """The zone a user reads times in: a mechanic's own; a customer's from their location."""
    if not user.is_authenticated:
        return DEFAULT_TIMEZONE
    mechanic = Mechanic.objects.filter(user=user).only("timezone").first()
    if mechanic is not None:
        return mechanic_timezone(mechanic)
    profile = CustomerProfile.objects.filter(user=user).first()
    if profile is not None and profile.region:
        try:
            return timezone_for(profile.country, profile.region, profile.longitude) or DEFAULT_TIMEZONE
        except (KeyError, ValueError):
            return DEFAULT_TIMEZONE
    return DEFAULT_TIMEZONE


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """A customer's own bookings and the bookings with a mechanic; nobody else's."""
    return Booking.objects.filter(Q(customer=user) | Q(mechanic__user=user)).select_related(
        "mechanic", "customer", "payment", "session_request"
    )


def bookings_upcoming(user: User, *, now: datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return bookings_visible_to(user).filter(status__in=HOLDING_STATUSES, ends_at__gt=now).order_by("starts_at")


def booking_for(user: User, booking_id: int) -> Booking:
    """The booking if the user is its customer or its mechanic; NotFound otherwise."""
    booking = bookings_visible_to(user).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("No such booking.")
    return booking


def booking_of_customer(user: User, booking_id: int) -> Booking:
    booking = Booking.objects.filter(pk=booking_id, customer=user).select_related("mechanic", "payment").first()
    if booking is None:
        raise NotFound("No such booking.")
    return booking


ANY_MECHANICS = 30  # how many mechanics' weeks make up "any matching mechanic"'s slots


def any_free_slots(*, plan_code: str, now: datetime | None = None, limit: int = 60) -> list[datetime]:
    """Times at which at least one eligible mechanic with a week is free ("any matching
    mechanic": the request goes to the best-matched mechanics at its start)."""
    mechanics = (
        Mechanic.objects.filter(
            application_status=Mechanic.ApplicationStatus.APPROVED,
            account_status=Mechanic.AccountStatus.ACTIVE,
            availability_rules__isnull=False,
        )
        .distinct()
        .order_by("-rating_average", "pk")[:ANY_MECHANICS]
    )
    union: set[datetime] = set()
    for mechanic in mechanics:
        union.update(mechanic_free_slots(mechanic, plan_code=plan_code, now=now, limit=limit))
    return sorted(union)[:limit]


def slots_by_day(slots: list[datetime], tz_name: str) -> list[tuple[datetime, list[datetime]]]:
    """Slots grouped by the viewer's local day: (the day's first slot, the day's slots)."""
    tz = core_slots.zone(tz_name)
    days: dict[object, list[datetime]] = {}
    for slot in slots:
        days.setdefault(slot.astimezone(tz).date(), []).append(slot)
    return [(group[0], group) for group in days.values()]
