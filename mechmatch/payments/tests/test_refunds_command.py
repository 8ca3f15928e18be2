"""The `refunds` worker command sends pending refunds to the provider and exits with --once."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from mechmatch.payments import services
from mechmatch.payments.models import Payment, Refund
from mechmatch.payments.providers import StripeCheckoutProvider
from mechmatch.payments.services import payment_refund
from mechmatch.payments.tests.test_providers import SECRET
from mechmatch.payments.tests.test_refunds import FakeStripe, _paid

# transaction=True: the worker loop closes stale connections, as it must between jobs.
pytestmark = pytest.mark.django_db(transaction=True)


def test_refunds_once_settles_a_pending_stripe_refund_and_exits(customer, monkeypatch, capsys):
    payment = _paid(customer.user, provider="stripe")
    refund = payment_refund(payment=payment, reason="cancelled_before_accept")
    assert refund is not None and refund.status == Refund.Status.PENDING
    http = FakeStripe((200, json.dumps({"id": "re_9", "status": "succeeded"}).encode()))
    monkeypatch.setattr(services, "provider_get", lambda: StripeCheckoutProvider("sk_test_x", SECRET, http=http))

    call_command("refunds", "--once")

    refund.refresh_from_db()
    payment.refresh_from_db()
    assert (refund.status, payment.status) == (Refund.Status.SUCCEEDED, Payment.Status.REFUNDED)
    assert len(http.calls) == 1
    assert "refunds: 1 handled" in capsys.readouterr().out


def test_refunds_once_leaves_a_failing_refund_for_later_and_still_exits(customer, monkeypatch):
    payment = _paid(customer.user, provider="stripe")
    refund = payment_refund(payment=payment, reason="cancelled_before_accept")
    assert refund is not None
    http = FakeStripe((500, b"{}"))
    monkeypatch.setattr(services, "provider_get", lambda: StripeCheckoutProvider("sk_test_x", SECRET, http=http))

    call_command("refunds", "--once")

    refund.refresh_from_db()
    assert refund.status == Refund.Status.PENDING and refund.attempts == 1
    assert len(http.calls) == 1
