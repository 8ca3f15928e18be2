"""Payment providers behind one small protocol. The built-in TestProvider needs no network
and is the default; StripeCheckoutProvider talks to Stripe's REST API with the standard
library (no SDK) and verifies webhook signatures by Stripe's documented scheme."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from django.conf import settings
from django.urls import reverse

from mechmatch.payments.models import Payment

EventKind = Literal["paid", "failed", "refunded", "pending", "ignored"]
# Stripe's default tolerance: older signed payloads are treated as replays.
SIGNATURE_TOLERANCE_SECONDS = 300


class PaymentProviderError(Exception):
    """The provider could not be reached or refused the call; the message is safe to log."""


class WebhookSignatureError(Exception):
    """A webhook whose signature, timestamp or format does not verify."""


@dataclass(frozen=True, slots=True)
class CheckoutStart:
    redirect_url: str
    provider_ref: str


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """What a verified provider signal says about one payment."""

    kind: EventKind
    provider_ref: str = ""
    payment_ref: str = ""
    payment_id: int | None = None
    amount_cents: int | None = None
    currency: str = ""
    event_id: str = ""


class PaymentProvider(Protocol):
    name: str
    test_mode: bool

    def checkout_start(self, payment: Payment, *, success_url: str, cancel_url: str) -> CheckoutStart: ...

    def checkout_status(self, payment: Payment) -> ProviderEvent: ...

    def webhook_event(self, payload: bytes, signature_header: str) -> ProviderEvent: ...

    def refund(self, payment: Payment) -> str: ...


class TestProvider:
    """Sends the customer to our own clearly labelled test checkout page. Settling happens
    there (see services.payment_test_settle) and is refused whenever Stripe is configured."""

    name = "test"
    test_mode = True

    def checkout_start(self, payment: Payment, *, success_url: str, cancel_url: str) -> CheckoutStart:
        return CheckoutStart(
            redirect_url=reverse("payments:test_checkout", args=[payment.pk]),
            provider_ref=f"test_{secrets.token_hex(8)}",
        )

    def checkout_status(self, payment: Payment) -> ProviderEvent:
        return ProviderEvent(kind="pending", provider_ref=payment.provider_ref, payment_id=payment.pk)

    def webhook_event(self, payload: bytes, signature_header: str) -> ProviderEvent:
        raise WebhookSignatureError("The test provider does not accept webhooks.")

    def refund(self, payment: Payment) -> str:
        return f"test_re_{payment.pk}"


def verify_stripe_signature(
    payload: bytes,
    signature_header: str,
    secret: str,
    *,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Stripe-Signature is "t=<unix>,v1=<hex>[,v1=<hex>...]"; v1 is HMAC-SHA256 of
    "<t>.<raw body>" keyed with the endpoint secret. Raises WebhookSignatureError."""
    if not secret:
        raise WebhookSignatureError("No webhook secret configured.")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (signature_header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError as exc:
                raise WebhookSignatureError("Malformed timestamp.") from exc
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookSignatureError("Missing timestamp or v1 signature.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookSignatureError("Timestamp outside the tolerance window.")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookSignatureError("No signature matches.")


HttpCall = Callable[[str, str, dict[str, str], bytes | None], tuple[int, bytes]]


# Short enough that a worker is never stuck on a dead peer; the caller retries with backoff.
HTTP_TIMEOUT_SECONDS = 10


def _urllib_call(method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310 (fixed https URL)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError) as exc:
        raise PaymentProviderError(f"Stripe unreachable: {exc}") from exc


def _session_event(session: dict[str, Any], *, kind_if_paid: EventKind = "paid") -> ProviderEvent:
    metadata = session.get("metadata") or {}
    raw_id = metadata.get("payment_id") or session.get("client_reference_id")
    payment_id = int(raw_id) if raw_id and str(raw_id).isdigit() else None
    paid = session.get("payment_status") in ("paid", "no_payment_required")
    return ProviderEvent(
        kind=kind_if_paid if paid else "pending",
        provider_ref=session.get("id", ""),
        payment_ref=session.get("payment_intent") or "",
        payment_id=payment_id,
        amount_cents=session.get("amount_total"),
        currency=(session.get("currency") or "").upper(),
    )


class StripeCheckoutProvider:
    name = "stripe"
    test_mode = False
    api_base = "https://api.stripe.com/v1"

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        *,
        http: HttpCall | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.http = http or _urllib_call
        self.clock = clock
        self.test_mode = secret_key.startswith("sk_test_")

    def _call(
        self, method: str, path: str, params: dict[str, str] | None = None, *, idempotency_key: str = ""
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.secret_key}", "Stripe-Version": "2024-06-20"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        body = None
        if params is not None:
            body = urllib.parse.urlencode(params).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, raw = self.http(method, f"{self.api_base}{path}", headers, body)
        try:
            data = json.loads(raw or b"{}")
        except ValueError as exc:
            raise PaymentProviderError(f"Stripe returned non-JSON (HTTP {status}).") from exc
        if status >= 400:
            message = (data.get("error") or {}).get("message", "unknown error")
            raise PaymentProviderError(f"Stripe HTTP {status}: {message}")
        return data

    def checkout_start(self, payment: Payment, *, success_url: str, cancel_url: str) -> CheckoutStart:
        params = {
            "mode": "payment",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(payment.pk),
            "metadata[payment_id]": str(payment.pk),
            "metadata[reference]": payment.reference,
            "payment_intent_data[metadata][payment_id]": str(payment.pk),
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": payment.currency.lower(),
            "line_items[0][price_data][unit_amount]": str(payment.amount_cents),
            "line_items[0][price_data][product_data][name]": f"mechmatch session ({payment.plan_code})",
        }
        session = self._call("POST", "/checkout/sessions", params)
        if not session.get("id") or not session.get("url"):
            raise PaymentProviderError("Stripe did not return a checkout session.")
        return CheckoutStart(redirect_url=session["url"], provider_ref=session["id"])

    def checkout_status(self, payment: Payment) -> ProviderEvent:
        # A server-side retrieve with our secret key is as trustworthy as a webhook.
        if not payment.provider_ref:
            return ProviderEvent(kind="pending", payment_id=payment.pk)
        session = self._call("GET", f"/checkout/sessions/{urllib.parse.quote(payment.provider_ref, safe='')}")
        event = _session_event(session)
        if event.kind == "pending" and session.get("status") == "expired":
            return ProviderEvent(kind="failed", provider_ref=event.provider_ref, payment_id=event.payment_id)
        return event

    def refund(self, payment: Payment) -> str:
        """POST /v1/refunds for the whole payment intent. The idempotency key makes a retry
        after a lost answer return the same refund instead of making a second one."""
        if not payment.provider_payment_ref:
            raise PaymentProviderError("No payment intent recorded for this payment.")
        refund = self._call(
            "POST",
            "/refunds",
            {"payment_intent": payment.provider_payment_ref, "metadata[payment_id]": str(payment.pk)},
            idempotency_key=f"mechmatch-refund-{payment.pk}",
        )
        if not refund.get("id") or refund.get("status") in ("failed", "canceled"):
            raise PaymentProviderError(f"Stripe refund not made (status {refund.get('status')}).")
        return str(refund["id"])

    def webhook_event(self, payload: bytes, signature_header: str) -> ProviderEvent:
        verify_stripe_signature(payload, signature_header, self.webhook_secret, now=self.clock())
        try:
            event = json.loads(payload)
            event_type = event["type"]
            obj = event["data"]["object"]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookSignatureError("Malformed event body.") from exc
        event_id = event.get("id", "")
        if event_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
            parsed = _session_event(obj)
        elif event_type in ("checkout.session.async_payment_failed", "checkout.session.expired"):
            parsed = _session_event(obj)
            parsed = ProviderEvent(kind="failed", provider_ref=parsed.provider_ref, payment_id=parsed.payment_id)
        elif event_type == "charge.refunded" and obj.get("refunded"):
            metadata = obj.get("metadata") or {}
            raw_id = metadata.get("payment_id")
            parsed = ProviderEvent(
                kind="refunded",
                payment_ref=obj.get("payment_intent") or "",
                payment_id=int(raw_id) if raw_id and str(raw_id).isdigit() else None,
            )
        else:
            parsed = ProviderEvent(kind="ignored")
        return dataclasses.replace(parsed, event_id=event_id)


def provider_get() -> PaymentProvider:
    """Stripe when both its keys are configured (or PAYMENT_PROVIDER=stripe), else the test provider."""
    secret = getattr(settings, "STRIPE_SECRET_KEY", "")
    webhook_secret = getattr(settings, "STRIPE_WEBHOOK_SECRET", "")
    choice = getattr(settings, "PAYMENT_PROVIDER", "") or ("stripe" if secret and webhook_secret else "test")
    if choice == "stripe":
        if not (secret and webhook_secret):
            raise PaymentProviderError("PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.")
        return StripeCheckoutProvider(secret, webhook_secret)
    return TestProvider()
