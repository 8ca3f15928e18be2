"""The dispatcher's scheduling step (called from `dispatch_tick`): start the bookings whose
time has come and write the reminders that are due, set-wise and safe in any number of
dispatcher processes.

Starting: one conditional UPDATE claims a batch of due bookings (booked -> dispatching,
stamped with this step's token; a claim older than SCHEDULE_CLAIM_TIMEOUT_SECONDS is
retaken), then each claimed booking becomes a session request through dispatch's
`request_create` with the idempotency key `booking:<id>`, so a dispatcher killed between
the two makes no second request: the next one finds the first. A booking with a mechanic
is an exclusive offer to them (`selected` routing, with its usual fallback: the
customer's choices, then the best-matched mechanics); "any matching mechanic" is a smart
broadcast.

Reminders: 24 hours and 15 minutes before the start, to both parties, through the
notifications outbox. A conditional UPDATE of the booking's reminded_* column decides
which process writes them, and the notification's dedupe key (booking, start, reminder,
role) makes a second write a no-op; a reschedule clears the columns and changes the key."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from mechmatch.dispatch.models import SessionRequest
from mechmatch.dispatch.services.requests import request_create
from mechmatch.notifications.models import Kind
from mechmatch.notifications.services import notification_enqueue
from mechmatch.payments.models import Payment
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.selectors import mechanic_timezone, viewer_timezone

logger = logging.getLogger(__name__)

REMINDERS: tuple[tuple[str, timedelta, str], ...] = (
    ("day", timedelta(hours=24), "reminded_day_at"),
    ("soon", timedelta(minutes=15), "reminded_soon_at"),
)


@dataclass
class ScheduledStep:
    started: list[int] = field(default_factory=list)  # booking ids made into requests
    reminders: int = 0  # bookings reminded (both parties each)
    errors: int = 0


def _due_start(now: datetime) -> Q:
    stale = now - timedelta(seconds=settings.SCHEDULE_CLAIM_TIMEOUT_SECONDS)
    return Q(status=Booking.Status.BOOKED, starts_at__lte=now) | Q(
        status=Booking.Status.DISPATCHING, claimed_at__lt=stale
    )


def bookings_claim_due(now: datetime, *, limit: int) -> list[Booking]:
    ids = list(Booking.objects.filter(_due_start(now)).order_by("starts_at", "id").values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4().hex
    Booking.objects.filter(_due_start(now), pk__in=ids).update(
        status=Booking.Status.DISPATCHING, claimed_at=now, claim_token=token
    )
    return list(Booking.objects.filter(claim_token=token).select_related("customer", "mechanic"))


def _request_for(booking: Booking, now: datetime) -> SessionRequest:
    fields = {
        "user": booking.customer,
        "concern": booking.concern,
        "vehicle": booking.vehicle,
        "request_type": booking.request_type,
        "country": booking.country,
        "city": booking.city,
        "postal_code": booking.postal_code,
        "region": booking.region,
        "plan_code": booking.plan_code,
        "idempotency_key": f"booking:{booking.pk}",
        "now": now,
    }
    if booking.mechanic_id is not None:
        try:
            request, _ = request_create(routing_type="selected", selected_mechanic_id=booking.mechanic_id, **fields)
            return request
        except ValidationError as exc:
            if "selected_mechanic_id" not in exc.message_dict:
                raise
            # The mechanic left mechmatch since the booking: the best-matched mechanics instead.
    request, _ = request_create(routing_type="smart_broadcast", **fields)
    return request


def booking_start(booking: Booking, now: datetime) -> SessionRequest:
    """Make a claimed booking's session request and hand it its payment."""
    request = _request_for(booking, now)
    with transaction.atomic():
        if booking.payment_id is not None and not Payment.objects.filter(session_request=request).exists():
            Payment.objects.filter(pk=booking.payment_id, session_request__isnull=True).update(session_request=request)
        Booking.objects.filter(pk=booking.pk, claim_token=booking.claim_token).update(
            status=Booking.Status.DISPATCHED, session_request=request, updated_at=now
        )
    return request


def _when(moment: datetime, tz_name: str) -> dict[str, str]:
    """The moment and the recipient's zone; notifications.texts writes it in their language."""
    return {"starts_at": moment.isoformat(), "timezone": tz_name}


def _vehicle(booking: Booking) -> str:
    v = booking.vehicle
    return " ".join(str(p) for p in (v.get("year"), v.get("make"), v.get("model")) if p)


def _remind(booking: Booking, name: str) -> None:
    stamp = booking.starts_at.strftime("%Y%m%dT%H%M")
    vehicle = _vehicle(booking)
    mechanic = booking.mechanic
    notification_enqueue(
        user=booking.customer,
        kind=Kind.SCHEDULED_REMINDER,
        context={
            "mechanic_name": mechanic.display_name if mechanic is not None else "",
            "vehicle": vehicle,
            **_when(booking.starts_at, viewer_timezone(booking.customer)),
            "path": reverse("scheduling:bookings"),
        },
        dedupe_key=f"reminder:{name}:booking:{booking.pk}:{stamp}:customer",
    )
    if mechanic is not None:
        notification_enqueue(
            user=mechanic.user,
            kind=Kind.SCHEDULED_SOON,
            context={
                "customer_first_name": booking.customer.first_name,
                "vehicle": vehicle,
                "concern": booking.concern[:200],
                **_when(booking.starts_at, mechanic_timezone(mechanic)),
                "path": reverse("scheduling:bookings"),
            },
            dedupe_key=f"reminder:{name}:booking:{booking.pk}:{stamp}:mechanic",
        )


def reminders_write_due(now: datetime, *, limit: int) -> int:
    """Write the due reminders of up to `limit` bookings per reminder; returns how many."""
    written = 0
    for name, before, column in REMINDERS:
        due = Q(
            status=Booking.Status.BOOKED, starts_at__gt=now, starts_at__lte=now + before, **{f"{column}__isnull": True}
        )
        ids = list(Booking.objects.filter(due).order_by("starts_at").values_list("pk", flat=True)[:limit])
        for pk in ids:
            with transaction.atomic():
                if not Booking.objects.filter(due, pk=pk).update(**{column: now}):
                    continue  # another dispatcher wrote it, or the booking changed
                booking = Booking.objects.select_related("customer", "mechanic__user").get(pk=pk)
                _remind(booking, name)
                written += 1
    return written


def scheduled_step(now: datetime, *, limit: int) -> ScheduledStep:
    """The whole step: reminders first (cheap), then the starts."""
    result = ScheduledStep()
    result.reminders = reminders_write_due(now, limit=limit)
    for booking in bookings_claim_due(now, limit=limit):
        try:
            booking_start(booking, now)
        except Exception:  # noqa: BLE001 - one bad booking must not stop the dispatcher
            logger.exception("starting booking %s failed; it is retried after the claim timeout", booking.pk)
            result.errors += 1
            continue
        result.started.append(booking.pk)
    return result
