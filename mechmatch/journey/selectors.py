"""Reads for the customer pages, shaped for templates (no decisions are made here: ranking,
fallback scenarios and who may see what come from the matching and dispatch apps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import get_language

from mechmatch.accounts.models import User
from mechmatch.core.geo import coarser_precision, haversine_km
from mechmatch.core.ranking import ScoredMatch, km_shown
from mechmatch.core.reasons import service_names
from mechmatch.customers.models import CustomerProfile, Vehicle
from mechmatch.customers.selectors import favourite_list, vehicle_list
from mechmatch.customers.services import customer_profile_for
from mechmatch.journey.models import Intake
from mechmatch.matching.reasons import reasons_localised, score_factors
from mechmatch.matching.services import (
    MatchQuery,
    PreviewResult,
    customer_locate,
    match_preview,
    mechanic_directory_list,
)
from mechmatch.video.selectors import ice_has_relay, ice_servers_for

NEAR_YOU_KM = 50
# The preview shows the best match and four more, as the preview API returns them.
PREVIEW_CARDS = 5


@dataclass(slots=True)
class MechanicCard:
    """One mechanic as the pages show them."""

    id: int
    name: str
    first_name: str
    photo_url: str | None
    city: str
    region: str
    rating: float
    review_count: int
    completed_sessions: int
    years_experience: int
    is_brand_specialist: bool
    brands: list[str]
    distance_km: float | None
    distance_precision: str | None  # how exact distance_km is (mechmatch.core.geo.PRECISIONS)
    is_local: bool
    is_available: bool
    is_new: bool
    is_favourite: bool
    response_minutes: int | None
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    # "How this score was made": the ranking's factors, largest first (matching.reasons.score_factors).
    factors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def distance_rounded(self) -> int | None:
        return None if self.distance_km is None else km_shown(self.distance_km)


def card_from_match(
    match: ScoredMatch, display: dict[int, dict[str, Any]], *, requested_brand: str | None = None
) -> MechanicCard:
    """A card; the brand asked for leads the mechanic's brands, so a BMW search never reads
    "Nissan specialist" for a mechanic who does both."""
    candidate = match.candidate
    brands = list(candidate.brands)
    if requested_brand in brands:
        brands.remove(requested_brand)
        brands.insert(0, requested_brand)
    shown = display.get(match.mechanic_id, {})
    name = shown.get("display_name") or candidate.name
    seconds = candidate.avg_response_seconds
    return MechanicCard(
        id=match.mechanic_id,
        name=name,
        first_name=name.split()[0] if name else "",
        photo_url=shown.get("photo_url"),
        city=shown.get("city", ""),
        region=shown.get("region", ""),
        rating=candidate.rating,
        review_count=candidate.review_count,
        completed_sessions=candidate.completed_sessions,
        years_experience=candidate.years_experience,
        is_brand_specialist=match.is_brand_specialist,
        brands=brands,
        distance_km=match.distance_km,
        distance_precision=shown.get("distance_precision"),
        is_local=match.is_local,
        is_available=match.is_available,
        is_new=match.is_new,
        is_favourite=match.is_favourite,
        response_minutes=None if seconds is None else max(1, round(seconds / 60)),
        reasons=reasons_localised(match),  # in the active language
        score=match.score,
        factors=score_factors(match.breakdown),
    )


def intake_get(*, user: User, intake_id: int) -> Intake:
    """The customer's own intake; anyone else's is a 404, not a 403, so ids leak nothing."""
    intake = Intake.objects.filter(pk=intake_id, user=user).select_related("chosen_mechanic").first()
    if intake is None:
        raise Http404("No such intake")
    return intake


def request_of_customer(*, user: User, request_id: int) -> Any:
    """The customer's own session request (the one dispatch lets them choose, cancel or write
    on); anyone else's is a 404, as with intakes."""
    from mechmatch.dispatch.selectors import request_owned_by

    request = request_owned_by(user=user, request_id=request_id)
    if request is None:
        raise Http404("No such request")
    return request


def intake_form_initial(intake: Intake) -> dict[str, Any]:
    return {
        "saved_vehicle": intake.vehicle_id,
        "year": intake.year,
        "make": intake.make,
        "model": intake.model,
        "vin": intake.vin,
        "concern": intake.concern,
        "country": intake.country or "CA",
        "city": intake.city,
        "postal_code": intake.postal_code,
        "prefer_local": intake.prefer_local,
        "request_type": intake.request_type or Intake.RequestType.GENERAL,
    }


def intake_vehicles(*, user: User) -> list[Vehicle]:
    return vehicle_list(customer=customer_profile_for(user))


