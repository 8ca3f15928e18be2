"""The customer's journey for API clients: the current intake and its photos, past sessions
and rebooking, chat (both parties), rating. Each operation calls the service its page calls
(journey.services); objects outside the caller's reach answer 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import JsonValue

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_errors import StrictIn
from mechmatch.api_schema import WholeNumber, object_errors, signed_in_errors
from mechmatch.dispatch.models import Consultation
from mechmatch.journey import selectors, services
from mechmatch.journey.models import ChatMessage, Intake, IntakePhoto
from mechmatch.mechanics.models import Review
from mechmatch.throttles import RateLimit

router = Router(tags=["journey"], auth=api_auth)


# --------------------------------------------------------------------------- schemas


class IntakeVehicleOut(Schema):
    year: str
    make: str
    model: str
    vin: str


class PhotoOut(Schema):
    id: int
    contentType: str
    width: int
    height: int
    sizeBytes: int
    url: str = Field(description="Served to the customer and the mechanics the request reaches.")


class IntakeOut(Schema):
    """An intake, with what POST /api/session-requests needs to send it: a rebook's intake is
    pre-filled with the session's vehicle, concern and place, routed to the same mechanic."""

    intakeId: int
    status: str = Field(..., json_schema_extra={"enum": list[JsonValue](Intake.Status.values)})
    vehicle: IntakeVehicleOut
    concern: str
    customerCountry: str
    customerRegion: str
    customerCity: str
    customerPostalCode: str
    preferLocalMechanic: bool
    requestType: str
    requestedBrand: str
    routingType: str = Field(description="Empty until a mechanic (or automatic matching) is chosen.")
    selectedMechanicId: int | None
    planCode: str
    rebookOf: int | None = Field(description="The session this intake rebooks.")
    sessionRequestId: int | None
    photos: list[PhotoOut]


class MechanicBriefOut(Schema):
    id: int
    name: str


class PastSessionOut(Schema):
    consultationId: int
    requestId: int
    status: str = Field(..., json_schema_extra={"enum": list[JsonValue](Consultation.Status.values)})
    mechanic: MechanicBriefOut
    vehicle: IntakeVehicleOut
    concern: str
    planCode: str
    startedAt: datetime
    endedAt: datetime | None


class RatingIn(StrictIn):
    rating: WholeNumber = Field(..., ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class RatingOut(Schema):
    consultationId: int
    rating: int
    comment: str
    createdAt: datetime


class ChatMessageIn(StrictIn):
    body: str = Field(..., min_length=1, max_length=1000)


class ChatMessageOut(Schema):
    id: int
    consultationId: int
    senderId: int
    fromMechanic: bool
    body: str
    createdAt: datetime


class PhotoRemovedOut(Schema):
    removed: bool


# --------------------------------------------------------------------------- serialisers


def _photo_out(photo: IntakePhoto) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "id": photo.pk,
        "contentType": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "sizeBytes": photo.size_bytes,
        "url": reverse("journey:photo", args=[photo.pk]),
    }


def _intake_out(intake: Intake) -> dict[str, Any]:
    return {
        "intakeId": intake.pk,
        "status": intake.status,
        "vehicle": {"year": intake.year, "make": intake.make, "model": intake.model, "vin": intake.vin},
        "concern": intake.concern,
        "customerCountry": intake.country,
        "customerRegion": intake.region,
        "customerCity": intake.city,
        "customerPostalCode": intake.postal_code,
        "preferLocalMechanic": intake.prefer_local,
        "requestType": intake.request_type,
        "requestedBrand": intake.requested_brand,
        "routingType": intake.routing,
        "selectedMechanicId": intake.chosen_mechanic_id,
        "planCode": intake.plan_code,
        "rebookOf": intake.rebook_of_id,
        "sessionRequestId": intake.session_request_id,
        "photos": [_photo_out(p) for p in intake.photos.all()],
    }


def _past_session_out(c: Consultation) -> dict[str, Any]:
    r = c.request
    return {
        "consultationId": c.pk,
        "requestId": r.pk,
        "status": c.status,
        "mechanic": {"id": c.mechanic_id, "name": c.mechanic.display_name},
        "vehicle": {
            "year": str(r.vehicle_year),
            "make": r.vehicle_make,
            "model": r.vehicle_model,
            "vin": r.vehicle_vin,
        },
        "concern": r.concern,
        "planCode": r.plan_code,
        "startedAt": c.started_at,
        "endedAt": c.ended_at,
    }


