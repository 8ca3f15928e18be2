from __future__ import annotations

from mechmatch.accounts.models import User
from mechmatch.payments.models import Payment


def payment_get_for_user(*, user: User, payment_id: int) -> Payment | None:
    return Payment.objects.filter(pk=payment_id, user=user).first()


def payment_latest(*, user: User, reference: str) -> Payment | None:
    """The payment that decides whether `reference` is paid: a paid one if any, else the newest."""
    payments = Payment.objects.filter(user=user, reference=reference)
    return payments.filter(status=Payment.Status.PAID).first() or payments.first()


def payment_is_paid(*, user: User, reference: str, plan_code: str | None = None) -> bool:
    payments = Payment.objects.filter(user=user, reference=reference, status=Payment.Status.PAID)
    if plan_code:
        payments = payments.filter(plan_code=plan_code)
    return payments.exists()


def payment_history(*, user: User, limit: int = 100) -> list[Payment]:
    """The customer's payments that took money (paid, being refunded, refunded), newest
    first, each with its refund (if any) loaded."""
    return list(
        Payment.objects.filter(
            user=user,
            amount_cents__gt=0,
            status__in=[Payment.Status.PAID, Payment.Status.REFUNDING, Payment.Status.REFUNDED],
        )
        .select_related("refund")
        .order_by("-created_at", "-id")[:limit]
    )
