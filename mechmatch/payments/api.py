"""Checkout and waiver for API clients: the steps a session needs before
`POST /api/session-requests` (see journey.booking for the rule itself).

A checkout made here pays for one session request; its `paymentId` goes in the request."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_errors import StrictIn, fields_renamed
from mechmatch.api_schema import Flag, WholeNumber, choice_of, object_errors, one_of, signed_in_errors
from mechmatch.core.postal import COUNTRY_CODES
from mechmatch.journey.booking import waiver_accept
from mechmatch.journey.selectors import intake_get
from mechmatch.payments.models import Payment
from mechmatch.payments.plans import PLAN_CODES
from mechmatch.payments.selectors import payment_get_for_user
from mechmatch.payments.services import payment_refresh, payment_start, payment_test_settle

router = Router(tags=["payments"], auth=api_auth)

_CHECKOUT_FIELDS = {"plan_code": "planCode", "return_path": "planCode"}


class CheckoutIn(StrictIn):
    planCode: one_of(PLAN_CODES)  # type: ignore[valid-type]
    brandSpecialist: Flag = False
    country: one_of(COUNTRY_CODES) = "CA"  # type: ignore[valid-type]
    intakeId: WholeNumber | None = Field(
        default=None, description="The intake (POST /api/intakes) this pays for; send it with the request too."
    )


class CheckoutOut(Schema):
    paymentId: int
    planCode: str
    amountCents: int
    currency: str
    status: choice_of(Payment.Status)  # type: ignore[valid-type]
    checkoutUrl: str = Field(description="Where the customer pays; empty once paid.")
    used: bool


class WaiverIn(StrictIn):
    version: one_of([settings.WAIVER_VERSION]) = Field(  # type: ignore[valid-type]
        description="The version of the terms the customer accepted: the current one (GET /api/waiver)."
    )
    intakeId: WholeNumber | None = Field(default=None, description="The intake the request will be sent with, if any.")


class WaiverOut(Schema):
    version: str
    acceptedAt: Any


def _checkout_out(payment: Payment, url: str = "") -> dict[str, Any]:
    return {
        "paymentId": payment.pk,
        "planCode": payment.plan_code,
        "amountCents": payment.amount_cents,
        "currency": payment.currency,
        "status": payment.status,
        "checkoutUrl": "" if payment.is_paid else url,
        "used": payment.used_at is not None,
    }


@router.post("/checkouts", response={201: CheckoutOut, **signed_in_errors(400, 404)}, summary="Start paying for a plan")
def checkout_create(request: SignedInRequest, payload: CheckoutIn) -> tuple[int, dict[str, Any]]:
    intake = intake_get(user=request.user, intake_id=payload.intakeId) if payload.intakeId else None
    try:
        payment, url = payment_start(
            user=request.user,
            reference=intake.reference if intake is not None else f"api:{uuid.uuid4().hex}",
            plan_code=payload.planCode,
            brand_specialist=payload.brandSpecialist,
            country=payload.country,
            return_path="/",
            cancel_path="/",
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        raise fields_renamed(exc, _CHECKOUT_FIELDS) from exc
    return 201, _checkout_out(payment, url)


@router.get("/checkouts/{payment_id}", response={200: CheckoutOut, **object_errors()})
def checkout_detail(request: SignedInRequest, payment_id: int) -> dict[str, Any]:
    """Re-checks a pending payment with the provider before answering."""
    payment = payment_get_for_user(user=request.user, payment_id=payment_id)
    if payment is None:
        raise Http404("Payment not found.")
    return _checkout_out(payment_refresh(payment=payment))


class SettleIn(StrictIn):
    outcome: one_of(["pay", "decline"]) = Field(description="What the test checkout's buttons would do.")  # type: ignore[valid-type]


@router.post(
    "/checkouts/{payment_id}/settle",
    response={200: CheckoutOut, **object_errors()},
    summary="Test mode only: pay (or decline) a checkout without a card",
    description="The test checkout page's buttons for API clients; 404 unless the test payment provider is active.",
)
def checkout_settle(request: SignedInRequest, payment_id: int, payload: SettleIn) -> dict[str, Any]:
    payment = payment_get_for_user(user=request.user, payment_id=payment_id)
    if payment is None:
        raise Http404("Payment not found.")
    try:
        payment = payment_test_settle(payment=payment, user=request.user, succeed=payload.outcome == "pay")
    except PermissionDenied as exc:
        raise Http404("Test payments are disabled.") from exc
    return _checkout_out(payment)


@router.post("/waiver", response={201: WaiverOut, **signed_in_errors(400, 404)}, summary="Accept the terms")
def waiver_create(request: SignedInRequest, payload: WaiverIn) -> tuple[int, dict[str, Any]]:
    intake = intake_get(user=request.user, intake_id=payload.intakeId) if payload.intakeId else None
    waiver = waiver_accept(
        user=request.user, version=payload.version, intake=intake, ip_address=request.META.get("REMOTE_ADDR")
    )
    return 201, {"version": waiver.version, "acceptedAt": waiver.accepted_at}


@router.get("/waiver", response={200: WaiverOut, **signed_in_errors()}, summary="The terms to accept")
def waiver_current(request: SignedInRequest) -> dict[str, Any]:
    return {"version": settings.WAIVER_VERSION, "acceptedAt": None}
