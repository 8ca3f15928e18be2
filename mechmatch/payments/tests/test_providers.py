from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from mechmatch.payments.models import Payment
from mechmatch.payments.providers import StripeCheckoutProvider, WebhookSignatureError, verify_stripe_signature

SECRET = "whsec_test"


def sign(payload: bytes, secret: str = SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def test_a_correctly_signed_payload_verifies():
    verify_stripe_signature(b'{"a":1}', sign(b'{"a":1}'), SECRET)


def test_a_payload_changed_after_signing_is_rejected():
    with pytest.raises(WebhookSignatureError):
        verify_stripe_signature(b'{"a":2}', sign(b'{"a":1}'), SECRET)


def test_a_signature_made_with_another_secret_is_rejected():
    with pytest.raises(WebhookSignatureError):
        verify_stripe_signature(b"{}", sign(b"{}", secret="whsec_other"), SECRET)


def test_a_replayed_signature_older_than_five_minutes_is_rejected():
    old = int(time.time()) - 301
    with pytest.raises(WebhookSignatureError):
        verify_stripe_signature(b"{}", sign(b"{}", timestamp=old), SECRET)


def test_a_header_without_a_v1_signature_is_rejected():
    with pytest.raises(WebhookSignatureError):
        verify_stripe_signature(b"{}", f"t={int(time.time())},v0=abc", SECRET)


def test_any_one_of_several_v1_signatures_may_match_during_secret_rotation():
    header = sign(b"{}") + ",v1=" + "0" * 64
    verify_stripe_signature(b"{}", header, SECRET)


def test_checkout_sessions_are_created_with_the_amount_and_our_payment_id():
    calls = []

    def fake_http(method, url, headers, body):  # noqa: ANN001, ANN202
        calls.append((method, url, headers, body))
        return 200, json.dumps({"id": "cs_test_1", "url": "https://checkout.stripe.com/c/cs_test_1"}).encode()

    payment = Payment(pk=7, reference="intake:3", currency="CAD", amount_cents=2999, plan_code="standard")
    provider = StripeCheckoutProvider("sk_test_x", SECRET, http=fake_http)
    start = provider.checkout_start(payment, success_url="https://x/s", cancel_url="https://x/c")
    assert start.provider_ref == "cs_test_1"
    method, url, headers, body = calls[0]
    assert (method, url) == ("POST", "https://api.stripe.com/v1/checkout/sessions")
    assert headers["Authorization"] == "Bearer sk_test_x"
    assert b"unit_amount%5D=2999" in body and b"metadata%5Bpayment_id%5D=7" in body
