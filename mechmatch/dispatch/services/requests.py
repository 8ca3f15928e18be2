"""The customer's writes: creating and routing a request, choosing a fallback, cancelling."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.core.concerns import extract_keywords
from mechmatch.customers.models import Favourite
from mechmatch.customers.services import customer_profile_for, vehicle_add, vehicle_clean
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.selectors import mechanic_available_qs, request_owned_by
from mechmatch.dispatch.services.candidates import _Candidate, _match
from mechmatch.dispatch.services.common import (
    DispatchError,
    NotFound,
    Routing,
    Stage,
    Status,
    _announce,
    _customer_ref,
    _lock_request,
    _Stale,
    _tell_mechanic,
    _transition,
)
from mechmatch.dispatch.services.notices import notice_window_extended
from mechmatch.dispatch.services.offers import _withdraw_open_offers
from mechmatch.dispatch.services.routing import _auto_match, _route_broadcast, _route_exclusive, _route_expire
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_record
from mechmatch.geography.services import location_clean
from mechmatch.mechanics.models import Mechanic, Workshop

logger = logging.getLogger(__name__)

RequestType = SessionRequest.RequestType


def _vehicle_key(*, year: int, make: str, model: str, vin: str) -> str:
    if vin:
        return f"vin:{vin.upper()}"
    return f"{year}|{make.lower()}|{' '.join(model.lower().split())}"[:120]


def request_vehicle_key(vehicle: dict[str, Any]) -> str:
    """The key a request's vehicle is known by (one active request per customer and key)."""
    clean = vehicle_clean(
        year=vehicle.get("year"), make=vehicle.get("make", ""), model=vehicle.get("model", ""),
        vin=vehicle.get("vin") or "",
    )  # fmt: skip
    return _vehicle_key(**clean)


# Characters a concern has at least, once trimmed ("ABS" is a concern; "?" is not).
MIN_CONCERN_LENGTH = 3