@dataclass(slots=True)
class PreviewView:
    result: PreviewResult | None
    error: str = ""
    top: MechanicCard | None = None
    others: list[MechanicCard] = field(default_factory=list)
    closest: list[MechanicCard] = field(default_factory=list)
    local_alternatives: list[MechanicCard] = field(default_factory=list)
    scenario: str = "none"
    message: str = ""
    options: list[str] = field(default_factory=list)
    total: int = 0
    has_local: bool = False
    farthest_km: int | None = None
    nobody_available: bool = False
    # The concern's services as the customer reads them ("Brakes, ABS"), so they can correct us.
    understood: str = ""


def preview_for_intake(*, intake: Intake) -> PreviewView:
    """Runs the matching preview for a READY intake (matching records `preview_shown`)."""
    try:
        query = MatchQuery(
            concern=intake.concern,
            make=intake.make,
            model=intake.model,
            year=int(intake.year) if intake.year.isdigit() else None,
            request_type=intake.request_type,
            requested_brand=intake.requested_brand or None,
            country=intake.country,
            city=intake.city,
            postal_code=intake.postal_code,
            region=intake.region,
            prefer_local=intake.prefer_local,
        )
        result = match_preview(query, customer_user=intake.user, event_properties={"intake_id": intake.pk})
    except ValidationError as exc:
        return PreviewView(result=None, error=" ".join(exc.messages))
    brand = result.requested_brand
    cards = [card_from_match(m, result.display, requested_brand=brand) for m in result.matches]
    fallback = result.fallback
    distances = [c.distance_km for c in cards if c.distance_km is not None]
    return PreviewView(
        result=result,
        top=cards[0] if cards else None,
        others=cards[1:PREVIEW_CARDS],
        closest=[card_from_match(m, result.display, requested_brand=brand) for m in fallback.closest],
        local_alternatives=[card_from_match(m, result.display) for m in fallback.local_alternatives],
        scenario=fallback.scenario,
        message=fallback.message,
        options=fallback.options,
        total=result.total_matches,
        has_local=result.has_local_matches,
        farthest_km=km_shown(max(distances)) if distances else None,
        nobody_available=not cards or fallback.scenario == "nobody_available",
        understood=", ".join(service_names(result.keywords, get_language() or "en")),
    )


@dataclass(slots=True)
class DirectoryView:
    cards: list[MechanicCard]
    page: int
    total: int
    has_next: bool
    error: dict[str, list[str]] = field(default_factory=dict)
    last_page: int = 1
    total_is_lower_bound: bool = False


def directory_for(
    *, user: User, filters: dict[str, Any], intake: Intake | None = None, page_size: int = 12
) -> DirectoryView:
    """The directory around the intake's place when it came from a preview ("View all"), else
    around the customer's saved address."""
    place: dict[str, Any] = {}
    if intake is not None and (intake.postal_code or intake.city):
        place = {"country": intake.country, "postal_code": intake.postal_code, "city": intake.city,
                 "region": intake.region}  # fmt: skip
    try:
        page = mechanic_directory_list(
            min_rating=filters.get("min_rating"),
            max_distance_km=filters.get("max_distance_km"),
            brand=filters.get("brand") or None,
            service=filters.get("service") or None,
            available_now=bool(filters.get("available_now")),
            q=filters.get("q") or None,
            sort=filters.get("sort") or "best",
            page=filters.get("page") or 1,
            page_size=page_size,
            customer_user=user,
            **place,
        )
    except ValidationError as exc:
        return DirectoryView(cards=[], page=1, total=0, has_next=False, error=exc.message_dict)
    return DirectoryView(
        cards=[card_from_match(m, page.display, requested_brand=page.requested_brand) for m in page.items],
        page=page.page,
        total=page.total,
        has_next=page.has_next,
        last_page=page.last_page,
        total_is_lower_bound=page.total_is_lower_bound,
    )


def available_near_count(*, user: User) -> int | None:
    """How many mechanics are on shift within NEAR_YOU_KM of the customer's saved location
    (None when we do not know where they are)."""
    try:
        page = mechanic_directory_list(available_now=True, max_distance_km=NEAR_YOU_KM, page_size=1, customer_user=user)
    except ValidationError:
        return None
    return page.total