def _message_out(m: ChatMessage, consultation: Consultation) -> dict[str, Any]:
    return {
        "id": m.pk,
        "consultationId": consultation.pk,
        "senderId": m.sender_id,
        "fromMechanic": m.sender_id == consultation.mechanic.user_id,
        "body": m.body,
        "createdAt": m.created_at,
    }


# --------------------------------------------------------------------------- intake & photos


@router.post(
    "/intakes",
    response={200: IntakeOut, **signed_in_errors()},
    summary="My unfinished intake (started if there is none), to attach photos to",
)
def intake_resume(request: SignedInRequest) -> dict[str, Any]:
    return _intake_out(services.intake_current(user=request.user))


@router.post(
    "/intakes/{intake_id}/photos",
    response={201: PhotoOut, **object_errors()},
    summary="Attach a photo (JPEG, PNG or WebP; re-encoded, metadata dropped)",
)
def intake_photo_upload(
    request: SignedInRequest,
    intake_id: int,
    photo: UploadedFile = File(...),  # noqa: B008
) -> Status:
    intake = selectors.intake_get(user=request.user, intake_id=intake_id)
    # Decoded and stored outside any transaction; only the row insert writes.
    return Status(201, _photo_out(services.intake_photo_add(intake=intake, upload=photo)))


@router.delete(
    "/intakes/{intake_id}/photos/{photo_id}",
    response={200: PhotoRemovedOut, **object_errors()},
)
def intake_photo_delete(request: SignedInRequest, intake_id: int, photo_id: int) -> dict[str, Any]:
    intake = selectors.intake_get(user=request.user, intake_id=intake_id)
    if not services.intake_photo_remove(intake=intake, photo_id=photo_id):
        raise Http404("Photo not found.")
    return {"removed": True}


# --------------------------------------------------------------------------- history & rebook


@router.get("/history", response={200: list[PastSessionOut], **signed_in_errors()}, summary="My past sessions")
def history(request: SignedInRequest) -> list[dict[str, Any]]:
    return [_past_session_out(c) for c in selectors.history_for(user=request.user)]


@router.post(
    "/history/{consultation_id}/rebook",
    response={201: IntakeOut, **object_errors()},
    summary="Rebook with the same mechanic",
    description=(
        "A new intake pre-filled from that session and routed to the same mechanic first (favourite "
        "priority), as the rebook page does; again answers the same unsent intake. Pay for `planCode` "
        "(POST /api/checkouts), accept the waiver, then send its fields to POST /api/session-requests."
    ),
)
def rebook(request: SignedInRequest, consultation_id: int) -> Status:
    selectors.completion_context(user=request.user, consultation_id=consultation_id)  # 404 unless the customer's
    return Status(201, _intake_out(services.rebook_start(user=request.user, consultation_id=consultation_id)))


# --------------------------------------------------------------------------- rating


@router.post(
    "/consultations/{consultation_id}/rating",
    response={201: RatingOut, **object_errors(409)},
    summary="Rate a finished session (once: 409 afterwards)",
)
def consultation_rate(request: SignedInRequest, consultation_id: int, payload: RatingIn) -> Status:
    selectors.completion_context(user=request.user, consultation_id=consultation_id)  # 404 unless the customer's
    review: Review = services.session_rate(
        user=request.user, consultation_id=consultation_id, rating=payload.rating, comment=payload.comment
    )
    return Status(
        201,
        {
            "consultationId": consultation_id,
            "rating": review.rating,
            "comment": review.comment,
            "createdAt": review.created_at,
        },
    )


# --------------------------------------------------------------------------- chat


@router.get(
    "/consultations/{consultation_id}/messages",
    response={200: list[ChatMessageOut], **object_errors()},
    summary="The session's chat after a message id (its customer and its mechanic)",
)
def chat_list(request: SignedInRequest, consultation_id: int, after: int = 0) -> list[dict[str, Any]]:
    consultation = selectors.consultation_of_participant(user=request.user, consultation_id=consultation_id)
    return [
        _message_out(m, consultation) for m in selectors.chat_messages(consultation=consultation, after=max(0, after))
    ]


@router.post(
    "/consultations/{consultation_id}/messages",
    response={201: ChatMessageOut, **object_errors(throttled=True)},
    throttle=RateLimit("chat"),
    summary="Send a chat message (400 once the session has ended)",
)
def chat_send(request: SignedInRequest, consultation_id: int, payload: ChatMessageIn) -> Status:
    consultation = selectors.consultation_of_participant(user=request.user, consultation_id=consultation_id)
    message = services.chat_send(user=request.user, consultation_id=consultation_id, body=payload.body)
    return Status(201, _message_out(message, consultation))
