"""Payment state changes. The one rule that matters: a payment becomes PAID only from a
verified provider signal (a signed webhook, a server-side session retrieve, or the test
provider's own page while the test provider is the configured one)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.payments.models import Payment, Refund
from mechmatch.payments.notices import notice_receipt, notice_refund
from mechmatch.payments.plans import plan_get, plan_price_cents
from mechmatch.payments.providers import (
    PaymentProvider,
    PaymentProviderError,
    ProviderEvent,
    TestProvider,
    provider_get,
)

logger = logging.getLogger(__name__)

CURRENCY_BY_COUNTRY = {"CA": "CAD", "US": "USD"}
# Which transitions a provider signal may make; anything else is logged and ignored, so a
# late "expired" can never un-pay a paid payment and replays are harmless.
_ALLOWED = {
    ("pending", "paid"),
    ("failed", "paid"),
    ("pending", "failed"),
    ("paid", "refunded"),
    ("refunding", "refunded"),
}


def _transition(payment: Payment, status: str, *, reason: str = "", payment_ref: str = "") -> bool:
    if payment.status == status or (payment.status, status) not in _ALLOWED:
        return False
    payment.status = status
    if status == Payment.Status.PAID:
        payment.paid_at = timezone.now()
    if reason:
        payment.failure_reason = reason[:255]
    if payment_ref:
        payment.provider_payment_ref = payment_ref[:255]
    payment.save(update_fields=["status", "paid_at", "failure_reason", "provider_payment_ref", "updated_at"])
    if status == Payment.Status.PAID:
        notice_receipt(payment)  # in this transaction: a rolled-back settle sends no receipt
    return True


@transaction.atomic
def payment_start(
    *,
    user: User,
    reference: str,
    plan_code: str,
    brand_specialist: bool = False,
    country: str = "CA",
    return_path: str,
    cancel_path: str,
    base_url: str = "",
    provider: PaymentProvider | None = None,
) -> tuple[Payment, str]:
    """Creates (or reuses) the payment for `reference` and returns it with the URL to send the
    customer to. A reference already paid for the same plan and amount is never charged twice.
    `base_url` ("https://host") makes the absolute URLs an external checkout needs."""
    if not return_path.startswith("/") or return_path.startswith("//"):
        raise ValidationError({"return_path": _("Must be a local path.")})
    success_url = return_path
    plan = plan_get(plan_code)
    if plan is None:
        raise ValidationError({"plan_code": _("Choose one of the plans.")})
    amount = plan_price_cents(plan_code, brand_specialist=brand_specialist)
    currency = CURRENCY_BY_COUNTRY.get(country, "CAD")
    existing = (
        Payment.objects.select_for_update()
        .filter(user=user, reference=reference, plan_code=plan_code, amount_cents=amount, currency=currency)
        .exclude(status__in=[Payment.Status.FAILED, Payment.Status.REFUNDING, Payment.Status.REFUNDED])
        .first()
    )
    if existing is not None and existing.is_paid:
        return existing, success_url
    if amount == 0:
        payment = Payment.objects.create(
            user=user,
            reference=reference,
            plan_code=plan_code,
            amount_cents=0,
            currency=currency,
            provider="free",
            status=Payment.Status.PAID,
            paid_at=timezone.now(),
            return_path=return_path,
        )
        return payment, success_url
    provider = provider or provider_get()
    if existing is not None and existing.provider == provider.name == "test":
        existing.return_path = return_path
        existing.save(update_fields=["return_path", "updated_at"])
        return existing, TestProvider().checkout_start(existing, success_url="", cancel_url="").redirect_url
    payment = Payment.objects.create(
        user=user,
        reference=reference,
        plan_code=plan_code,
        amount_cents=amount,
        currency=currency,
        provider=provider.name,
        return_path=return_path,
    )
    base = base_url.rstrip("/")
    start = provider.checkout_start(
        payment,
        # The customer's return is only a hint to re-check with the provider, never proof of payment.
        success_url=f"{base}{reverse('payments:return', args=[payment.pk])}?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{base}{cancel_path}",
    )
    payment.provider_ref = start.provider_ref
    payment.save(update_fields=["provider_ref", "updated_at"])
    return payment, start.redirect_url


@transaction.atomic
def payment_test_settle(*, payment: Payment, user: User, succeed: bool) -> Payment:
    """The test checkout page's buttons. Refused unless the test provider is the configured
    one, so configuring Stripe closes this door."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.user_id != user.pk:
        raise PermissionDenied("Not your payment.")
    if payment.provider != "test" or provider_get().name != "test":
        raise PermissionDenied("Test payments are disabled.")
    if succeed:
        _transition(payment, Payment.Status.PAID, payment_ref=f"test_pi_{payment.pk}")
    else:
        _transition(payment, Payment.Status.FAILED, reason="Declined in test mode")
    return payment


