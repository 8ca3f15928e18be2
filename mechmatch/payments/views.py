from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mechmatch.accounts.auth import SignedInRequest
from mechmatch.payments.models import Payment
from mechmatch.payments.money import amount_display
from mechmatch.payments.plans import plan_get
from mechmatch.payments.providers import PaymentProviderError, WebhookSignatureError
from mechmatch.payments.selectors import payment_get_for_user
from mechmatch.payments.services import payment_refresh, payment_test_settle, payment_webhook_handle

logger = logging.getLogger(__name__)


def _own_payment(request: SignedInRequest, pk: int) -> Payment:
    payment = payment_get_for_user(user=request.user, payment_id=pk)
    if payment is None:
        raise Http404("No such payment")
    return payment


@login_required
def test_checkout(request: SignedInRequest, pk: int) -> HttpResponse:
    payment = _own_payment(request, pk)
    if payment.provider != "test" or payment.status == Payment.Status.PAID:
        return redirect(payment.return_path or "home")
    if request.method == "POST":
        try:
            payment_test_settle(payment=payment, user=request.user, succeed=request.POST.get("outcome") == "pay")
        except PermissionDenied as exc:
            raise Http404("Test payments are disabled") from exc
        return redirect(payment.return_path or "home")
    return render(
        request,
        "payments/test_checkout.html",
        {
            "payment": payment,
            "plan": plan_get(payment.plan_code),
            "amount": amount_display(payment.amount_cents, payment.currency, get_language() or "en"),
        },
    )


@login_required
def checkout_return(request: SignedInRequest, pk: int) -> HttpResponse:
    """Where Stripe sends the customer back. Re-checks with Stripe; the page that follows
    shows 'confirming' until the payment is verified."""
    payment = _own_payment(request, pk)
    try:
        payment_refresh(payment=payment)
    except PaymentProviderError:
        logger.exception("Could not refresh payment %s", payment.pk)
    return redirect(payment.return_path or "home")


@csrf_exempt  # Stripe cannot send our CSRF token; the HMAC signature authenticates instead.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        payment_webhook_handle(payload=request.body, signature_header=request.headers.get("Stripe-Signature", ""))
    except WebhookSignatureError as exc:
        logger.warning("Rejected webhook: %s", exc)
        return HttpResponseBadRequest("invalid signature")
    return HttpResponse("ok")