def profile_distance(*, user: User, mechanic: Any, intake: Intake | None = None) -> dict[str, Any] | None:
    """How far a mechanic is from where the customer needs help (the intake's place, else their
    saved location), rounded like the cards, and how exactly it is known; None when either end
    is unknown."""
    if mechanic.latitude is None or mechanic.longitude is None:
        return None
    origin: tuple[float, float, str] | None = None  # lat, lon, precision
    if intake is not None and (intake.postal_code or intake.city):
        try:
            place = customer_locate(
                country=intake.country, city=intake.city, postal_code=intake.postal_code, region=intake.region
            )
            origin = (place.lat, place.lon, place.precision)
        except ValidationError:
            origin = None
    if origin is None:
        saved = CustomerProfile.objects.filter(user=user, latitude__isnull=False, longitude__isnull=False).first()
        if saved is None or saved.latitude is None or saved.longitude is None:
            return None
        origin = (saved.latitude, saved.longitude, saved.location_precision)
    lat, lon, precision = origin
    km = haversine_km(lat, lon, mechanic.latitude, mechanic.longitude)
    return {"km": km_shown(km), "precision": coarser_precision(precision, mechanic.location_precision)}


def favourites_for(*, user: User) -> list:
    return favourite_list(customer=customer_profile_for(user))


def is_favourite(*, user: User, mechanic_id: int) -> bool:
    return customer_profile_for(user).favourites.filter(mechanic_id=mechanic_id).exists()


def photo_visible_to(*, photo: Any, user: User) -> bool:
    """The intake's customer, and the mechanic the resulting request was assigned or offered to."""
    intake = photo.intake
    if intake.user_id == user.pk or user.is_operator:
        return True
    if not intake.session_request_id or not user.is_mechanic:
        return False
    from mechmatch.dispatch.models import Offer

    return Offer.objects.filter(request_id=intake.session_request_id, mechanic__user=user).exists()


def consultation_history(*, user: User, limit: int = 50) -> list:
    from mechmatch.dispatch.models import Consultation

    return list(
        Consultation.objects.filter(customer=user).select_related("mechanic", "request").order_by("-started_at")[:limit]
    )


def dashboard_context(*, user: User) -> dict[str, Any]:
    from mechmatch.dispatch.selectors import request_active_for_customer

    active = request_active_for_customer(user=user)
    active_consultation = None
    if active is not None and active.status == "matched":
        active_consultation = getattr(active, "consultation", None)
    draft = (
        Intake.objects.filter(user=user, session_request__isnull=True).exclude(status=Intake.Status.SUBMITTED).first()
    )
    profile = customer_profile_for(user)
    return {
        "available_count": available_near_count(user=user),
        "near_km": NEAR_YOU_KM,
        "has_location": profile.latitude is not None,
        "favourites": favourites_for(user=user),
        "active_request": active,
        "active_consultation": active_consultation,
        "draft": draft if draft and (draft.concern or draft.make) else None,
        "history": consultation_history(user=user, limit=5),
    }


# ---------------------------------------------------------------- waiting room & session


def waiting_room_context(*, user: User, request_id: int) -> dict[str, Any]:
    """Everything the waiting room shows; the live part is re-rendered from this on every event."""
    from mechmatch.dispatch.models import SessionRequest
    from mechmatch.dispatch.selectors import request_alternatives, request_waiting_snapshot
    from mechmatch.journey.models import WaitingMessage
    from mechmatch.journey.refund_offers import refund_offer_payment

    request = (
        SessionRequest.objects.filter(pk=request_id, customer=user)
        .select_related("selected_mechanic", "assigned_mechanic")
        .first()
    )
    if request is None:
        raise Http404("No such request")
    snapshot = request_waiting_snapshot(request)
    mechanic = request.selected_mechanic
    exclusive = snapshot.get("exclusiveMechanic") or {}
    consultation = getattr(request, "consultation", None) if request.assigned_mechanic_id else None
    eta = snapshot.get("eta") or None
    choices = snapshot.get("choices") or []
    return {
        "req": request,
        "snapshot": snapshot,
        "mechanic": mechanic,
        "joins_minutes": (
            max(1, round(mechanic.avg_response_seconds / 60)) if mechanic and mechanic.avg_response_seconds else None
        ),
        "eta_low": max(0, round(eta["typicalSeconds"] / 60)) if eta else None,
        "eta_high": max(1, round(eta["worstSeconds"] / 60)) if eta else None,
        "waited": snapshot.get("waitedSeconds", 0),
        "waited_display": clock(snapshot.get("waitedSeconds", 0)),
        "queue_position": snapshot.get("queuePosition"),
        "choices": choices,
        "lapsed_name": exclusive.get("displayName") if exclusive.get("offerStatus") in ("expired", "declined") else "",
        "declined_name": exclusive.get("displayName") if exclusive.get("offerStatus") == "declined" else "",
        "alternatives": request_alternatives(request, limit=3) if "pick_another" in choices else [],
        "consultation": consultation,
        "waiting_lines": list(WaitingMessage.objects.filter(session_request=request)),
        "is_waiting": request.status in SessionRequest.WAITING_STATUSES,
        "refund_offer": refund_offer_payment(request),
    }


