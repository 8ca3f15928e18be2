"""The customer's journey as services: each page's POST calls exactly one of these.

Matching and dispatch are other apps; this module calls their services and never
re-implements a rule of theirs (ranking, routing, offers, who may accept)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.core.brands import normalize_brand
from mechmatch.customers.models import Vehicle
from mechmatch.customers.services import customer_profile_for, vehicle_add, vehicle_clean
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Consultation, SessionRequest
from mechmatch.dispatch.selectors import request_owned_by
from mechmatch.dispatch.services import NotFound, consultation_end, request_choose
from mechmatch.experiments.flows import pays_first
from mechmatch.funnel.services import event_record
from mechmatch.geography.services import location_clean
from mechmatch.journey.booking import session_request_start, waiver_accept
from mechmatch.journey.models import ChatMessage, Intake, IntakePhoto, SessionNotes, WaitingMessage
from mechmatch.journey.session_length import session_close_if_overdue
from mechmatch.mechanics.models import Mechanic, Review
from mechmatch.mechanics.services import review_create
from mechmatch.payments.plans import plan_get
from mechmatch.payments.selectors import payment_is_paid, payment_latest
from mechmatch.payments.services import payment_start
from mechmatch.uploads import image_upload_clean

logger = logging.getLogger(__name__)

MAX_PHOTOS_PER_INTAKE = 5
STORED_MAX_SIDE = 2048

DRAFT_FIELDS = (
    "year",
    "make",
    "model",
    "vin",
    "concern",
    "country",
    "city",
    "postal_code",
    "prefer_local",
    "request_type",
)


# ---------------------------------------------------------------- intake


def intake_current(*, user: User) -> Intake:
    """The customer's unfinished intake, or a new one pre-filled from their profile, so a
    customer who leaves and comes back finds what they typed."""
    intake = (
        Intake.objects.filter(user=user, session_request__isnull=True).exclude(status=Intake.Status.SUBMITTED).first()
    )
    if intake is not None:
        return intake
    profile = customer_profile_for(user)
    return Intake.objects.create(
        user=user,
        country=profile.country or "CA",
        city=profile.city,
        postal_code=profile.postal_code,
        region=profile.region,
        prefer_local=profile.prefer_local_mechanic,
    )


def intake_save_draft(*, intake: Intake, data: dict[str, Any], vehicle: Vehicle | None = None) -> Intake:
    """Keeps exactly what was typed, valid or not."""
    for field in DRAFT_FIELDS:
        if field in data and data[field] is not None:
            value = data[field]
            setattr(intake, field, value if isinstance(value, bool) else str(value)[:2000])
    if vehicle is not None:
        intake.vehicle = vehicle
        intake.year, intake.make, intake.model, intake.vin = str(vehicle.year), vehicle.make, vehicle.model, vehicle.vin
    elif "saved_vehicle" in data:
        intake.vehicle = None
    intake.save()
    return intake


def intake_photo_add(*, intake: Intake, upload: UploadedFile) -> IntakePhoto:
    """Decodes and stores the photo outside any transaction (see core.images): only the
    row insert at the end writes to the database. Callers must not wrap it in one."""
    if intake.session_request_id:
        raise ValidationError({"photos": _("This request has already been sent.")})
    if intake.photos.count() >= MAX_PHOTOS_PER_INTAKE:
        raise ValidationError({"photos": _("At most %(n)s photos per request.") % {"n": MAX_PHOTOS_PER_INTAKE}})
    content, content_type = image_upload_clean(
        upload, field="photos", max_bytes=settings.INTAKE_PHOTO_MAX_BYTES, max_side=STORED_MAX_SIDE
    )
    photo = IntakePhoto(intake=intake, content_type=content_type, size_bytes=content.size)
    photo.image.save(content.name, content, save=False)
    photo.save()
    return photo


def intake_photo_remove(*, intake: Intake, photo_id: int) -> bool:
    """Deletes one of the intake's photos and its file; False when it has no such photo."""
    photo = intake.photos.filter(pk=photo_id).first()
    if photo is None:
        return False
    photo.image.delete(save=False)
    photo.delete()
    return True