def request_create(
    *,
    user: User,
    concern: str,
    vehicle: dict[str, Any],
    routing_type: str = Routing.SMART_BROADCAST,
    request_type: str = RequestType.GENERAL,
    requested_brand: str = "",
    country: str = "CA",
    city: str = "",
    postal_code: str = "",
    region: str = "",
    prefer_local: bool = True,
    selected_mechanic_id: int | None = None,
    plan_code: str = "",
    workshop_id: int | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> tuple[SessionRequest, bool]:
    """Create and route a session request. Returns (request, created); a double submit or a
    reload returns the customer's existing active request for the vehicle with created=False.
    Errors name the arguments at fault (`routing_type`, `selected_mechanic_id`; the vehicle's
    and location's own fields, `year` or `postal_code`)."""
    now = now or timezone.now()
    concern = (concern or "").strip()
    if len(concern) < MIN_CONCERN_LENGTH:
        raise ValidationError({"concern": _("Describe the problem in a few words.")})
    if routing_type not in Routing.values:
        raise ValidationError({"routing_type": f"Choose one of: {', '.join(Routing.values)}."})
    if request_type not in RequestType.values:
        raise ValidationError({"request_type": f"Choose {' or '.join(RequestType.values)}."})
    idempotency_key = (idempotency_key or "").strip()[:80]
    if idempotency_key:
        existing = SessionRequest.objects.filter(customer=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False

    clean_vehicle = vehicle_clean(
        year=vehicle.get("year"), make=vehicle.get("make", ""), model=vehicle.get("model", ""),
        vin=vehicle.get("vin") or "",
    )  # fmt: skip
    key = _vehicle_key(**clean_vehicle)
    existing = SessionRequest.objects.filter(
        customer=user, vehicle_key=key, status__in=SessionRequest.ACTIVE_STATUSES
    ).first()
    if existing is not None:
        return existing, False

    location = location_clean(country=country, city=city, postal_code=postal_code, region=region)

    selected: Mechanic | None = None
    if routing_type in (Routing.SELECTED, Routing.PRIORITY_BROADCAST):
        if selected_mechanic_id is None and routing_type == Routing.PRIORITY_BROADCAST:
            profile = customer_profile_for(user)
            fav = Favourite.objects.filter(customer=profile).order_by("-created_at").first()
            selected_mechanic_id = fav.mechanic_id if fav else None
        if selected_mechanic_id is None:
            raise ValidationError({"selected_mechanic_id": _("Choose a mechanic for this routing type.")})
        selected = Mechanic.objects.filter(pk=selected_mechanic_id).first()
        if selected is None or not selected.is_eligible:
            raise ValidationError({"selected_mechanic_id": _("That mechanic is not available on mechmatch.")})
    workshop: Workshop | None = None
    if routing_type in (Routing.WORKSHOP_ONLY, Routing.HYBRID):
        workshop = Workshop.objects.filter(pk=workshop_id).first() if workshop_id else None
        if workshop is None:
            raise ValidationError({"workshop_id": _("Choose a workshop for this routing type.")})

    profile = customer_profile_for(user)
    vehicle_row = vehicle_add(customer=profile, **clean_vehicle)
    request = SessionRequest(
        customer=user,
        vehicle=vehicle_row,
        vehicle_year=clean_vehicle["year"],
        vehicle_make=clean_vehicle["make"],
        vehicle_model=clean_vehicle["model"],
        vehicle_vin=clean_vehicle["vin"],
        vehicle_key=key,
        concern=concern[:4000],
        keywords=extract_keywords(concern),
        request_type=request_type,
        requested_brand=(requested_brand or "").strip()[:40]
        or (clean_vehicle["make"] if request_type == RequestType.BRAND_SPECIALIST else ""),
        plan_code=(plan_code or "")[:40],
        country=location["country"],
        region=location["region"],
        city=location["city"],
        postal_code=location["postal_code"],
        latitude=location["latitude"],
        longitude=location["longitude"],
        prefer_local=bool(prefer_local),
        routing_type=routing_type,
        selected_mechanic=selected,
        workshop=workshop,
        status=Status.PENDING,
        idempotency_key=idempotency_key,
    )
    # Matching reads only; run it before taking any write lock.
    candidates: list[_Candidate] = []
    try:
        candidates = _match(request, limit=settings.SMART_BROADCAST_SIZE * 2)
    except Exception:
        if routing_type == Routing.SMART_BROADCAST:
            raise
        logger.warning("matching failed while creating a %s request", routing_type, exc_info=True)
    request.match_scores = {
        "routedAt": now.isoformat(),
        "candidates": [c.as_match_score() for c in candidates],
    }

    try:
        with events.atomic_with_events():
            request.save()
            RequestEvent.objects.create(
                request=request, kind="created", to_status=request.status, actor=user, data={"routing": routing_type}
            )
            event_record(
                FunnelEvent.Name.REQUEST_CREATED,
                user=user,
                request_id=request.pk,
                mechanic_id=selected.pk if selected else None,
                routing_type=routing_type,
                plan_code=request.plan_code,
            )
            _route_initial(request, selected, now, actor=user)
            _announce(request, "created", now)
    except IntegrityError:
        # A concurrent submit for the same vehicle (or idempotency key) won the insert.
        found = None
        if idempotency_key:
            found = SessionRequest.objects.filter(customer=user, idempotency_key=idempotency_key).first()
        if found is None:
            found = SessionRequest.objects.filter(
                customer=user, vehicle_key=key, status__in=SessionRequest.ACTIVE_STATUSES
            ).first()
        if found is None:
            raise
        return found, False
    return request, True


def _route_initial(request: SessionRequest, selected: Mechanic | None, now: datetime, actor: User) -> None:
    routing = request.routing_type
    if routing in (Routing.SELECTED, Routing.PRIORITY_BROADCAST):
        assert selected is not None
        if selected.is_on_shift and selected.is_eligible:
            _route_exclusive(request, selected, now, kind="exclusive_offer", actor=actor)
        elif routing == Routing.PRIORITY_BROADCAST:
            _auto_match(request, now, reason="favourite_offline", actor=actor)
        else:
            # The chosen mechanic went off shift since the preview: ask the customer now.
            _transition(
                request,
                kind="awaiting_choice",
                to_status=Status.AWAITING_CHOICE,
                stage=Stage.EXCLUSIVE,
                fallback_due_at=now + timedelta(seconds=settings.FALLBACK_DELAY_SECONDS),
                data={"reason": "offline", "mechanicId": selected.pk},
            )
        return
    if routing == Routing.SMART_BROADCAST:
        _auto_match(request, now, reason="initial", actor=actor)
        return
    if routing == Routing.BROADCAST:
        if not _route_broadcast(request, now, stage=Stage.WIDE, reason="initial", fallback=False, actor=actor):
            _route_expire(request, now, reason="no_available_mechanic")
        return
    # workshop_only / hybrid
    if _route_broadcast(request, now, stage=Stage.WORKSHOP, reason="initial", fallback=False, actor=actor):
        return
    if routing == Routing.HYBRID and _route_broadcast(
        request, now, stage=Stage.WIDE, reason="workshop_unavailable", fallback=True, actor=actor
    ):
        return
    _route_expire(request, now, reason="workshop_unavailable")


CHOICES = ("wait_longer", "pick_another", "auto_match", "schedule")


def request_choose(
    *, user: User, request_id: int, choice: str, mechanic_id: int | None = None, now: datetime | None = None
) -> SessionRequest:
    """The customer's answer when the chosen mechanic did not respond (or nobody could)."""
    now = now or timezone.now()
    if choice not in CHOICES:
        raise ValidationError({"choice": f"Choose one of: {', '.join(CHOICES)}."})
    if choice == "pick_another" and not mechanic_id:
        raise ValidationError({"mechanic_id": _("Choose the mechanic to ask instead.")})
    if request_owned_by(user=user, request_id=request_id) is None:
        raise NotFound("Session request not found.")
    try:
        with events.atomic_with_events():
            request = _lock_request(request_id)
            if request.status not in (Status.AWAITING_CHOICE, Status.EXPIRED):
                raise DispatchError(_("This request is not waiting for your choice."))
            event_record(
                FunnelEvent.Name.FALLBACK_CHOSEN,
                user=_customer_ref(request),
                request_id=request.pk,
                mechanic_id=mechanic_id,
                choice=choice,
                from_status=request.status,
            )
            if choice == "wait_longer":
                _choose_wait_longer(request, now, actor=user)
            elif choice == "pick_another":
                mechanic = mechanic_available_qs().filter(pk=mechanic_id).first() if mechanic_id else None
                if mechanic is None:
                    raise ValidationError({"mechanic_id": _("That mechanic is not available right now.")})
                if Offer.objects.filter(request=request, mechanic=mechanic).exists():
                    raise ValidationError({"mechanic_id": _("That mechanic has already had this request.")})
                request.routing_type = Routing.SELECTED
                SessionRequest.objects.filter(pk=request.pk).update(routing_type=Routing.SELECTED)
                _route_exclusive(request, mechanic, now, kind="picked_another", actor=user)
            elif choice == "auto_match":
                _auto_match(request, now, reason="customer_choice", actor=user)
            else:
                _withdraw_open_offers(request, reason="scheduled")
                _transition(request, kind="scheduled", to_status=Status.SCHEDULED, fallback_due_at=None, actor=user)
            _announce(request, request.status, now, choice=choice)
    except IntegrityError as exc:
        raise DispatchError(_("You already have another active request for this vehicle.")) from exc
    except _Stale as exc:
        raise DispatchError(_("The request changed while you were choosing; please try again.")) from exc
    return request


def _choose_wait_longer(request: SessionRequest, now: datetime, *, actor: User) -> None:
    chosen_id = request.selected_mechanic_id
    offer = (
        Offer.objects.filter(request=request, kind=Offer.Kind.EXCLUSIVE, mechanic_id=chosen_id)
        .select_related("mechanic")
        .first()
        if chosen_id is not None
        else None
    )
    if offer is None or offer.status != Offer.Status.EXPIRED:
        if offer is not None and offer.status == Offer.Status.DECLINED:
            raise DispatchError(_("That mechanic declined this request; pick another or be matched automatically."))
        raise DispatchError(_("There is no offer to extend; pick another mechanic or be matched automatically."))
    if not (offer.mechanic.is_eligible and offer.mechanic.is_on_shift):
        raise DispatchError(_("That mechanic is no longer on shift; pick another or be matched automatically."))
    expires = now + timedelta(seconds=settings.EXTEND_WINDOW_SECONDS)
    # The same offer row is re-opened (one offer per mechanic and request); notified_at is
    # kept, and the mechanic hears "extended", never a second "new offer".
    reopened = Offer.objects.filter(pk=offer.pk, status=Offer.Status.EXPIRED).update(
        status=Offer.Status.OPEN, expires_at=expires, extended_count=F("extended_count") + 1
    )
    if reopened != 1:
        raise _Stale(request.pk)
    offer.refresh_from_db()
    _tell_mechanic(offer, "offer_extended", expiresAt=expires.isoformat())
    notice_window_extended(offer, request, now)
    _transition(
        request,
        kind="wait_longer",
        to_status=Status.PENDING,
        stage=Stage.EXCLUSIVE,
        fallback_due_at=expires,
        actor=actor,
        data={"offerId": offer.pk, "expiresAt": expires.isoformat()},
    )


def request_cancel(*, user: User, request_id: int, now: datetime | None = None) -> SessionRequest:
    now = now or timezone.now()
    if request_owned_by(user=user, request_id=request_id) is None:
        raise NotFound("Session request not found.")
    with events.atomic_with_events():
        request = _lock_request(request_id)
        if request.status == Status.CANCELLED:
            return request
        if request.status not in (*SessionRequest.WAITING_STATUSES, Status.SCHEDULED, Status.EXPIRED):
            raise DispatchError(_("A mechanic has already joined; end the session instead."))
        _withdraw_open_offers(request, reason="cancelled")
        _transition(request, kind="cancelled", to_status=Status.CANCELLED, fallback_due_at=None, actor=user)
        _announce(request, "cancelled", now)
    return request
