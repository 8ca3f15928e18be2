"""Which payment changes tell the customer: the receipt when a payment becomes paid and the
notice when its refund succeeds. Each is written through the outbox in the transaction of
the change, with a dedupe key naming the event, so a replayed webhook or a retried worker
step never writes a second one. Amounts are stored as cents and written in the
recipient's language when the notification is rendered (payments.money)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mechmatch.dispatch.models import SessionRequest
from mechmatch.journey.models import Intake
from mechmatch.notifications.models import Kind
from mechmatch.notifications.services import notification_enqueue
from mechmatch.payments.models import Payment, Refund


def payment_vehicle(payment: Payment) -> str:
    """The vehicle a payment was for: its request's, else its intake's ("intake:42")."""
    request = (
        SessionRequest.objects.filter(pk=payment.session_request_id).first() if payment.session_request_id else None
    )
    if request is not None:
        return request.vehicle_label
    kind, _, pk = payment.reference.partition(":")
    intake = Intake.objects.filter(pk=int(pk)).first() if kind == "intake" and pk.isdigit() else None
    if intake is not None:
        return " ".join(part for part in (intake.year, intake.make, intake.model) if part)
    return ""


def _context(payment: Payment, amount_cents: int) -> dict[str, Any]:
    return {
        "amount_cents": amount_cents,
        "currency": payment.currency,
        "vehicle": payment_vehicle(payment),
        "payment_id": payment.pk,
        "path": reverse("journey:history") + "#payments",
    }


def notice_receipt(payment: Payment) -> None:
    if payment.amount_cents <= 0:
        return
    notification_enqueue(
        user=payment.user,
        kind=Kind.RECEIPT,
        context=_context(payment, payment.amount_cents),
        dedupe_key=f"{Kind.RECEIPT}:payment:{payment.pk}",
    )


def notice_refund(refund: Refund) -> None:
    payment = Payment.objects.select_related("user").get(pk=refund.payment_id)
    notification_enqueue(
        user=payment.user,
        kind=Kind.REFUND,
        context=_context(payment, refund.amount_cents),
        dedupe_key=f"{Kind.REFUND}:refund:{refund.pk}",
    )
