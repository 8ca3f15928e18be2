"""Scheduled sessions over the API: a mechanic's free slots, booking, rescheduling,
cancelling, and the caller's bookings. Bearer auth; the same services as the pages; errors
in the one shape (400 a service's refusal naming the field, 404 not found or not yours,
409 the booking has started or was cancelled, 422 the schema's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_errors import StrictIn, fields_renamed
from mechmatch.api_schema import WholeNumber, object_errors, one_of, signed_in_errors
from mechmatch.core.postal import COUNTRY_CODES
from mechmatch.core.ranking import RequestType
from mechmatch.customers.services import MIN_MODEL_YEAR, max_model_year
from mechmatch.dispatch.services import NotFound
from mechmatch.mechanics.models import Mechanic
from mechmatch.payments.plans import DEFAULT_PLAN, PLAN_CODES, plan_get
from mechmatch.scheduling import selectors, services
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.policy import cancel_terms

router = Router(tags=["scheduling"], auth=api_auth)

_BOOKING_FIELDS = {
    "starts_at": "startsAt",
    "mechanic_id": "mechanicId",
    "plan_code": "planCode",
    "payment_id": "paymentId",
    "request_type": "requestType",
    "year": "vehicle.year",
    "make": "vehicle.make",
    "model": "vehicle.model",
    "vin": "vehicle.vin",
    "country": "customerCountry",
    "city": "customerCity",
    "postal_code": "customerPostalCode",
    "region": "customerRegion",
}


class BookingVehicleIn(StrictIn):
    make: str = Field(..., max_length=40)
    model: str = Field(..., max_length=60)
    year: WholeNumber = Field(..., ge=MIN_MODEL_YEAR, le=max_model_year())
    vin: str | None = Field(default=None, max_length=17)


class BookingIn(StrictIn):
    startsAt: datetime = Field(..., description="One of the mechanic's free slots, with its offset (UTC is fine).")
    mechanicId: WholeNumber | None = Field(default=None, description="None: any matching mechanic at that time.")
    planCode: one_of(PLAN_CODES)  # type: ignore[valid-type]
    paymentId: WholeNumber | None = Field(default=None, description="The paid checkout for a paid plan.")
    concern: str = Field(..., max_length=4000)
    vehicle: BookingVehicleIn
    requestType: one_of(t.value for t in RequestType) = RequestType.GENERAL.value  # type: ignore[valid-type]
    customerCountry: one_of(COUNTRY_CODES) = "CA"  # type: ignore[valid-type]
    customerCity: str = Field(default="", max_length=100)
    customerPostalCode: str = Field(default="", max_length=12)
    customerRegion: str | None = Field(default=None, max_length=40)


class RescheduleIn(StrictIn):
    startsAt: datetime


class SlotsOut(Schema):
    mechanicId: int
    planCode: str
    minutes: int
    mechanicTimezone: str
    slots: list[datetime] = Field(description="UTC starts of the free slots, soonest first")


class CancelTermsOut(Schema):
    refundIfCancelledNow: bool
    fullRefundUntil: datetime


class BookingOut(Schema):
    id: int
    status: str
    startsAt: datetime
    endsAt: datetime
    mechanicId: int | None
    mechanicName: str | None
    customerFirstName: str
    planCode: str
    concern: str
    vehicle: dict[str, Any]
    sessionRequestId: int | None
    cancelTerms: CancelTermsOut = Field(description="The refund rule as it applies if cancelled now")


class CancelledOut(Schema):
    booking: BookingOut
    refunded: bool
    refundId: int | None


def _booking_out(b: Booking) -> dict[str, Any]:
    terms = cancel_terms(starts_at=b.starts_at, now=timezone.now())
    return {
        "id": b.pk,
        "status": b.status,
        "startsAt": b.starts_at,
        "endsAt": b.ends_at,
        "mechanicId": b.mechanic_id,
        "mechanicName": b.mechanic.display_name if b.mechanic is not None else None,
        "customerFirstName": b.customer.first_name,
        "planCode": b.plan_code,
        "concern": b.concern,
        "vehicle": b.vehicle,
        "sessionRequestId": b.session_request_id,
        "cancelTerms": {"refundIfCancelledNow": terms.refund, "fullRefundUntil": terms.full_refund_until},
    }


def _shown(request: SignedInRequest, booking_id: int) -> dict[str, Any]:
    try:
        return _booking_out(selectors.booking_for(request.user, booking_id))
    except NotFound:
        raise Http404("Booking not found.") from None


@router.get(
    "/mechanics/{mechanic_id}/slots",
    response={200: SlotsOut, **object_errors(400)},
    summary="A mechanic's free slots for a plan's length in the next two weeks",
)
def mechanic_slots(request: SignedInRequest, mechanic_id: int, planCode: str = DEFAULT_PLAN) -> dict[str, Any]:
    plan = plan_get(planCode)
    if plan is None:
        raise ValidationError({"planCode": "Choose one of the plans."})
    mechanic = Mechanic.objects.filter(pk=mechanic_id).first()
    if mechanic is None or not mechanic.is_eligible:
        raise Http404("Mechanic not found.")
    return {
        "mechanicId": mechanic.pk,
        "planCode": plan.code,
        "minutes": plan.minutes,
        "mechanicTimezone": selectors.mechanic_timezone(mechanic),
        "slots": selectors.mechanic_free_slots(mechanic, plan_code=plan.code),
    }


@router.get("/bookings", response={200: list[BookingOut], **signed_in_errors()}, summary="My upcoming bookings")
def bookings_mine(request: SignedInRequest) -> list[dict[str, Any]]:
    return [_booking_out(b) for b in selectors.bookings_upcoming(request.user)]


@router.post(
    "/bookings",
    response={201: BookingOut, **signed_in_errors(400, 404)},
    summary="Book a slot (pay and accept the waiver first, as for a live session)",
)
def booking_create(request: SignedInRequest, payload: BookingIn) -> Status:
    try:
        booking = services.booking_create(
            user=request.user,
            starts_at=payload.startsAt,
            mechanic_id=payload.mechanicId,
            plan_code=payload.planCode,
            payment_id=payload.paymentId,
            concern=payload.concern,
            vehicle=payload.vehicle.model_dump(),
            request_type=payload.requestType,
            country=payload.customerCountry,
            city=payload.customerCity,
            postal_code=payload.customerPostalCode,
            region=payload.customerRegion or "",
        )
    except ValidationError as exc:
        raise fields_renamed(exc, _BOOKING_FIELDS) from exc
    return Status(201, _shown(request, booking.pk))


@router.get("/bookings/{booking_id}", response={200: BookingOut, **object_errors()})
def booking_detail(request: SignedInRequest, booking_id: int) -> dict[str, Any]:
    return _shown(request, booking_id)


@router.post(
    "/bookings/{booking_id}/reschedule",
    response={200: BookingOut, **object_errors(400, 409)},
    summary="Move my booking to another free slot of the same mechanic",
)
def booking_reschedule(request: SignedInRequest, booking_id: int, payload: RescheduleIn) -> dict[str, Any]:
    try:
        services.booking_reschedule(user=request.user, booking_id=booking_id, starts_at=payload.startsAt)
    except ValidationError as exc:
        raise fields_renamed(exc, _BOOKING_FIELDS) from exc
    return _shown(request, booking_id)


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: CancelledOut, **object_errors(409)},
    summary="Cancel my booking; the refund rule in cancelTerms applies",
)
def booking_cancel(request: SignedInRequest, booking_id: int) -> dict[str, Any]:
    done = services.booking_cancel(user=request.user, booking_id=booking_id)
    return {
        "booking": _shown(request, booking_id),
        "refunded": done.refunded,
        "refundId": done.refund.pk if done.refund is not None else None,
    }