def intake_submit(
    *, intake: Intake, data: dict[str, Any], saved_vehicle_id: int | None = None, photos: Sequence[UploadedFile] = ()
) -> Intake:
    """Saves the draft, keeps valid photos, then validates everything at once and raises a
    ValidationError naming each field at fault. On success the intake is READY for matching."""
    profile = customer_profile_for(intake.user)
    vehicle = profile.vehicles.filter(pk=saved_vehicle_id).first() if saved_vehicle_id else None
    intake_save_draft(intake=intake, data={**data, "saved_vehicle": saved_vehicle_id}, vehicle=vehicle)

    errors: dict[str, list[str]] = {}
    for upload in photos:
        try:
            intake_photo_add(intake=intake, upload=upload)
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.message_dict["photos"])

    vehicle_data: dict[str, Any] = {}
    if vehicle is None:
        try:
            vehicle_data = vehicle_clean(year=intake.year, make=intake.make, model=intake.model, vin=intake.vin)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    concern = (intake.concern or "").strip()
    if len(concern) < 3:
        errors.setdefault("concern", []).append("Tell us what is wrong with the car.")
    location: dict[str, Any] = {}
    try:
        location = location_clean(country=intake.country, city=intake.city, postal_code=intake.postal_code)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field if field in ("country", "city", "postal_code") else "city", []).extend(messages)
    if intake.request_type not in Intake.RequestType.values:
        errors.setdefault("request_type", []).append("Choose a general mechanic or a brand specialist.")
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        if vehicle is None:
            vehicle = vehicle_add(customer=profile, **vehicle_data)
        intake.vehicle = vehicle
        intake.year, intake.make, intake.model, intake.vin = str(vehicle.year), vehicle.make, vehicle.model, vehicle.vin
        intake.concern = concern
        for key in ("country", "region", "city", "postal_code", "latitude", "longitude"):
            setattr(intake, key, location[key])
        intake.requested_brand = (normalize_brand(vehicle.make) or vehicle.make) if intake.is_brand_specialist else ""
        intake.status = Intake.Status.READY
        intake.save()
    intake_skips_preview(intake)
    return intake


def intake_skips_preview(intake: Intake) -> bool:
    """A control-arm customer of `preview_and_choose` pays first and is matched
    automatically, as on the source platform: their intake goes straight to the plan."""
    if intake.session_request_id or not pays_first(intake.user):
        return False
    if intake.routing != Intake.Routing.SMART_BROADCAST or intake.chosen_mechanic_id:
        intake_choose_auto(intake=intake)
    return True


def intake_next_step(intake: Intake) -> str:
    """Which page follows the intake form: the plan when the mechanic is already decided
    (chosen from a profile, a favourite or a rebook), otherwise the preview."""
    if intake.routing and (intake.chosen_mechanic_id or intake.routing == Intake.Routing.SMART_BROADCAST):
        return "plan"
    return "preview"


# ---------------------------------------------------------------- choosing a mechanic

_SOURCE_EVENT: dict[str, str] = {
    Intake.Source.TOP_MATCH: "top_match_accepted",
    Intake.Source.OTHER_MATCH: "mechanic_chosen",
    Intake.Source.BROWSE: "mechanic_chosen",
    Intake.Source.FAVOURITE: "favourite_chosen",
    Intake.Source.REBOOK: "rebook",
}


def intake_choose_mechanic(*, intake: Intake, mechanic_id: int, source: str) -> Intake:
    """The customer picked a mechanic. A favourite or a rebook is routed favourite-first
    (the mechanic gets the exclusive window, then the top matches); any other pick is
    routed to that mechanic alone first."""
    if intake.session_request_id:
        raise ValidationError({"mechanic_id": _("This request has already been sent.")})
    mechanic = Mechanic.objects.filter(pk=mechanic_id).first()
    if mechanic is None or not mechanic.is_eligible:
        raise ValidationError({"mechanic_id": _("That mechanic is not available for sessions.")})
    if source not in Intake.Source.values or source == Intake.Source.AUTO:
        raise ValidationError({"source": _("Unknown choice.")})
    if pays_first(intake.user):
        # The control arm has no choice to make (see intake_skips_preview).
        return intake_choose_auto(intake=intake)
    intake.chosen_mechanic = mechanic
    intake.source = source
    intake.routing = (
        Intake.Routing.PRIORITY_BROADCAST
        if source in (Intake.Source.FAVOURITE, Intake.Source.REBOOK)
        else Intake.Routing.SELECTED
    )
    intake.save(update_fields=["chosen_mechanic", "source", "routing", "updated_at"])
    event_record(_SOURCE_EVENT[source], user=intake.user, mechanic_id=mechanic.pk, intake_id=intake.pk, source=source)
    return intake


