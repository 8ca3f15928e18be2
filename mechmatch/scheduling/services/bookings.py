"""The customer's writes: book a slot, reschedule it, cancel it.

A booking goes through the same plan, waiver and payment rules as a live session
(`journey.booking.session_entitlement_claim`, in the booking's own transaction, so a
refused booking releases the payment). A booking with a mechanic writes one BookingCell
per 15-minute cell it covers; the unique (mechanic, cell_start) constraint refuses an
overlapping booking of the same mechanic, whichever process writes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mechmatch.accounts.models import User
from mechmatch.core import slots as core_slots
from mechmatch.customers.services import vehicle_clean
from mechmatch.dispatch.models import SessionRequest
from mechmatch.dispatch.services import DispatchError, NotFound
from mechmatch.geography.services import location_clean
from mechmatch.journey.booking import session_entitlement_claim
from mechmatch.journey.models import Intake
from mechmatch.mechanics.models import Mechanic
from mechmatch.payments.models import Refund
from mechmatch.payments.plans import plan_get
from mechmatch.payments.services import payment_refund
from mechmatch.scheduling.models import Booking, BookingCell
from mechmatch.scheduling.policy import bookable_window, cancel_terms
from mechmatch.scheduling.selectors import mechanic_slot_is_open

TAKEN = gettext_lazy("That time was just booked by someone else; choose another.")


class BookingClosed(DispatchError):
    """The booking has started or was cancelled: it can no longer be changed (409)."""


def _check_start(starts_at: datetime | None, now: datetime) -> datetime:
    if starts_at is None or starts_at.tzinfo is None:
        raise ValidationError({"starts_at": _("Give the start time with its time zone.")})
    earliest, latest = bookable_window(now)
    if starts_at < earliest:
        raise ValidationError({"starts_at": _("Choose a time a little further ahead.")})
    if starts_at > latest:
        raise ValidationError({"starts_at": _("Choose a time within the next two weeks.")})
    if not core_slots.on_grid(starts_at):
        raise ValidationError({"starts_at": _("Choose one of the offered times.")})
    return starts_at


def _check_slot(mechanic: Mechanic | None, starts_at: datetime, minutes: int) -> None:
    if mechanic is not None and not mechanic_slot_is_open(mechanic, start=starts_at, minutes=minutes):
        raise ValidationError({"starts_at": _("The mechanic is not available then; choose one of the offered times.")})


def _hold(booking: Booking) -> None:
    """Write the booking's cells; IntegrityError if any is held already."""
    if booking.mechanic_id is None:
        return
    BookingCell.objects.bulk_create(
        BookingCell(booking=booking, mechanic_id=booking.mechanic_id, cell_start=cell)
        for cell in core_slots.cells_of(booking.starts_at, booking.ends_at)
    )


