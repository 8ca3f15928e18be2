from __future__ import annotations

import json
import time

import pytest
from django.core.exceptions import PermissionDenied

from mechmatch.payments.models import Payment
from mechmatch.payments.providers import StripeCheckoutProvider, TestProvider, WebhookSignatureError
from mechmatch.payments.services import payment_refresh, payment_start, payment_test_settle, payment_webhook_handle
from mechmatch.payments.tests.test_providers import SECRET, sign

pytestmark = pytest.mark.django_db


def _stripe(responses: list[dict] | None = None) -> StripeCheckoutProvider:
    queue = list(responses or [])

    def fake_http(method, url, headers, body):  # noqa: ANN001, ANN202
        if method == "POST":
            return 200, json.dumps({"id": "cs_1", "url": "https://checkout.stripe.com/c/cs_1"}).encode()
        return 200, json.dumps(queue.pop(0)).encode()

    return StripeCheckoutProvider("sk_test_x", SECRET, http=fake_http)


def _start(user, provider=None, plan_code="standard"):  # noqa: ANN001, ANN202
    return payment_start(
        user=user,
        reference="intake:1",
        plan_code=plan_code,
        return_path="/app/next/",
        cancel_path="/app/back/",
        base_url="https://mm.test/",
        provider=provider or TestProvider(),
    )


def _event(kind: str, **obj) -> bytes:  # noqa: ANN003
    return json.dumps({"id": "evt_1", "type": kind, "data": {"object": obj}}).encode()


def test_a_free_plan_is_paid_at_once_without_a_provider(customer):
    payment, url = _start(customer.user, plan_code="free")
    assert payment.status == Payment.Status.PAID and payment.provider == "free" and url == "/app/next/"


def test_the_test_provider_sends_the_customer_to_the_test_checkout_page(customer):
    payment, url = _start(customer.user)
    assert payment.status == Payment.Status.PENDING
    assert url == f"/payments/test/{payment.pk}/"


def test_starting_twice_reuses_the_pending_test_payment_instead_of_charging_twice(customer):
    first, _ = _start(customer.user)
    second, _ = _start(customer.user)
    assert first.pk == second.pk


def test_the_test_checkout_settles_only_the_owners_payment(customer, outsider):
    payment, _ = _start(customer.user)
    with pytest.raises(PermissionDenied):
        payment_test_settle(payment=payment, user=outsider, succeed=True)
    assert payment_test_settle(payment=payment, user=customer.user, succeed=True).status == Payment.Status.PAID


def test_test_payments_cannot_be_settled_once_stripe_is_configured(customer, settings):
    payment, _ = _start(customer.user)
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", SECRET
    with pytest.raises(PermissionDenied):
        payment_test_settle(payment=payment, user=customer.user, succeed=True)


def test_a_stripe_payment_stays_pending_until_a_verified_signal(customer):
    provider = _stripe([{"id": "cs_1", "payment_status": "unpaid", "status": "open"}])
    payment, url = _start(customer.user, provider=provider)
    assert url.startswith("https://checkout.stripe.com/")
    # The customer coming back is not proof: the session retrieve says unpaid.
    assert payment_refresh(payment=payment, provider=provider).status == Payment.Status.PENDING


def test_a_verified_session_retrieve_marks_the_payment_paid(customer):
    provider = _stripe(
        [{"id": "cs_1", "payment_status": "paid", "amount_total": 2999, "currency": "cad", "payment_intent": "pi_1"}]
    )
    payment, _ = _start(customer.user, provider=provider)
    payment = payment_refresh(payment=payment, provider=provider)
    assert payment.status == Payment.Status.PAID and payment.provider_payment_ref == "pi_1"


def test_a_signed_completed_webhook_marks_the_payment_paid(customer):
    provider = _stripe()
    payment, _ = _start(customer.user, provider=provider)
    body = _event(
        "checkout.session.completed",
        id="cs_1",
        payment_status="paid",
        amount_total=2999,
        currency="cad",
        payment_intent="pi_1",
        metadata={"payment_id": str(payment.pk)},
    )
    payment_webhook_handle(payload=body, signature_header=sign(body), provider=provider)
    payment.refresh_from_db()
    assert payment.is_paid


def test_an_unsigned_webhook_changes_nothing(customer):
    provider = _stripe()
    payment, _ = _start(customer.user, provider=provider)
    body = _event("checkout.session.completed", id="cs_1", payment_status="paid", amount_total=2999, currency="cad")
    with pytest.raises(WebhookSignatureError):
        payment_webhook_handle(payload=body, signature_header=f"t={int(time.time())},v1=bad", provider=provider)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_a_completed_session_still_awaiting_an_async_payment_is_not_paid(customer):
    provider = _stripe()
    payment, _ = _start(customer.user, provider=provider)
    body = _event("checkout.session.completed", id="cs_1", payment_status="unpaid", amount_total=2999, currency="cad")
    payment_webhook_handle(payload=body, signature_header=sign(body), provider=provider)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_a_paid_event_for_a_different_amount_does_not_mark_paid(customer):
    provider = _stripe()
    payment, _ = _start(customer.user, provider=provider)
    body = _event("checkout.session.completed", id="cs_1", payment_status="paid", amount_total=100, currency="cad")
    payment_webhook_handle(payload=body, signature_header=sign(body), provider=provider)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_a_late_expiry_never_unpays_a_paid_payment_and_a_refund_is_recorded(customer):
    provider = _stripe()
    payment, _ = _start(customer.user, provider=provider)
    for body in (
        _event(
            "checkout.session.completed",
            id="cs_1",
            payment_status="paid",
            amount_total=2999,
            currency="cad",
            payment_intent="pi_1",
        ),
        _event("checkout.session.expired", id="cs_1", payment_status="unpaid"),
    ):
        payment_webhook_handle(payload=body, signature_header=sign(body), provider=provider)
    payment.refresh_from_db()
    assert payment.is_paid
    body = _event("charge.refunded", id="ch_1", payment_intent="pi_1", refunded=True)
    payment_webhook_handle(payload=body, signature_header=sign(body), provider=provider)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
