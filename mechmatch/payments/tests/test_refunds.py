from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mechmatch.payments.models import Payment, Refund
from mechmatch.payments.providers import PaymentProviderError, StripeCheckoutProvider
from mechmatch.payments.services import payment_refund, refunds_process_due
from mechmatch.payments.tests.test_providers import SECRET

pytestmark = pytest.mark.django_db


def _paid(user, provider: str = "test", amount_cents: int = 2900) -> Payment:  # noqa: ANN001
    return Payment.objects.create(
        user=user,
        reference="intake:1",
        plan_code="standard",
        amount_cents=amount_cents,
        provider=provider,
        provider_payment_ref="pi_123" if provider == "stripe" else f"test_pi_{user.pk}",
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
    )


class FakeStripe:
    """Records every HTTP call; answers from `answers` in turn (an exception is raised)."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, dict[str, str], bytes | None]] = []

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
        self.calls.append((method, url, headers, body))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, tuple)
        return answer


def test_the_test_provider_refunds_a_paid_payment_at_once(customer):
    payment = _paid(customer.user)
    refund = payment_refund(payment=payment, reason="cancelled_before_accept")
    payment.refresh_from_db()
    assert refund is not None and refund.status == Refund.Status.SUCCEEDED
    assert refund.provider_refund_ref == f"test_re_{payment.pk}" and refund.amount_cents == 2900
    assert payment.status == Payment.Status.REFUNDED


def test_refunding_twice_returns_the_same_refund_and_makes_no_second(customer):
    payment = _paid(customer.user)
    first = payment_refund(payment=payment, reason="cancelled_before_accept")
    second = payment_refund(payment=payment, reason="operator")
    assert first is not None and second is not None and first.pk == second.pk
    assert Refund.objects.filter(payment=payment).count() == 1


def test_the_database_refuses_a_second_refund_row_for_one_payment(customer):
    payment = _paid(customer.user)
    payment_refund(payment=payment, reason="cancelled_before_accept")
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(payment=payment, amount_cents=1, reason="again", next_attempt_at=timezone.now())


def test_an_unpaid_or_free_payment_is_not_refunded(customer):
    pending = _paid(customer.user)
    Payment.objects.filter(pk=pending.pk).update(status=Payment.Status.PENDING)
    free = _paid(customer.user, amount_cents=0)
    assert payment_refund(payment=pending, reason="x") is None
    assert payment_refund(payment=free, reason="x") is None
    assert not Refund.objects.exists()


def test_a_stripe_refund_waits_for_the_worker_which_posts_the_payment_intent_once(customer):
    payment = _paid(customer.user, provider="stripe")
    refund = payment_refund(payment=payment, reason="cancelled_before_accept")
    assert refund is not None and refund.status == Refund.Status.PENDING
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDING
    http = FakeStripe((200, json.dumps({"id": "re_1", "status": "succeeded"}).encode()))
    stripe = StripeCheckoutProvider("sk_test_x", SECRET, http=http)
    assert refunds_process_due(provider=stripe) == 1
    assert refunds_process_due(provider=stripe) == 0
    method, url, headers, body = http.calls[0]
    assert (method, url) == ("POST", "https://api.stripe.com/v1/refunds")
    assert b"payment_intent=pi_123" in (body or b"")
    assert headers["Idempotency-Key"] == f"mechmatch-refund-{payment.pk}"
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.provider_refund_ref == "re_1"
    assert payment.status == Payment.Status.REFUNDED and len(http.calls) == 1


def test_a_failed_stripe_call_is_retried_later_with_the_same_idempotency_key(customer, settings):
    payment = _paid(customer.user, provider="stripe")
    refund = payment_refund(payment=payment, reason="cancelled_before_accept")
    assert refund is not None
    http = FakeStripe(
        PaymentProviderError("Stripe unreachable: timed out"),
        (200, json.dumps({"id": "re_2", "status": "pending"}).encode()),
    )
    stripe = StripeCheckoutProvider("sk_test_x", SECRET, http=http)
    assert refunds_process_due(provider=stripe) == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PENDING and "timed out" in refund.last_error
    assert refunds_process_due(provider=stripe) == 0  # backing off: not due yet
    assert refunds_process_due(provider=stripe, now=refund.next_attempt_at + timedelta(seconds=1)) == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.attempts == 2
    assert {call[2]["Idempotency-Key"] for call in http.calls} == {f"mechmatch-refund-{payment.pk}"}


def test_a_refund_that_keeps_failing_is_left_failed_for_an_operator_and_never_retried(customer, settings):
    settings.REFUND_MAX_ATTEMPTS = 1
    payment = _paid(customer.user, provider="stripe")
    refund = payment_refund(payment=payment, reason="cancelled_before_accept")
    assert refund is not None
    stripe = StripeCheckoutProvider("sk_test_x", SECRET, http=FakeStripe((402, b'{"error": {"message": "no"}}')))
    refunds_process_due(provider=stripe)
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == Refund.Status.FAILED and "no" in refund.last_error
    assert payment.status == Payment.Status.REFUNDING  # still blocks any other refund
    assert payment_refund(payment=payment, reason="operator") == refund


@pytest.mark.django_db(transaction=True)
def test_two_threads_refunding_one_payment_at_once_make_one_refund(customer):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer; the race needs PostgreSQL")
    payment = _paid(customer.user, provider="stripe")
    barrier = threading.Barrier(4)
    results: list[int | None] = []

    def refund_it() -> None:
        try:
            barrier.wait()
            refund = payment_refund(payment=payment, reason="race")
            results.append(refund.pk if refund else None)
        finally:
            connection.close()

    threads = [threading.Thread(target=refund_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Refund.objects.filter(payment=payment).count() == 1
    assert len(results) == 4 and set(results) == {Refund.objects.get(payment=payment).pk}  # none raised
