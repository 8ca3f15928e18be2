"""Session requests (customer), offers and shift (mechanic), and the live event streams.

Endpoints only translate: schemas in, a service or selector call, schemas out, and the
services' field names into the client's. Refusals are exceptions, answered in the one error
shape by the handlers in mechmatch/api.py. Objects outside the caller's reach answer 404
(not 403), so ids reveal nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from ninja import Field, Router, Schema, Status

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.accounts.models import User
from mechmatch.api_errors import StrictIn, fields_renamed
from mechmatch.api_schema import Flag, WholeNumber, choice_of, object_errors, one_of, signed_in_errors
from mechmatch.core.postal import COUNTRY_CODES
from mechmatch.customers.services import MIN_MODEL_YEAR, max_model_year
from mechmatch.dispatch import events, services
from mechmatch.dispatch.models import Consultation, Offer, SessionRequest
from mechmatch.dispatch.selectors import (
    RequestDetail,
    channel_authorized,
    consultation_active_for_mechanic,
    customer_contact,
    mechanic_stats,
    offer_get_for_mechanic,
    offer_list_for_mechanic,
    offer_of_consultation,
    request_detail_for,
    request_get_for_user,
)
from mechmatch.dispatch.services.requests import MIN_CONCERN_LENGTH
from mechmatch.journey import booking
from mechmatch.journey.booking import session_request_start
from mechmatch.journey.selectors import intake_get
from mechmatch.matching.reasons import stored_reasons_localised
from mechmatch.mechanics.models import Mechanic
from mechmatch.mechanics.selectors import mechanic_for_user_or_404
from mechmatch.payments.plans import PLAN_CODES

router = Router(tags=["dispatch"], auth=api_auth)


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


class VehicleIn(StrictIn):
    make: str = Field(..., max_length=40, pattern=r"\S")
    model: str = Field(..., max_length=60, pattern=r"\S")
    year: WholeNumber = Field(..., ge=MIN_MODEL_YEAR, le=max_model_year())
    vin: str | None = Field(default=None, max_length=17)


class SessionRequestIn(StrictIn):
    concern: str = Field(
        ...,
        max_length=4000,
        # At least MIN_CONCERN_LENGTH characters once trimmed.
        pattern=rf"\S[\s\S]{{{MIN_CONCERN_LENGTH - 2},}}\S",
    )
    vehicle: VehicleIn
    requestType: choice_of(SessionRequest.RequestType) = SessionRequest.RequestType.GENERAL.value  # type: ignore[valid-type]
    requestedBrand: str | None = Field(default=None, max_length=40)
    customerCity: str = Field(default="", max_length=100)
    customerCountry: one_of(COUNTRY_CODES) = "CA"  # type: ignore[valid-type]
    customerPostalCode: str = Field(default="", max_length=12)
    customerRegion: str | None = Field(default=None, max_length=40)
    preferLocalMechanic: Flag = True
    routingType: choice_of(SessionRequest.RoutingType) = "smart_broadcast"  # type: ignore[valid-type]
    selectedMechanicId: WholeNumber | None = None
    planCode: one_of(PLAN_CODES) = Field(description="One of the plans (see POST /api/checkouts).")  # type: ignore[valid-type]
    paymentId: WholeNumber | None = Field(default=None, description="The paid checkout for a paid plan.")
    workshopId: WholeNumber | None = None
    idempotencyKey: str | None = Field(default=None, max_length=80)
    intakeId: int | None = Field(
        default=None,
        description="Send this intake (its photos reach the mechanics); its checkout and waiver name it too.",
    )


class ChoiceIn(StrictIn):
    choice: one_of(services.CHOICES)  # type: ignore[valid-type]
    mechanicId: WholeNumber | None = None


class DeclineIn(StrictIn):
    reason: choice_of(Offer.DeclineReason) = ""  # type: ignore[valid-type]


class ShiftIn(StrictIn):
    online: Flag


class VehicleOut(Schema):
    year: int
    make: str
    model: str
    vin: str


class ReasonCodeOut(Schema):
    code: str
    params: dict[str, Any]


class OfferSummaryOut(Schema):
    id: int
    mechanicId: int
    mechanicName: str
    kind: str
    status: str
    matchScore: float | None
    distanceKm: float | None
    reasons: list[str] = Field(description="Why this mechanic was asked, in the reader's language")
    reasonCodes: list[ReasonCodeOut]
    offeredAt: datetime
    expiresAt: datetime
    respondedAt: datetime | None
    declineReason: str | None


class SessionRequestOut(Schema):
    id: int
    status: str
    routingType: str
    stage: str
    selectedMechanicId: int | None
    assignedMechanicId: int | None
    workshopId: int | None
    planCode: str
    requestType: str
    requestedBrand: str
    vehicle: VehicleOut
    concern: str
    keywords: list[str]
    customerCountry: str
    customerRegion: str
    customerCity: str
    preferLocalMechanic: bool
    offers: list[OfferSummaryOut]
    alternatives: list[dict[str, Any]]
    waiting: dict[str, Any]
    consultationId: int | None
    createdAt: datetime
    updatedAt: datetime
    matchedAt: datetime | None
    fallbackDueAt: datetime | None


class ContactOut(Schema):
    name: str
    email: str
    phone: str


class MechanicOfferOut(Schema):
    id: int
    requestId: int
    kind: str
    status: str
    vehicle: VehicleOut
    concern: str
    keywords: list[str]
    requestType: str
    requestedBrand: str
    customerCity: str
    customerRegion: str
    distanceKm: float | None
    matchScore: float | None
    reasons: list[str] = Field(description="Why this mechanic was asked, in the reader's language")
    reasonCodes: list[ReasonCodeOut]
    offeredAt: datetime
    expiresAt: datetime
    extendedCount: int
    customer: ContactOut | None = Field(None, description="Only once this mechanic accepted")


class ConsultationOut(Schema):
    id: int
    requestId: int
    mechanicId: int
    status: str
    startedAt: datetime
    endedAt: datetime | None
    videoRoomUrl: str


class AcceptOut(Schema):
    success: bool = True
    offer: MechanicOfferOut
    consultation: ConsultationOut


class ShiftOut(Schema):
    online: bool
    withdrawnOffers: int


class StatsOut(Schema):
    offersReceived: int
    offersAccepted: int
    offersDeclined: int
    acceptanceRate: float | None
    avgResponseSeconds: float | None
    responseSamples: int
    rating: float
    reviewCount: int
    completedSessions: int
    isOnShift: bool
    hasActiveSession: bool


class ActiveSessionOut(Schema):
    consultation: ConsultationOut
    offer: MechanicOfferOut | None


class StreamEventOut(Schema):
    id: int
    kind: str
    payload: dict[str, Any]
    createdAt: datetime


class PollOut(Schema):
    channel: str
    lastId: int
    events: list[StreamEventOut]


# The services name fields in the domain's words; the client sent these.
_REQUEST_FIELDS = {
    "plan_code": "planCode",
    "payment_id": "paymentId",
    "routing_type": "routingType",
    "request_type": "requestType",
    "requested_brand": "requestedBrand",
    "year": "vehicle.year",
    "make": "vehicle.make",
    "model": "vehicle.model",
    "vin": "vehicle.vin",
    "country": "customerCountry",
    "city": "customerCity",
    "postal_code": "customerPostalCode",
    "region": "customerRegion",
    "prefer_local": "preferLocalMechanic",
    "selected_mechanic_id": "selectedMechanicId",
    "workshop_id": "workshopId",
    "idempotency_key": "idempotencyKey",
}
_CHOICE_FIELDS = {"mechanic_id": "mechanicId"}


# --------------------------------------------------------------------------------------------
# Serialisers
# --------------------------------------------------------------------------------------------


def _vehicle(r: SessionRequest) -> dict[str, Any]:
    return {"year": r.vehicle_year, "make": r.vehicle_make, "model": r.vehicle_model, "vin": r.vehicle_vin}


def _request_out(detail: RequestDetail) -> dict[str, Any]:
    r = detail.request
    return {
        "id": r.pk,
        "status": r.status,
        "routingType": r.routing_type,
        "stage": r.stage,
        "selectedMechanicId": r.selected_mechanic_id,
        "assignedMechanicId": r.assigned_mechanic_id,
        "workshopId": r.workshop_id,
        "planCode": r.plan_code,
        "requestType": r.request_type,
        "requestedBrand": r.requested_brand,
        "vehicle": _vehicle(r),
        "concern": r.concern,
        "keywords": r.keywords,
        "customerCountry": r.country,
        "customerRegion": r.region,
        "customerCity": r.city,
        "preferLocalMechanic": r.prefer_local,
        "offers": [
            {
                "id": o.pk,
                "mechanicId": o.mechanic_id,
                "mechanicName": o.mechanic.display_name,
                "kind": o.kind,
                "status": o.status,
                "matchScore": o.score,
                "distanceKm": o.distance_km,
                "reasons": stored_reasons_localised(o.reason_codes),
                "reasonCodes": o.reason_codes,
                "offeredAt": o.offered_at,
                "expiresAt": o.expires_at,
                "respondedAt": o.responded_at,
                "declineReason": o.decline_reason or None,
            }
            for o in detail.offers
        ],
        "alternatives": detail.alternatives,
        "waiting": detail.waiting,
        "consultationId": detail.consultation_id,
        "createdAt": r.created_at,
        "updatedAt": r.updated_at,
        "matchedAt": r.matched_at,
        "fallbackDueAt": r.fallback_due_at,
    }


def _request_shown(request_id: int, viewer: User) -> dict[str, Any]:
    """The request as the viewer may see it, read afresh after a write."""
    found = request_get_for_user(user=viewer, request_id=request_id)
    if found is None:
        raise Http404("Session request not found.")
    return _request_out(request_detail_for(request=found, viewer=viewer))


def _offer_out(o: Offer) -> dict[str, Any]:
    r = o.request
    contact = None
    # Contact details only for the accepted offer of a request this mechanic holds.
    if o.status == Offer.Status.ACCEPTED and r.assigned_mechanic_id == o.mechanic_id:
        contact = customer_contact(r.customer)
    return {
        "id": o.pk,
        "requestId": o.request_id,
        "kind": o.kind,
        "status": o.status,
        "vehicle": _vehicle(r),
        "concern": r.concern,
        "keywords": r.keywords,
        "requestType": r.request_type,
        "requestedBrand": r.requested_brand,
        "customerCity": r.city,
        "customerRegion": r.region,
        "distanceKm": o.distance_km,
        "matchScore": o.score,
        "reasons": stored_reasons_localised(o.reason_codes),
        "reasonCodes": o.reason_codes,
        "offeredAt": o.offered_at,
        "expiresAt": o.expires_at,
        "extendedCount": o.extended_count,
        "customer": contact,
    }


def _offer_shown(mechanic: Mechanic, offer_id: int) -> dict[str, Any]:
    offer = offer_get_for_mechanic(mechanic=mechanic, offer_id=offer_id)
    if offer is None:
        raise Http404("Offer not found.")
    return _offer_out(offer)


def _consultation_out(c: Consultation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "requestId": c.request_id,
        "mechanicId": c.mechanic_id,
        "status": c.status,
        "startedAt": c.started_at,
        "endedAt": c.ended_at,
        "videoRoomUrl": c.video_room_url,
    }


# --------------------------------------------------------------------------------------------
# Customer: session requests
# --------------------------------------------------------------------------------------------


@router.post(
    "/session-requests",
    response={200: SessionRequestOut, 201: SessionRequestOut, **signed_in_errors(400, 404, 409)},
    summary="Create (or resume) a session request and route it",
    description=(
        "201 with the new request, or 200 with the customer's existing active request for the same vehicle "
        "(a reload or double submit never creates a second one)."
    ),
)
def session_request_create(request: SignedInRequest, payload: SessionRequestIn) -> Status:
    intake = intake_get(user=request.user, intake_id=payload.intakeId) if payload.intakeId else None
    try:
        created_request, created = session_request_start(
            user=request.user,
            intake=intake,
            payment_id=payload.paymentId,
            concern=payload.concern,
            vehicle=payload.vehicle.dict(),
            routing_type=payload.routingType,
            request_type=payload.requestType,
            requested_brand=payload.requestedBrand or "",
            country=payload.customerCountry,
            city=payload.customerCity,
            postal_code=payload.customerPostalCode,
            region=payload.customerRegion or "",
            prefer_local=payload.preferLocalMechanic,
            selected_mechanic_id=payload.selectedMechanicId,
            plan_code=payload.planCode,
            workshop_id=payload.workshopId,
            idempotency_key=payload.idempotencyKey or "",
        )
    except ValidationError as exc:
        raise fields_renamed(exc, _REQUEST_FIELDS) from exc
    return Status(201 if created else 200, _request_shown(created_request.pk, request.user))


@router.get("/session-requests/{request_id}", response={200: SessionRequestOut, **object_errors()})
def session_request_detail(request: SignedInRequest, request_id: int) -> dict[str, Any]:
    return _request_shown(request_id, request.user)


@router.post(
    "/session-requests/{request_id}/choice",
    response={200: SessionRequestOut, **object_errors(400, 409)},
    summary="The customer's choice after the chosen mechanic did not respond",
)
def session_request_choice(request: SignedInRequest, request_id: int, payload: ChoiceIn) -> dict[str, Any]:
    try:
        services.request_choose(
            user=request.user, request_id=request_id, choice=payload.choice, mechanic_id=payload.mechanicId
        )
    except ValidationError as exc:
        raise fields_renamed(exc, _CHOICE_FIELDS) from exc
    return _request_shown(request_id, request.user)


@router.post(
    "/session-requests/{request_id}/cancel",
    response={200: SessionRequestOut, **object_errors(409)},
)
def session_request_cancel(request: SignedInRequest, request_id: int) -> dict[str, Any]:
    # The same service as the page: a paid request nobody accepted is refunded.
    booking.session_request_cancel(user=request.user, request_id=request_id)
    return _request_shown(request_id, request.user)


# --------------------------------------------------------------------------------------------
# Mechanic: offers, shift, stats, session
# --------------------------------------------------------------------------------------------


@router.get("/mechanic/offers", response={200: list[MechanicOfferOut], **signed_in_errors(404)})
def mechanic_offers(request: SignedInRequest) -> list[dict[str, Any]]:
    mechanic = mechanic_for_user_or_404(request.user)
    return [_offer_out(o) for o in offer_list_for_mechanic(mechanic=mechanic)]


@router.post(
    "/mechanic/offers/{offer_id}/accept",
    response={200: AcceptOut, **object_errors(409)},
    summary="Accept an offer (409 when someone else won, it expired, or you are in a session)",
)
def mechanic_offer_accept(request: SignedInRequest, offer_id: int) -> dict[str, Any]:
    mechanic = mechanic_for_user_or_404(request.user)
    consultation = services.offer_accept(mechanic=mechanic, offer_id=offer_id)
    return {"success": True, "offer": _offer_shown(mechanic, offer_id), "consultation": _consultation_out(consultation)}


@router.post(
    "/mechanic/offers/{offer_id}/decline",
    response={200: MechanicOfferOut, **object_errors(400, 409)},
)
def mechanic_offer_decline(request: SignedInRequest, offer_id: int, payload: DeclineIn) -> dict[str, Any]:
    mechanic = mechanic_for_user_or_404(request.user)
    offer = services.offer_decline(mechanic=mechanic, offer_id=offer_id, reason=payload.reason)
    return _offer_shown(mechanic, offer.pk)


@router.post("/mechanic/shift", response={200: ShiftOut, **signed_in_errors(404)})
def mechanic_shift(request: SignedInRequest, payload: ShiftIn) -> dict[str, Any]:
    mechanic = mechanic_for_user_or_404(request.user)
    change = services.mechanic_shift_set(mechanic=mechanic, online=payload.online)
    return {"online": change.online, "withdrawnOffers": change.withdrawn_offers}


@router.get("/mechanic/stats", response={200: StatsOut, **signed_in_errors(404)})
def mechanic_my_stats(request: SignedInRequest) -> dict[str, Any]:
    return mechanic_stats(mechanic=mechanic_for_user_or_404(request.user))


@router.get("/mechanic/session", response={200: ActiveSessionOut, **signed_in_errors(404)})
def mechanic_active_session(request: SignedInRequest) -> dict[str, Any]:
    mechanic = mechanic_for_user_or_404(request.user)
    consultation = consultation_active_for_mechanic(mechanic=mechanic)
    if consultation is None:
        raise Http404("You have no active session.")
    offer = offer_of_consultation(consultation=consultation)
    return {"consultation": _consultation_out(consultation), "offer": _offer_out(offer) if offer else None}


@router.post(
    "/consultations/{consultation_id}/end",
    response={200: ConsultationOut, **object_errors(409)},
)
def consultation_finish(request: SignedInRequest, consultation_id: int) -> dict[str, Any]:
    return _consultation_out(services.consultation_end(user=request.user, consultation_id=consultation_id))


# --------------------------------------------------------------------------------------------
# Live events
# --------------------------------------------------------------------------------------------


def _authorize_channel(request: SignedInRequest, channel: str) -> None:
    if not channel_authorized(user=request.user, channel=channel):
        raise Http404("Channel not found.")


@router.get(
    "/events/poll",
    response={200: PollOut, **signed_in_errors(404)},
    summary="Events of one channel after an id (polling fallback for the stream)",
)
def events_poll(request: SignedInRequest, channel: str, after: int = 0, limit: int = 100) -> dict[str, Any]:
    _authorize_channel(request, channel)
    rows = events.fetch(channel, max(0, after), max(1, min(limit, 500)))
    return {
        "channel": channel,
        "lastId": rows[-1].id if rows else max(after, 0),
        "events": [{"id": e.id, "kind": e.kind, "payload": e.payload, "createdAt": e.created_at} for e in rows],
    }


@router.get(
    "/events/stream",
    response={200: None, **signed_in_errors(404, throttled=True)},
    summary="Server-sent events for one channel (request-<id> or mechanic-<id>)",
    description=(
        "text/event-stream; each event has `id:` and JSON `data: {id, kind, payload}`. Resumes after "
        "`Last-Event-ID` (header) or `lastEventId` (query); without either it starts from now. Sends a "
        "comment heartbeat every 15 s and closes after EVENT_STREAM_SECONDS (15 min); EventSource reconnects by "
        "itself. Served by mechmatch.serving.stream_app (no thread, no connection held); this view is the "
        "fallback for `runserver`. At most EVENT_STREAMS_PER_USER open per user and serving process (429)."
    ),
)
def events_stream(
    request: SignedInRequest,
    channel: str,
    lastEventId: int | None = None,  # noqa: N803
) -> StreamingHttpResponse:
    _authorize_channel(request, channel)
    header = request.headers.get("Last-Event-ID")
    if header and header.strip().isdigit():
        last_id = int(header.strip())
    elif lastEventId is not None:
        last_id = max(0, lastEventId)
    else:
        last_id = events.latest_id(channel)
    response = StreamingHttpResponse(
        _sse(channel, last_id, float(settings.EVENT_STREAM_SECONDS), float(settings.EVENT_HEARTBEAT_SECONDS)),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _sse(channel: str, last_id: int, seconds: float, heartbeat: float) -> Iterator[str]:
    # The first line tells EventSource how soon to reconnect when we close.
    yield f"retry: 1000\n: connected {json.dumps(channel)}\n\n"
    last_beat = time.monotonic()
    for event in events.listen([channel], last_id, seconds):
        if event is None:
            if time.monotonic() - last_beat >= heartbeat:
                last_beat = time.monotonic()
                yield ": heartbeat\n\n"
            continue
        last_beat = time.monotonic()
        yield events.sse_format(event)
