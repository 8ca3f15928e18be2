"""A paid request nobody accepts within REFUND_OFFER_AFTER_SECONDS offers its refund: the
waiting room shows the offer (its button is the ordinary cancel, `booking.session_request_cancel`,
which refunds), and the customer is told once through the outbox. The notify worker calls
`refund_offers_notify` on each step; the dedupe key makes it once per request whichever
worker gets there, and the event it publishes makes an open waiting room show the offer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from mechmatch.dispatch import events
from mechmatch.dispatch.models import SessionRequest
from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import notification_enqueue
from mechmatch.payments.models import Payment


def _cutoff(now: datetime | None) -> datetime | None:
    after = settings.REFUND_OFFER_AFTER_SECONDS
    return None if after <= 0 else (now or timezone.now()) - timedelta(seconds=after)


def _offerable(cutoff: datetime) -> QuerySet[SessionRequest]:
    return SessionRequest.objects.filter(
        status__in=SessionRequest.WAITING_STATUSES,
        created_at__lte=cutoff,
        payment__status=Payment.Status.PAID,
        payment__amount_cents__gt=0,
    )


def refund_offer_payment(request: SessionRequest, now: datetime | None = None) -> Payment | None:
    """The payment the waiting room offers to refund, or None while the offer is not due."""
    cutoff = _cutoff(now)
    if cutoff is None or not _offerable(cutoff).filter(pk=request.pk).exists():
        return None
    return Payment.objects.filter(session_request=request).first()


_KEY_PREFIX = f"{Kind.REFUND_OFFERED.value}:request:"


def _dedupe_key(request_id: int) -> str:
    return f"{_KEY_PREFIX}{request_id}"


def refund_offers_notify(*, now: datetime | None = None, limit: int = 100) -> int:
    """Tell each customer whose paid request has waited past the cutoff, once; returns how many."""
    cutoff = _cutoff(now)
    if cutoff is None:
        return 0
    told = Notification.objects.filter(dedupe_key=Concat(Value(_KEY_PREFIX), Cast(OuterRef("pk"), CharField())))
    due = (
        _offerable(cutoff)
        .exclude(Exists(told))
        .select_related("customer", "payment")
        .order_by("created_at", "id")[:limit]
    )
    written = 0
    for request in due:
        payment = request.payment
        with events.atomic_with_events():
            notice = notification_enqueue(
                user=request.customer,
                kind=Kind.REFUND_OFFERED,
                context={
                    "vehicle": request.vehicle_label,
                    "request_id": request.pk,
                    "amount_cents": payment.amount_cents,
                    "currency": payment.currency,
                    "path": reverse("journey:request", args=[request.pk]),
                },
                dedupe_key=_dedupe_key(request.pk),
            )
            if notice is not None:
                events.publish(events.request_channel(request.pk), "refund_offered", {})
                written += 1
    return written