def clock(seconds: int | float) -> str:
    seconds = max(0, int(seconds or 0))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _consultation_for(*, user: User, consultation_id: int) -> Any:
    from django.db.models import Q

    from mechmatch.dispatch.models import Consultation

    consultation = (
        Consultation.objects.filter(pk=consultation_id)
        .filter(Q(customer=user) | Q(mechanic__user=user))
        .select_related("mechanic", "request", "customer")
        .first()
    )
    if consultation is None:
        raise Http404("No such session")
    return consultation


def consultation_of_participant(*, user: User, consultation_id: int) -> Any:
    """The session if the user is its customer or its mechanic; a 404 for anyone else."""
    return _consultation_for(user=user, consultation_id=consultation_id)


def chat_messages(*, consultation: Any, after: int = 0) -> list:
    from mechmatch.journey.models import ChatMessage

    return list(ChatMessage.objects.filter(consultation=consultation, id__gt=after).select_related("sender"))


def chat_photo_visible(*, user: User, message_id: int) -> Any:
    """A chat photo for the session's two parties and operators; None for anyone else (404)."""
    from django.db.models import Q

    from mechmatch.journey.models import ChatMessage

    messages = ChatMessage.objects.filter(pk=message_id).exclude(photo="")
    if not user.is_operator:
        messages = messages.filter(Q(consultation__customer=user) | Q(consultation__mechanic__user=user))
    return messages.first()


def session_context(*, user: User, consultation_id: int) -> dict[str, Any]:
    """The shared session page: its customer and its mechanic see it; anyone else gets 404."""
    from mechmatch.journey.models import WaitingMessage
    from mechmatch.journey.session_length import session_deadline, session_extension_offer
    from mechmatch.payments.plans import plan_get

    consultation = _consultation_for(user=user, consultation_id=consultation_id)
    request = consultation.request
    plan = plan_get(request.plan_code or "")
    is_mechanic = consultation.mechanic.user_id == user.pk
    intake = Intake.objects.filter(session_request=request).first()
    specialty = ", ".join(consultation.mechanic.brand_specializations[:2])
    ice_servers = ice_servers_for(user=user, session_seconds=plan.minutes * 60 if plan else None)
    return {
        "consultation": consultation,
        "req": request,
        "mechanic": consultation.mechanic,
        "specialty": specialty,
        "plan": plan,
        "plan_seconds": plan.minutes * 60 if plan else None,
        "is_mechanic": is_mechanic,
        "is_customer": consultation.customer_id == user.pk,
        "chat_lines": chat_messages(consultation=consultation),
        "waiting_messages": list(WaitingMessage.objects.filter(session_request=request)),
        "is_favourite": (not is_mechanic) and is_favourite(user=user, mechanic_id=consultation.mechanic_id),
        "photos": list(intake.photos.all()) if intake is not None else [],
        "ice_servers": ice_servers,
        "ice_relay": ice_has_relay(ice_servers),
        "notes": session_notes_for(consultation=consultation),
        "duration_minutes": duration_minutes(consultation),
        "deadline": session_deadline(consultation),
        "extension_offer": session_extension_offer(consultation) if consultation.customer_id == user.pk else None,
    }


def completion_context(*, user: User, consultation_id: int) -> dict[str, Any]:
    from mechmatch.dispatch.models import Consultation
    from mechmatch.funnel.models import SatisfactionAnswer
    from mechmatch.journey.services import session_key_for
    from mechmatch.mechanics.models import Review

    consultation = (
        Consultation.objects.filter(pk=consultation_id, customer=user).select_related("mechanic", "request").first()
    )
    if consultation is None:
        raise Http404("No such session")
    review = Review.objects.filter(session_key=session_key_for(consultation)).first()
    return {
        "consultation": consultation,
        "req": consultation.request,
        "mechanic": consultation.mechanic,
        "duration_minutes": duration_minutes(consultation),
        "review": review,
        "is_favourite": is_favourite(user=user, mechanic_id=consultation.mechanic_id),
        "satisfaction": SatisfactionAnswer.objects.filter(consultation=consultation).first(),
        "notes": session_notes_for(consultation=consultation),
    }


def session_notes_for(*, consultation: Any) -> Any:
    from mechmatch.journey.models import SessionNotes

    return SessionNotes.objects.filter(consultation=consultation).first()


def duration_minutes(consultation: Any) -> int:
    from django.utils import timezone

    end = consultation.ended_at or timezone.now()
    return max(1, round((end - consultation.started_at).total_seconds() / 60))


def history_for(*, user: User) -> list:
    return consultation_history(user=user, limit=100)