def _apply_event(event: ProviderEvent, *, provider_name: str) -> Payment | None:
    if event.kind in ("ignored", "pending"):
        return None
    candidates = Payment.objects.select_for_update().filter(provider=provider_name)
    payment = None
    if event.provider_ref:
        payment = candidates.filter(provider_ref=event.provider_ref).first()
    if payment is None and event.payment_ref:
        payment = candidates.filter(provider_payment_ref=event.payment_ref).first()
    if payment is None and event.payment_id is not None:
        payment = candidates.filter(pk=event.payment_id).first()
    if payment is None:
        logger.warning("Payment event %s for unknown payment %s", event.kind, event.provider_ref or event.payment_ref)
        return None
    if event.kind == "paid":
        # A signed event for a different amount is not this payment being paid in full.
        if event.amount_cents is not None and event.amount_cents != payment.amount_cents:
            logger.error("Payment %s: paid amount %s != %s", payment.pk, event.amount_cents, payment.amount_cents)
            return payment
        if event.currency and event.currency != payment.currency:
            logger.error("Payment %s: paid currency %s != %s", payment.pk, event.currency, payment.currency)
            return payment
        _transition(payment, Payment.Status.PAID, payment_ref=event.payment_ref)
    elif event.kind == "failed":
        _transition(payment, Payment.Status.FAILED, reason="Checkout expired or failed")
    elif event.kind == "refunded":
        _transition(payment, Payment.Status.REFUNDED)
    return payment


@transaction.atomic
def payment_webhook_handle(
    *, payload: bytes, signature_header: str, provider: PaymentProvider | None = None
) -> Payment | None:
    """Verifies and applies one provider webhook. Raises WebhookSignatureError when it does
    not verify (the view answers 400)."""
    provider = provider or provider_get()
    event = provider.webhook_event(payload, signature_header)
    return _apply_event(event, provider_name=provider.name)


@transaction.atomic
def payment_refresh(*, payment: Payment, provider: PaymentProvider | None = None) -> Payment:
    """Asks the provider (server to server) whether a pending payment has been paid, for the
    customer coming back from checkout before the webhook arrives."""
    if payment.status != Payment.Status.PENDING:
        return payment
    provider = provider or provider_get()
    if provider.name != payment.provider:
        return payment
    event = provider.checkout_status(payment)
    if event.kind in ("paid", "failed") and event.provider_ref in ("", payment.provider_ref):
        event = ProviderEvent(
            kind=event.kind,
            provider_ref=payment.provider_ref,
            payment_ref=event.payment_ref,
            payment_id=payment.pk,
            amount_cents=event.amount_cents,
            currency=event.currency,
        )
        _apply_event(event, provider_name=provider.name)
    payment.refresh_from_db()
    return payment


# ---------------------------------------------------------------- refunds
# Never twice: the payment moves PAID -> REFUNDING by a conditional UPDATE (only one caller
# can win it), the Refund row is OneToOne with the payment (the database refuses a second),
# and the provider call carries an idempotency key (a retry after a lost answer is the same
# refund). The provider is called by the worker outside any transaction.