def booking_create(
    *,
    user: User,
    starts_at: datetime | None,
    plan_code: str,
    concern: str,
    vehicle: dict[str, Any],
    mechanic_id: int | None = None,
    payment_id: int | None = None,
    intake: Intake | None = None,
    request_type: str = SessionRequest.RequestType.GENERAL,
    country: str = "CA",
    city: str = "",
    postal_code: str = "",
    region: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book `starts_at` (UTC or any aware time) for the plan's length with `mechanic_id`,
    or with any matching mechanic when None. Errors name `starts_at`, `mechanic_id`,
    `concern`, the vehicle's and location's fields, or the entitlement's (`plan_code`,
    `waiver`, `payment_id`)."""
    now = now or timezone.now()
    plan = plan_get(plan_code or "")
    if plan is None:
        raise ValidationError({"plan_code": _("Choose one of the plans.")})
    if request_type not in SessionRequest.RequestType.values:
        raise ValidationError({"request_type": _("Choose general or brand_specialist.")})
    concern = (concern or "").strip()
    if len(concern) < 3:
        raise ValidationError({"concern": _("Describe the problem in a few words.")})
    clean_vehicle = vehicle_clean(
        year=vehicle.get("year"), make=vehicle.get("make", ""), model=vehicle.get("model", ""),
        vin=vehicle.get("vin") or "",
    )  # fmt: skip
    location = location_clean(country=country, city=city, postal_code=postal_code, region=region)
    mechanic: Mechanic | None = None
    if mechanic_id is not None:
        mechanic = Mechanic.objects.filter(pk=mechanic_id).first()
        if mechanic is None or not mechanic.is_eligible:
            raise ValidationError({"mechanic_id": _("That mechanic is not available on mechmatch.")})
    starts_at = _check_start(starts_at, now)
    _check_slot(mechanic, starts_at, plan.minutes)
    try:
        with transaction.atomic():
            payment = session_entitlement_claim(
                user=user, plan_code=plan.code, payment_id=payment_id, intake=intake, request_type=request_type
            )
            booking = Booking.objects.create(
                customer=user,
                mechanic=mechanic,
                plan_code=plan.code,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=plan.minutes),
                payment=payment,
                concern=concern[:4000],
                vehicle={k: v for k, v in clean_vehicle.items() if v not in (None, "")},
                request_type=request_type,
                country=location["country"],
                region=location["region"] or "",
                city=(location["city"] or "")[:120],
                postal_code=location["postal_code"] or "",
            )
            _hold(booking)
            if intake is not None:
                # The intake is spent on this booking, as a live request would spend it.
                Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.SUBMITTED, plan_code=plan.code)
    except IntegrityError:
        raise ValidationError({"starts_at": TAKEN}) from None
    return booking


def _lock_active(user: User, booking_id: int) -> Booking:
    booking = Booking.objects.select_for_update().filter(pk=booking_id, customer=user).first()
    if booking is None:
        raise NotFound("No such booking.")
    if booking.status != Booking.Status.BOOKED:
        raise BookingClosed("This booking has started or was cancelled.")
    return booking


def booking_reschedule(
    *, user: User, booking_id: int, starts_at: datetime | None, now: datetime | None = None
) -> Booking:
    """Move the customer's booking to another free slot of the same mechanic (the cells
    are swapped in one transaction: the old time is free again only if the new one holds)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            booking = _lock_active(user, booking_id)  # first: outsiders learn nothing else
            starts_at = _check_start(starts_at, now)
            plan = plan_get(booking.plan_code)
            minutes = plan.minutes if plan is not None else int((booking.ends_at - booking.starts_at).seconds // 60)
            mechanic = booking.mechanic
            _check_slot(mechanic, starts_at, minutes)
            BookingCell.objects.filter(booking=booking).delete()
            booking.starts_at, booking.ends_at = starts_at, starts_at + timedelta(minutes=minutes)
            Booking.objects.filter(pk=booking.pk).update(
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                reminded_day_at=None,
                reminded_soon_at=None,
                version=F("version") + 1,
                updated_at=now,
            )
            _hold(booking)
    except IntegrityError:
        raise ValidationError({"starts_at": TAKEN}) from None
    booking.refresh_from_db()
    return booking


@dataclass(frozen=True)
class Cancelled:
    booking: Booking
    refund: Refund | None
    refunded: bool  # the rule granted a refund (the Refund may still be settling)


def booking_cancel(*, user: User, booking_id: int, now: datetime | None = None) -> Cancelled:
    """Cancel the customer's booking, free its slot and apply the refund rule
    (`policy.cancel_terms`) through the payments' refund service."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_active(user, booking_id)
        terms = cancel_terms(starts_at=booking.starts_at, now=now)
        won = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.CANCELLED, cancelled_at=now, version=F("version") + 1, updated_at=now
        )
        if not won:
            raise BookingClosed("This booking has started or was cancelled.")
        BookingCell.objects.filter(booking=booking).delete()
    refund = None
    if terms.refund and booking.payment is not None:
        refund = payment_refund(payment=booking.payment, reason="scheduled_cancelled", requested_by=user)
    booking.refresh_from_db()
    return Cancelled(booking=booking, refund=refund, refunded=terms.refund and booking.payment is not None)