def intake_choose_auto(*, intake: Intake) -> Intake:
    """'Match me automatically': offers go to the top matches at once."""
    if intake.session_request_id:
        raise ValidationError({"routing": _("This request has already been sent.")})
    intake.chosen_mechanic = None
    intake.source = Intake.Source.AUTO
    intake.routing = Intake.Routing.SMART_BROADCAST
    intake.save(update_fields=["chosen_mechanic", "source", "routing", "updated_at"])
    return intake


def intake_leave_contact(*, intake: Intake, phone: str, note: str = "") -> Intake:
    phone = phone.strip()
    if sum(ch.isdigit() for ch in phone) < 7:
        raise ValidationError({"phone": _("Enter a phone number we can reach you on.")})
    intake.contact_phone = phone[:32]
    intake.contact_note = note.strip()[:300]
    intake.save(update_fields=["contact_phone", "contact_note", "updated_at"])
    if not intake.user.phone:
        intake.user.phone = intake.contact_phone
        intake.user.save(update_fields=["phone"])
    return intake


# ---------------------------------------------------------------- plan, payment, waiver


@dataclass(frozen=True, slots=True)
class CheckoutRedirect:
    url: str


def intake_plan_choose(
    *, intake: Intake, plan_code: str, return_path: str, cancel_path: str, base_url: str
) -> CheckoutRedirect:
    if intake.status != Intake.Status.READY or not intake.routing:
        raise ValidationError({"plan_code": _("Finish describing the problem and choosing a mechanic first.")})
    if plan_get(plan_code) is None:
        raise ValidationError({"plan_code": _("Choose one of the plans.")})
    intake.plan_code = plan_code
    intake.save(update_fields=["plan_code", "updated_at"])
    _payment, url = payment_start(
        user=intake.user,
        reference=intake.reference,
        plan_code=plan_code,
        brand_specialist=intake.is_brand_specialist,
        country=intake.country,
        return_path=return_path,
        cancel_path=cancel_path,
        base_url=base_url,
    )
    return CheckoutRedirect(url=url)


def intake_is_paid(intake: Intake) -> bool:
    return bool(intake.plan_code) and payment_is_paid(
        user=intake.user, reference=intake.reference, plan_code=intake.plan_code
    )


def payments_in_test_mode() -> bool:
    from mechmatch.payments.providers import provider_get

    return provider_get().test_mode


def waiver_version() -> str:
    return settings.WAIVER_VERSION


# ---------------------------------------------------------------- the request (dispatch)
# Dispatch's refusals pass through as they are: a ValidationError naming the domain's fields,
# or a DispatchError (NotFound when the request is not the customer's); the pages show either.


def intake_confirm(*, intake: Intake, ip_address: str | None) -> SessionRequest:
    """Records the waiver and creates the session request through dispatch, with the
    customer's choice and routing. A reload or double submit resumes the same request."""
    if intake.session_request is not None:
        return intake.session_request
    if not intake_is_paid(intake):
        raise ValidationError(_("Your payment has not been confirmed yet."))
    if intake.status != Intake.Status.READY or not intake.routing:
        raise ValidationError(_("Finish your request first."))
    waiver_accept(user=intake.user, version=settings.WAIVER_VERSION, intake=intake, ip_address=ip_address)
    paid = payment_latest(user=intake.user, reference=intake.reference)
    request, _created = session_request_start(  # marks the intake sent and links it
        user=intake.user,
        intake=intake,
        payment_id=paid.pk if paid is not None else None,
        concern=intake.concern,
        vehicle={"year": intake.year, "make": intake.make, "model": intake.model, "vin": intake.vin},
        routing_type=intake.routing,
        request_type=intake.request_type,
        requested_brand=intake.requested_brand,
        country=intake.country,
        city=intake.city,
        postal_code=intake.postal_code,
        region=intake.region,
        prefer_local=intake.prefer_local,
        selected_mechanic_id=intake.chosen_mechanic_id,
        plan_code=intake.plan_code,
        idempotency_key=f"intake-{intake.pk}",
    )
    return request


