"""Session requests (customer), offers and shift (mechanic), and the live event streams.

Endpoints only translate: schemas in, a service or selector call, schemas out. Objects
outside the caller's reach answer 404 (not 403), so ids reveal nothing."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from mechmatch.accounts.auth import api_auth
from mechmatch.accounts.models import User
from mechmatch.dispatch import events, services
from mechmatch.dispatch.models import Consultation, Offer, SessionRequest
from mechmatch.dispatch.selectors import (
    channel_authorized,
    consultation_active_for_mechanic,
    customer_contact,
    mechanic_stats,
    offer_get_for_mechanic,
    offer_list_for_mechanic,
    request_alternatives,
    request_get_for_user,
    request_waiting_snapshot,
)
from mechmatch.matching.reasons import stored_reasons_localised
from mechmatch.mechanics.models import Mechanic
from mechmatch.mechanics.selectors import mechanic_for_user

router = Router(tags=["dispatch"], auth=api_auth)


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


class VehicleIn(Schema):
    make: str = Field(..., max_length=40)
    model: str = Field(..., max_length=60)
    year: int
    vin: str | None = Field(default=None, max_length=17)


class SessionRequestIn(Schema):
    concern: str = Field(..., max_length=4000)
    vehicle: VehicleIn
    requestType: str = Field(default="general", max_length=20)
    requestedBrand: str | None = Field(default=None, max_length=40)
    customerCity: str = Field(default="", max_length=100)
    customerCountry: str = Field(default="CA", max_length=40)
    customerPostalCode: str = Field(default="", max_length=12)
    customerRegion: str | None = Field(default=None, max_length=40)
    preferLocalMechanic: bool = True
    routingType: str = Field(default="smart_broadcast", max_length=20)
    selectedMechanicId: int | None = None
    planCode: str = Field(default="", max_length=40)
    workshopId: int | None = None
    idempotencyKey: str | None = Field(default=None, max_length=80)


class ChoiceIn(Schema):
    choice: str = Field(..., max_length=20, description="wait_longer | pick_another | auto_match | schedule")
    mechanicId: int | None = None


class DeclineIn(Schema):
    reason: str = Field(default="", max_length=16, description="not_my_brand | busy | too_far | other")


class ShiftIn(Schema):
    online: bool


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


class ErrorOut(Schema):
    success: bool = False
    error: str


# --------------------------------------------------------------------------------------------
# Serialisers
# --------------------------------------------------------------------------------------------


def _vehicle(r: SessionRequest) -> dict[str, Any]:
    return {"year": r.vehicle_year, "make": r.vehicle_make, "model": r.vehicle_model, "vin": r.vehicle_vin}


def _request_out(r: SessionRequest, viewer: User) -> dict[str, Any]:
    is_owner = viewer.is_operator or r.customer_id == viewer.pk
    offers = list(r.offers.select_related("mechanic").order_by("id"))
    if not is_owner:
        # A mechanic sees only their own offer, never who else was asked.
        mechanic = mechanic_for_user(viewer)
        offers = [o for o in offers if mechanic is not None and o.mechanic_id == mechanic.pk]
    consultation = Consultation.objects.filter(request=r).values_list("pk", flat=True).first()
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
            for o in offers
        ],
        "alternatives": request_alternatives(r) if is_owner and r.status in ("awaiting_choice", "expired") else [],
        "waiting": request_waiting_snapshot(r) if is_owner else {},
        "consultationId": consultation,
        "createdAt": r.created_at,
        "updatedAt": r.updated_at,
        "matchedAt": r.matched_at,
        "fallbackDueAt": r.fallback_due_at,
    }


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


def _error(exc: services.DispatchError) -> Status:
    return Status(exc.status_code, {"success": False, "error": exc.message})


def _my_mechanic(request: HttpRequest) -> Mechanic:
    mechanic = mechanic_for_user(request.user)
    if mechanic is None:
        raise HttpError(404, "You do not have a mechanic profile.")
    return mechanic


# --------------------------------------------------------------------------------------------
# Customer: session requests
# --------------------------------------------------------------------------------------------


@router.post(
    "/session-requests",
    response={200: SessionRequestOut, 201: SessionRequestOut, 409: ErrorOut},
    summary="Create (or resume) a session request and route it",
    description=(
        "201 with the new request, or 200 with the customer's existing active request for the same vehicle "
        "(a reload or double submit never creates a second one)."
    ),
)
def session_request_create(request: HttpRequest, payload: SessionRequestIn):
    try:
        created_request, created = services.request_create(
            user=request.user,
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
    except services.DispatchError as exc:
        return _error(exc)
    created_request.refresh_from_db()
    return Status(201 if created else 200, _request_out(created_request, request.user))


@router.get("/session-requests/{request_id}", response={200: SessionRequestOut, 404: ErrorOut})
def session_request_detail(request: HttpRequest, request_id: int):
    found = request_get_for_user(user=request.user, request_id=request_id)
    if found is None:
        return Status(404, {"success": False, "error": "Session request not found."})
    return Status(200, _request_out(found, request.user))


@router.post(
    "/session-requests/{request_id}/choice",
    response={200: SessionRequestOut, 404: ErrorOut, 409: ErrorOut},
    summary="The customer's choice after the chosen mechanic did not respond",
)
def session_request_choice(request: HttpRequest, request_id: int, payload: ChoiceIn):
    try:
        chosen = services.request_choose(
            user=request.user, request_id=request_id, choice=payload.choice, mechanic_id=payload.mechanicId
        )
    except services.DispatchError as exc:
        return _error(exc)
    chosen.refresh_from_db()
    return Status(200, _request_out(chosen, request.user))


@router.post("/session-requests/{request_id}/cancel", response={200: SessionRequestOut, 404: ErrorOut, 409: ErrorOut})
def session_request_cancel(request: HttpRequest, request_id: int):
    try:
        cancelled = services.request_cancel(user=request.user, request_id=request_id)
    except services.DispatchError as exc:
        return _error(exc)
    cancelled.refresh_from_db()
    return Status(200, _request_out(cancelled, request.user))


# --------------------------------------------------------------------------------------------
# Mechanic: offers, shift, stats, session
# --------------------------------------------------------------------------------------------


@router.get("/mechanic/offers", response={200: list[MechanicOfferOut], 404: ErrorOut})
def mechanic_offers(request: HttpRequest):
    mechanic = _my_mechanic(request)
    return Status(200, [_offer_out(o) for o in offer_list_for_mechanic(mechanic=mechanic)])


@router.post(
    "/mechanic/offers/{offer_id}/accept",
    response={200: AcceptOut, 404: ErrorOut, 409: ErrorOut},
    summary="Accept an offer (409 when someone else won, it expired, or you are in a session)",
)
def mechanic_offer_accept(request: HttpRequest, offer_id: int):
    mechanic = _my_mechanic(request)
    try:
        consultation = services.offer_accept(mechanic=mechanic, offer_id=offer_id)
    except services.DispatchError as exc:
        return _error(exc)
    offer = offer_get_for_mechanic(mechanic=mechanic, offer_id=offer_id)
    return Status(200, {"success": True, "offer": _offer_out(offer), "consultation": _consultation_out(consultation)})


@router.post("/mechanic/offers/{offer_id}/decline", response={200: MechanicOfferOut, 404: ErrorOut, 409: ErrorOut})
def mechanic_offer_decline(request: HttpRequest, offer_id: int, payload: DeclineIn):
    mechanic = _my_mechanic(request)
    try:
        offer = services.offer_decline(mechanic=mechanic, offer_id=offer_id, reason=payload.reason)
    except services.DispatchError as exc:
        return _error(exc)
    return Status(200, _offer_out(offer_get_for_mechanic(mechanic=mechanic, offer_id=offer.pk)))


@router.post("/mechanic/shift", response={200: ShiftOut, 403: ErrorOut, 404: ErrorOut})
def mechanic_shift(request: HttpRequest, payload: ShiftIn):
    mechanic = _my_mechanic(request)
    try:
        return Status(200, services.mechanic_shift_set(mechanic=mechanic, online=payload.online))
    except services.DispatchError as exc:
        return _error(exc)


@router.get("/mechanic/stats", response={200: StatsOut, 404: ErrorOut})
def mechanic_my_stats(request: HttpRequest):
    return Status(200, mechanic_stats(mechanic=_my_mechanic(request)))


@router.get("/mechanic/session", response={200: ActiveSessionOut, 404: ErrorOut})
def mechanic_active_session(request: HttpRequest):
    mechanic = _my_mechanic(request)
    consultation = consultation_active_for_mechanic(mechanic=mechanic)
    if consultation is None:
        return Status(404, {"success": False, "error": "You have no active session."})
    offer = Offer.objects.filter(request_id=consultation.request_id, mechanic=mechanic).select_related(
        "request", "request__customer"
    )
    found = offer.first()
    return Status(200, {"consultation": _consultation_out(consultation), "offer": _offer_out(found) if found else None})


@router.post("/consultations/{consultation_id}/end", response={200: ConsultationOut, 404: ErrorOut, 409: ErrorOut})
def consultation_finish(request: HttpRequest, consultation_id: int):
    try:
        consultation = services.consultation_end(user=request.user, consultation_id=consultation_id)
    except services.DispatchError as exc:
        return _error(exc)
    return Status(200, _consultation_out(consultation))


# --------------------------------------------------------------------------------------------
# Live events
# --------------------------------------------------------------------------------------------


def _authorize_channel(request: HttpRequest, channel: str) -> None:
    if not channel_authorized(user=request.user, channel=channel):
        raise HttpError(404, "Channel not found.")


@router.get(
    "/events/poll",
    response={200: PollOut, 404: ErrorOut},
    summary="Events of one channel after an id (polling fallback for the stream)",
)
def events_poll(request: HttpRequest, channel: str, after: int = 0, limit: int = 100):
    _authorize_channel(request, channel)
    rows = events.fetch(channel, max(0, after), max(1, min(limit, 500)))
    return Status(
        200,
        {
            "channel": channel,
            "lastId": rows[-1].id if rows else max(after, 0),
            "events": [{"id": e.id, "kind": e.kind, "payload": e.payload, "createdAt": e.created_at} for e in rows],
        },
    )


@router.get(
    "/events/stream",
    response={200: None, 404: ErrorOut},
    summary="Server-sent events for one channel (request-<id> or mechanic-<id>)",
    description=(
        "text/event-stream; each event has `id:` and JSON `data: {id, kind, payload}`. Resumes after "
        "`Last-Event-ID` (header) or `lastEventId` (query); without either it starts from now. Sends a "
        "comment heartbeat every 15 s and closes after about a minute; EventSource reconnects by itself."
    ),
)
def events_stream(request: HttpRequest, channel: str, lastEventId: int | None = None):  # noqa: N803
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


def _sse(channel: str, last_id: int, seconds: float, heartbeat: float):  # noqa: ANN202 - a generator
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