def payment_refund(*, payment: Payment, reason: str, requested_by: User | None = None) -> Refund | None:
    """Starts the refund of a paid payment; returns its Refund (the existing one if it was
    already refunding or refunded), or None if the payment was never paid or was free.
    The test provider's refund is made at once; others wait for the worker."""
    with transaction.atomic():
        won = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PAID, amount_cents__gt=0).update(
            status=Payment.Status.REFUNDING, updated_at=timezone.now()
        )
        if not won:
            return Refund.objects.filter(payment_id=payment.pk).first()
        refund = Refund.objects.create(
            payment_id=payment.pk,
            amount_cents=payment.amount_cents,
            reason=reason[:64],
            requested_by=requested_by,
            next_attempt_at=timezone.now(),
        )
        if payment.provider == "test":
            # No network: the test provider refunds at once, in this transaction.
            _refund_settle(refund, TestProvider().refund(payment))
    payment.refresh_from_db()
    refund.refresh_from_db()
    return refund


def _refund_retry_delay(attempts: int) -> timedelta:
    cap = float(settings.REFUND_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=min(cap, 30.0 * 2.0 ** min(attempts, 20)))


def _refund_claim(now: datetime, refund_id: int | None) -> Refund | None:
    """Claims one due refund with a conditional UPDATE on its timer (a lease): of two workers
    only one moves it, and one killed mid-call leaves it due again after the lease."""
    due = Refund.objects.filter(status=Refund.Status.PENDING, next_attempt_at__lte=now)
    if refund_id is not None:
        due = due.filter(pk=refund_id)
    for candidate in due.order_by("next_attempt_at", "id").values("pk", "next_attempt_at")[:5]:
        claimed = Refund.objects.filter(
            pk=candidate["pk"], status=Refund.Status.PENDING, next_attempt_at=candidate["next_attempt_at"]
        ).update(next_attempt_at=now + _refund_retry_delay(0), attempts=F("attempts") + 1)
        if claimed:
            return Refund.objects.select_related("payment").get(pk=candidate["pk"])
    return None


def _refund_settle(refund: Refund, provider_refund_ref: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        settled = Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
            status=Refund.Status.SUCCEEDED, provider_refund_ref=provider_refund_ref[:255], refunded_at=now
        )
        Payment.objects.filter(pk=refund.payment_id, status=Payment.Status.REFUNDING).update(
            status=Payment.Status.REFUNDED, updated_at=now
        )
        refund.refresh_from_db()
        if settled:
            refund_notify(refund)


def _refund_fail(refund: Refund, error: str) -> None:
    now = timezone.now()
    if refund.attempts >= settings.REFUND_MAX_ATTEMPTS:
        # Left for an operator; the payment stays REFUNDING so nothing else can refund it.
        Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
            status=Refund.Status.FAILED, last_error=error[:255]
        )
        logger.error("Refund %s failed for good: %s", refund.pk, error)
        return
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        next_attempt_at=now + _refund_retry_delay(refund.attempts), last_error=error[:255]
    )
    logger.warning("Refund %s attempt %s failed: %s", refund.pk, refund.attempts, error)


def refunds_process_due(
    *,
    limit: int = 20,
    now: datetime | None = None,
    provider: PaymentProvider | None = None,
    refund_id: int | None = None,
) -> int:
    """The worker's step: asks the provider for each due refund (outside any transaction,
    with the provider's short timeout) and records the answer. Returns how many it tried."""
    tried = 0
    for _attempt in range(limit):
        refund = _refund_claim(now or timezone.now(), refund_id)
        if refund is None:
            break
        tried += 1
        try:
            active = provider or provider_get()
            if active.name != refund.payment.provider:
                raise PaymentProviderError(f"Payment {refund.payment_id} was made with {refund.payment.provider}.")
            _refund_settle(refund, active.refund(refund.payment))
        except PaymentProviderError as exc:
            _refund_fail(refund, str(exc))
    return tried


def refund_notify(refund: Refund) -> None:
    """The one place a refund tells the customer: called in the transaction that records the
    refund as succeeded, so the notice is written once with it (or not at all)."""
    logger.info("Refund %s of payment %s succeeded", refund.pk, refund.payment_id)
    notice_refund(refund)