def waiting_message_send(*, user: User, request_id: int, body: str) -> WaitingMessage:
    """A note to the mechanic from the waiting room; it opens the session's chat."""
    request = request_owned_by(user=user, request_id=request_id)
    if request is None or request.customer_id != user.pk:
        raise ValidationError({"body": _("Request not found.")})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    if WaitingMessage.objects.filter(session_request=request).count() >= 20:
        raise ValidationError({"body": _("You have sent enough messages for now; your mechanic will see them.")})
    return WaitingMessage.objects.create(session_request=request, sender=user, body=body[:1000])


def waiting_choose(*, user: User, request_id: int, choice: str, mechanic_id: int | None = None) -> SessionRequest:
    """The fallback buttons of the waiting room; dispatch decides what each one does."""
    return request_choose(user=user, request_id=request_id, choice=choice, mechanic_id=mechanic_id)


# ---------------------------------------------------------------- the session


def _participant_consultation(*, user: User, consultation_id: int) -> Consultation:
    consultation = (
        Consultation.objects.filter(pk=consultation_id)
        .filter(Q(customer=user) | Q(mechanic__user=user))
        .select_related("mechanic", "request")
        .first()
    )
    if consultation is None:
        raise ValidationError({"body": _("Session not found.")})
    return consultation


def chat_send(*, user: User, consultation_id: int, body: str) -> ChatMessage:
    """Stores a chat line and wakes both sides' pages (the customer listens on the request's
    channel, the mechanic on their own)."""
    consultation = _participant_consultation(user=user, consultation_id=consultation_id)
    if session_close_if_overdue(consultation):
        raise ValidationError({"body": _("This session has ended.")})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    with events.atomic_with_events():
        message = ChatMessage.objects.create(consultation=consultation, sender=user, body=body[:1000])
        payload = {"consultationId": consultation.pk, "messageId": message.pk}
        events.publish(events.request_channel(consultation.request_id), "chat", payload)
        events.publish(events.mechanic_channel(consultation.mechanic_id), "chat", payload)
    return message


def chat_photo_send(*, user: User, consultation_id: int, upload: UploadedFile, body: str = "") -> ChatMessage:
    """A photo in the chat (attached, or a snapshot of the call), re-encoded like intake
    photos: decoded and stored before the short transaction that inserts its line, so no
    original bytes or metadata are kept. Callers must not wrap it in a transaction."""
    consultation = _participant_consultation(user=user, consultation_id=consultation_id)
    if session_close_if_overdue(consultation):
        raise ValidationError({"photo": _("This session has ended.")})
    content, content_type = image_upload_clean(
        upload, field="photo", max_bytes=settings.INTAKE_PHOTO_MAX_BYTES, max_side=STORED_MAX_SIDE
    )
    message = ChatMessage(consultation=consultation, sender=user, body=(body or "").strip()[:1000])
    message.photo_content_type = content_type
    message.photo.save(content.name, content, save=False)
    with events.atomic_with_events():
        message.save()
        payload = {"consultationId": consultation.pk, "messageId": message.pk}
        events.publish(events.request_channel(consultation.request_id), "chat", payload)
        events.publish(events.mechanic_channel(consultation.mechanic_id), "chat", payload)
    return message


