"""The receipt and the refund notice: each written once per event, in the change's
transaction, rendered in the customer's language with the amount in their locale."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.services import notifications_send_due
from mechmatch.payments.models import Payment
from mechmatch.payments.money import NBSP
from mechmatch.payments.providers import StripeCheckoutProvider
from mechmatch.payments.services import payment_refund, payment_test_settle, payment_webhook_handle, refunds_process_due
from mechmatch.payments.tests.test_providers import SECRET, sign
from mechmatch.payments.tests.test_refunds import FakeStripe, _paid
from mechmatch.payments.tests.test_services import _event, _start, _stripe

pytestmark = pytest.mark.django_db


def kinds_of(user) -> list[str]:  # noqa: ANN001
    return list(Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def test_settling_a_test_payment_writes_one_receipt_with_the_amount(customer):
    payment = Payment.objects.create(
        user=customer.user, reference="intake:999", plan_code="standard", amount_cents=2900, provider="test"
    )
    payment_test_settle(payment=payment, user=customer.user, succeed=True)
    payment_test_settle(payment=payment, user=customer.user, succeed=True)
    assert kinds_of(customer.user) == [Kind.RECEIPT]
    context = Notification.objects.get(user=customer.user).context
    assert context["amount_cents"] == 2900 and context["currency"] == "CAD"
    assert context["path"] == "/app/history/#payments"


def test_a_declined_test_payment_writes_no_receipt(customer):
    payment = Payment.objects.create(
        user=customer.user, reference="intake:999", plan_code="standard", amount_cents=2900, provider="test"
    )
    payment_test_settle(payment=payment, user=customer.user, succeed=False)
    assert kinds_of(customer.user) == []


def test_a_replayed_paid_webhook_writes_the_receipt_once(customer):
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
    payment_webhook_handle(payload=body, signature_header=sign(body), provider=provider)
    assert kinds_of(customer.user) == [Kind.RECEIPT]


def test_a_test_refund_writes_one_refund_notice_however_often_it_is_asked(customer):
    payment = _paid(customer.user)
    payment_refund(payment=payment, reason="cancelled_before_accept")
    payment_refund(payment=payment, reason="operator")
    assert kinds_of(customer.user) == [Kind.REFUND]
    assert Notification.objects.get(user=customer.user).context["amount_cents"] == 2900


def test_a_stripe_refund_writes_its_notice_only_when_the_worker_settles_it(customer):
    payment = _paid(customer.user, provider="stripe")
    payment_refund(payment=payment, reason="cancelled_before_accept")
    assert kinds_of(customer.user) == []
    stripe = StripeCheckoutProvider(
        "sk_test_x", SECRET, http=FakeStripe((200, json.dumps({"id": "re_1", "status": "succeeded"}).encode()))
    )
    refunds_process_due(provider=stripe)
    refunds_process_due(provider=stripe)
    assert kinds_of(customer.user) == [Kind.REFUND]


def test_a_failed_stripe_refund_writes_no_notice(customer):
    payment = _paid(customer.user, provider="stripe")
    payment_refund(payment=payment, reason="cancelled_before_accept")
    refunds_process_due(provider=StripeCheckoutProvider("sk_test_x", SECRET, http=FakeStripe((500, b"{}"))))
    assert kinds_of(customer.user) == []


def test_the_receipt_and_refund_are_mailed_in_french_with_french_amounts(customer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    customer.user.preferred_language = "fr-ca"
    customer.user.save(update_fields=["preferred_language"])
    payment = Payment.objects.create(
        user=customer.user, reference="intake:999", plan_code="standard", amount_cents=2900, provider="test"
    )
    payment_test_settle(payment=payment, user=customer.user, succeed=True)
    payment_refund(payment=payment, reason="cancelled_before_accept")
    assert notifications_send_due() == 2
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [f"[mechmatch] Remboursement : 29,00{NBSP}$", f"[mechmatch] Votre reçu : 29,00{NBSP}$"]
    assert all(f"29,00{NBSP}$" in message.body for message in mail.outbox)


def test_an_english_customer_reads_dollars_first(customer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    payment = Payment.objects.create(
        user=customer.user, reference="intake:999", plan_code="standard", amount_cents=2900, provider="test"
    )
    payment_test_settle(payment=payment, user=customer.user, succeed=True)
    notifications_send_due()
    assert [message.subject for message in mail.outbox] == ["[mechmatch] Your receipt: $29.00"]