def session_notes_save(
    *,
    user: User,
    consultation_id: int,
    diagnosis: str = "",
    likely_causes: str = "",
    next_step: str = "",
    parts_to_check: str = "",
) -> SessionNotes:
    """The session's mechanic writes (or rewrites) the notes, during or after the session.
    Anyone else, the customer included, is told the session does not exist."""
    consultation = Consultation.objects.filter(pk=consultation_id, mechanic__user=user).first()
    if consultation is None:
        raise NotFound(_("Session not found."))
    if next_step and next_step not in SessionNotes.NextStep.values:
        raise ValidationError({"next_step": _("Choose one of the next steps.")})
    fields = {
        "diagnosis": (diagnosis or "").strip()[:2000],
        "likely_causes": (likely_causes or "").strip()[:2000],
        "next_step": next_step or "",
        "parts_to_check": (parts_to_check or "").strip()[:1000],
    }
    if not any(fields.values()):
        raise ValidationError({"diagnosis": _("Write at least the diagnosis or the next step.")})
    with events.atomic_with_events():
        notes, _created = SessionNotes.objects.update_or_create(consultation=consultation, defaults=fields)
        events.publish(events.request_channel(consultation.request_id), "notes", {"consultationId": consultation.pk})
    return notes


def session_end(*, user: User, consultation_id: int) -> Consultation:
    return consultation_end(user=user, consultation_id=consultation_id)


def session_key_for(consultation: Consultation) -> str:
    return f"consultation-{consultation.pk}"


def session_rate(*, user: User, consultation_id: int, rating: int, comment: str = "") -> Review:
    """One rating per session, only by its customer, only once it has ended; it is folded
    into the mechanic's aggregate at once by review_create."""
    consultation = Consultation.objects.filter(pk=consultation_id, customer=user).select_related("mechanic").first()
    if consultation is None:
        raise ValidationError({"rating": _("Session not found.")})
    if consultation.status != Consultation.Status.ENDED:
        raise ValidationError({"rating": _("You can rate the session once it has ended.")})
    with transaction.atomic():
        review = review_create(
            mechanic=consultation.mechanic,
            customer=user,
            rating=rating,
            comment=comment,
            session_key=session_key_for(consultation),
        )
        event_record(
            "rating_given",
            user=user,
            request_id=consultation.request_id,
            mechanic_id=consultation.mechanic_id,
            rating=int(rating),
            consultation_id=consultation.pk,
        )
    return review


def rebook_start(*, user: User, consultation_id: int) -> Intake:
    """'Rebook with <mechanic>': a new intake pre-filled with the vehicle, concern and
    location of that session, routed to the same mechanic first (favourite priority)."""
    consultation = Consultation.objects.filter(pk=consultation_id, customer=user).select_related("request").first()
    if consultation is None:
        raise ValidationError({"consultation": _("Session not found.")})
    request = consultation.request
    existing = Intake.objects.filter(user=user, rebook_of=consultation, session_request__isnull=True).first()
    if existing is not None:
        return existing
    intake = Intake.objects.create(
        user=user,
        vehicle=request.vehicle,
        year=str(request.vehicle_year),
        make=request.vehicle_make,
        model=request.vehicle_model,
        vin=request.vehicle_vin,
        concern=request.concern,
        country=request.country,
        region=request.region,
        city=request.city,
        postal_code=request.postal_code,
        latitude=request.latitude,
        longitude=request.longitude,
        prefer_local=request.prefer_local,
        request_type=request.request_type,
        requested_brand=request.requested_brand,
        plan_code=request.plan_code if plan_get(request.plan_code or "") else "",
        rebook_of=consultation,
        status=Intake.Status.READY,
    )
    try:
        intake_choose_mechanic(intake=intake, mechanic_id=consultation.mechanic_id, source=Intake.Source.REBOOK)
    except ValidationError:
        # The mechanic has left or is suspended: the rebook still works, through the preview.
        event_record("rebook", user=user, mechanic_id=consultation.mechanic_id, intake_id=intake.pk, routed=False)
    return intake


def browse_record(*, user: User, filters: dict[str, Any], results: int) -> None:
    """One "browsed" funnel event per search (its first page), not one per page turned."""
    if (filters.get("page") or 1) == 1:
        event_record(
            "browsed", user=user, filters={k: v for k, v in filters.items() if v not in (None, "")}, results=results
        )
