"""Writes for dispatch: creating and routing requests, offers and their outcomes, the
customer's fallback choices, and the dispatcher's tick.

Concurrency rules, so that any number of web and dispatcher processes agree:
- Every write that concerns a request takes that request's row lock first
  (`select_for_update` on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the
  database's single write lock). Locks are always taken request -> offers -> mechanic rows,
  so transactions never wait on each other in a cycle.
- The lock is not what guarantees correctness: every state change is a conditional UPDATE
  (`status=<expected>`, `version=<read>`, `expires_at > now`) whose affected-row count says
  whether this caller won, and the database constraints (one accepted offer per request, one
  active session per mechanic, one offer per mechanic per request, one active request per
  customer and vehicle) back them up.
- Timers are rows: `Offer.expires_at` and `SessionRequest.fallback_due_at`. The dispatcher
  handles one request per transaction, so killing it mid-run rolls back at most the step in
  flight, which the next run redoes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.core.concerns import extract_keywords
from mechmatch.core.geo import haversine_km
from mechmatch.customers.models import Favourite
from mechmatch.customers.services import customer_profile_for, vehicle_add, vehicle_clean
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Consultation, Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.selectors import (
    mechanic_available_qs,
    mechanic_is_new,
    mechanic_load_map,
    mechanic_open_offer_counts,
    request_owned_by,
    request_waiting_snapshot,
)
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_record
from mechmatch.geography.services import location_clean
from mechmatch.mechanics.models import Mechanic, Workshop

logger = logging.getLogger(__name__)

Status = SessionRequest.Status
Stage = SessionRequest.Stage
Routing = SessionRequest.RoutingType


class DispatchError(Exception):
    """A request the caller may not make in the current state; the API answers 409."""

    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DispatchError):
    status_code = 404


class Forbidden(DispatchError):
    status_code = 403


class _Stale(Exception):
    """Someone else changed the request between our read and our write: drop this step."""


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _lock_request(request_id: int) -> SessionRequest:
    try:
        return SessionRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
    except SessionRequest.DoesNotExist as exc:
        raise NotFound("Session request not found.") from exc


def _transition(
    request: SessionRequest,
    *,
    kind: str | None,
    to_status: str | None = None,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> None:
    """Move the request on with a conditional update on its version; record the event."""
    from_status = request.status
    values = dict(fields)
    if to_status is not None:
        values["status"] = to_status
    updated = SessionRequest.objects.filter(pk=request.pk, version=request.version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if updated != 1:
        raise _Stale(request.pk)
    request.version += 1
    for key, value in values.items():
        setattr(request, key, value)
    if kind:
        RequestEvent.objects.create(
            request=request,
            kind=kind,
            from_status=from_status,
            to_status=request.status,
            actor=actor if actor is not None and actor.is_authenticated else None,
            data=data or {},
        )


def _announce(request: SessionRequest, kind: str, now: datetime, **extra: Any) -> None:
    """Tell the customer's waiting room; the payload is the whole current snapshot, so a
    client that missed an event is still right after the next one."""
    payload = request_waiting_snapshot(request, now)
    payload.update(extra)
    events.publish(events.request_channel(request.pk), kind, payload)


def _tell_mechanic(offer: Offer, kind: str, **extra: Any) -> None:
    payload = {"offerId": offer.pk, "requestId": offer.request_id, "status": offer.status}
    payload.update(extra)
    events.publish(events.mechanic_channel(offer.mechanic_id), kind, payload)


def _fold_response_time(mechanic_id: int, seconds: float) -> None:
    """Running mean, computed by the database so concurrent updates do not lose samples."""
    Mechanic.objects.filter(pk=mechanic_id).update(
        avg_response_seconds=ExpressionWrapper(
            (Coalesce(F("avg_response_seconds"), Value(seconds)) * F("response_sample_count") + Value(seconds))
            / (F("response_sample_count") + Value(1.0)),
            output_field=FloatField(),
        ),
        response_sample_count=F("response_sample_count") + 1,
    )


def _customer_ref(request: SessionRequest) -> User:
    """The request's customer for funnel events without loading the row (only the id is used)."""
    return User(pk=request.customer_id)


def _distance(request: SessionRequest, mechanic: Mechanic) -> float | None:
    if None in (request.latitude, request.longitude, mechanic.latitude, mechanic.longitude):
        return None
    return round(haversine_km(request.latitude, request.longitude, mechanic.latitude, mechanic.longitude), 1)


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    mechanic_id: int
    score: float | None = None
    reasons: list[str] = field(default_factory=list)
    distance_km: float | None = None
    is_new: bool = False


def _match(request: SessionRequest, *, exclude: set[int] | tuple[int, ...] = (), limit: int = 10) -> list[_Candidate]:
    # Imported here: the matching engine is a separate app that depends on nothing of ours.
    from mechmatch.matching.services import match_for_request

    results = match_for_request(
        concern=request.concern,
        make=request.vehicle_make,
        model=request.vehicle_model,
        year=request.vehicle_year,
        request_type=request.request_type,
        requested_brand=request.requested_brand,
        country=request.country,
        city=request.city,
        postal_code=request.postal_code,
        region=request.region,
        prefer_local=request.prefer_local,
        customer_user=request.customer,
        exclude_mechanic_ids=tuple(exclude),
        limit=limit,
    )
    out = []
    for r in results:
        distance = getattr(r, "distance_km", None)
        out.append(
            _Candidate(
                mechanic_id=int(r.mechanic_id),
                score=round(float(r.score), 2) if getattr(r, "score", None) is not None else None,
                reasons=[str(x) for x in (getattr(r, "reasons", None) or [])],
                distance_km=round(float(distance), 1) if distance is not None else None,
                is_new=bool(getattr(r, "is_new", False)),
            )
        )
    return out


def _fair_pick(request: SessionRequest, candidates: list[_Candidate], *, limit: int, now: datetime) -> list[_Candidate]:
    """Keep the best `limit` candidates who can take the request now: available, not in a
    session, not already holding many open offers; new mechanics get at most their share of
    the places and carry a "New" label."""
    offered = set(request.offers.values_list("mechanic_id", flat=True))
    ids = [c.mechanic_id for c in candidates if c.mechanic_id not in offered]
    mechanics = {m.pk: m for m in mechanic_available_qs().filter(pk__in=ids)}
    load = mechanic_load_map(list(mechanics))
    open_counts = mechanic_open_offer_counts(list(mechanics))
    share = settings.NEW_MECHANIC_OFFER_SHARE
    new_cap = max(1, round(limit * share)) if share > 0 else 0
    picked: list[_Candidate] = []
    new_count = 0
    seen: set[int] = set()
    for c in candidates:
        mechanic = mechanics.get(c.mechanic_id)
        if mechanic is None or c.mechanic_id in seen:
            continue
        active_sessions, _recent = load.get(c.mechanic_id, (0, 0))
        if active_sessions:
            continue
        if open_counts.get(c.mechanic_id, 0) >= settings.MAX_OPEN_OFFERS_PER_MECHANIC:
            continue
        is_new = c.is_new or mechanic_is_new(mechanic, now)
        if is_new:
            if new_count >= new_cap:
                continue
            new_count += 1
            if "New" not in c.reasons:
                c.reasons = [*c.reasons, "New"]
        c.is_new = is_new
        if c.distance_km is None:
            c.distance_km = _distance(request, mechanic)
        seen.add(c.mechanic_id)
        picked.append(c)
        if len(picked) >= limit:
            break
    return picked


def _candidates_smart(request: SessionRequest, now: datetime) -> list[_Candidate]:
    size = settings.SMART_BROADCAST_SIZE
    offered = set(request.offers.values_list("mechanic_id", flat=True))
    return _fair_pick(request, _match(request, exclude=offered, limit=size * 3), limit=size, now=now)


def _candidates_wide(request: SessionRequest, now: datetime) -> list[_Candidate]:
    """Every available mechanic in the customer's country, best matches first, capped."""
    cap = settings.BROADCAST_CAP
    offered = set(request.offers.values_list("mechanic_id", flat=True))
    try:
        ranked = _match(request, exclude=offered, limit=cap)
    except Exception:  # noqa: BLE001 - a wide broadcast does not need ranking to go out
        logger.warning("matching failed for request %s; broadcasting unranked", request.pk, exc_info=True)
        ranked = []
    ranked_ids = {c.mechanic_id for c in ranked}
    rest = (
        mechanic_available_qs()
        .filter(country=request.country)
        .exclude(pk__in=offered | ranked_ids)
        .order_by("-last_seen_at", "id")
        .values_list("pk", flat=True)[: cap * 2]
    )
    candidates = ranked + [_Candidate(mechanic_id=pk, reasons=["Available now"]) for pk in rest]
    return _fair_pick(request, candidates, limit=cap, now=now)


def _candidates_workshop(request: SessionRequest, now: datetime) -> list[_Candidate]:
    ids = mechanic_available_qs().filter(workshop_id=request.workshop_id).values_list("pk", flat=True)
    candidates = [_Candidate(mechanic_id=pk, reasons=["From the customer's chosen workshop"]) for pk in ids]
    return _fair_pick(request, candidates, limit=settings.BROADCAST_CAP, now=now)


# --------------------------------------------------------------------------------------------
# Offers
# --------------------------------------------------------------------------------------------


def _offers_create(
    request: SessionRequest, candidates: list[_Candidate], *, kind: str, window: int, now: datetime
) -> list[Offer]:
    if not candidates:
        return []
    expires = now + timedelta(seconds=window)
    offers = [
        Offer(
            request=request,
            mechanic_id=c.mechanic_id,
            kind=kind,
            score=c.score,
            reasons=c.reasons,
            distance_km=c.distance_km,
            offered_at=now,
            expires_at=expires,
            notified_at=now,
        )
        for c in candidates
    ]
    # One insert; the (mechanic, request) constraint makes a repeat offer impossible.
    Offer.objects.bulk_create(offers)
    if any(o.pk is None for o in offers):  # backends without RETURNING: read the ids back
        by_mechanic = dict(
            Offer.objects.filter(request=request, mechanic_id__in=[c.mechanic_id for c in candidates]).values_list(
                "mechanic_id", "pk"
            )
        )
        for o in offers:
            o.pk = by_mechanic[o.mechanic_id]
    Mechanic.objects.filter(pk__in=sorted(c.mechanic_id for c in candidates)).update(
        offers_received=F("offers_received") + 1
    )
    RequestEvent.objects.create(
        request=request,
        kind="offers_sent",
        from_status=request.status,
        to_status=request.status,
        data={"kind": kind, "mechanicIds": [c.mechanic_id for c in candidates], "expiresAt": expires.isoformat()},
    )
    for offer in offers:
        _tell_mechanic(offer, "offer_new", offerKind=kind, expiresAt=expires.isoformat())
    return offers


def _offer_exclusive(request: SessionRequest, mechanic: Mechanic, now: datetime, reasons: list[str]) -> Offer:
    scored = next(
        (c for c in (request.match_scores or {}).get("candidates", []) if c.get("mechanicId") == mechanic.pk), None
    )
    candidate = _Candidate(
        mechanic_id=mechanic.pk,
        score=scored.get("score") if scored else None,
        reasons=[*reasons, *(scored.get("reasons", []) if scored else [])],
        distance_km=scored.get("distanceKm") if scored else _distance(request, mechanic),
    )
    if candidate.distance_km is None:
        candidate.distance_km = _distance(request, mechanic)
    return _offers_create(
        request, [candidate], kind=Offer.Kind.EXCLUSIVE, window=settings.OFFER_WINDOW_SECONDS, now=now
    )[0]


def _expire_due_offers(request: SessionRequest, now: datetime) -> list[Offer]:
    due = list(Offer.objects.filter(request=request, status=Offer.Status.OPEN, expires_at__lte=now))
    if not due:
        return []
    updated = Offer.objects.filter(pk__in=[o.pk for o in due], status=Offer.Status.OPEN, expires_at__lte=now).update(
        status=Offer.Status.EXPIRED
    )
    if updated != len(due):
        raise _Stale(request.pk)
    RequestEvent.objects.bulk_create(
        RequestEvent(
            request=request,
            kind="offer_expired",
            from_status=request.status,
            to_status=request.status,
            data={"offerId": o.pk, "mechanicId": o.mechanic_id, "kind": o.kind},
        )
        for o in due
    )
    for offer in due:
        offer.status = Offer.Status.EXPIRED
        event_record(
            FunnelEvent.Name.OFFER_LAPSED,
            request_id=request.pk,
            mechanic_id=offer.mechanic_id,
            kind=offer.kind,
            user=_customer_ref(request),
        )
        _tell_mechanic(offer, "offer_gone", reason="expired")
        if offer.kind == Offer.Kind.EXCLUSIVE:
            # A lapsed personal offer is the slowest possible answer: it counts at the
            # window's length. A lapsed broadcast does not (somebody else is usually faster).
            _fold_response_time(offer.mechanic_id, (offer.expires_at - offer.offered_at).total_seconds())
    return due


def _withdraw_open_offers(request: SessionRequest, *, reason: str, exclude_pk: int | None = None) -> list[Offer]:
    qs = Offer.objects.filter(request=request, status=Offer.Status.OPEN)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    gone = list(qs)
    if gone:
        new_status = Offer.Status.SUPERSEDED if reason == "taken" else Offer.Status.WITHDRAWN
        Offer.objects.filter(pk__in=[o.pk for o in gone], status=Offer.Status.OPEN).update(status=new_status)
        for offer in gone:
            offer.status = new_status
            _tell_mechanic(offer, "offer_gone", reason=reason)
    return gone


# --------------------------------------------------------------------------------------------
# Routing steps (request row locked by the caller)
# --------------------------------------------------------------------------------------------


def _next_due(request: SessionRequest) -> datetime | None:
    return (
        Offer.objects.filter(request=request, status=Offer.Status.OPEN)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )


def _route_exclusive(
    request: SessionRequest, mechanic: Mechanic, now: datetime, *, kind: str, actor: User | None = None
) -> None:
    reasons = (
        ["The customer chose you"] if request.routing_type == Routing.SELECTED else ["You are the customer's favourite"]
    )
    offer = _offer_exclusive(request, mechanic, now, reasons)
    _transition(
        request,
        kind=kind,
        to_status=Status.PENDING,
        stage=Stage.EXCLUSIVE,
        selected_mechanic=mechanic,
        fallback_due_at=offer.expires_at,
        actor=actor,
        data={"mechanicId": mechanic.pk, "offerId": offer.pk},
    )


def _route_broadcast(
    request: SessionRequest,
    now: datetime,
    *,
    stage: str,
    reason: str,
    fallback: bool,
    actor: User | None = None,
) -> bool:
    """Offer to a group; returns False when nobody could be offered."""
    if stage == Stage.SMART:
        candidates = _candidates_smart(request, now)
    elif stage == Stage.WORKSHOP:
        candidates = _candidates_workshop(request, now)
    else:
        candidates = _candidates_wide(request, now)
    offers = _offers_create(
        request, candidates, kind=Offer.Kind.BROADCAST, window=settings.BROADCAST_WINDOW_SECONDS, now=now
    )
    if not offers:
        return False
    _transition(
        request,
        kind="broadcast",
        to_status=Status.BROADCASTING,
        stage=stage,
        fallback_due_at=offers[0].expires_at,
        actor=actor,
        data={"stage": stage, "reason": reason, "offered": len(offers)},
    )
    if fallback:
        event_record(
            FunnelEvent.Name.FALLBACK_BROADCAST,
            user=_customer_ref(request),
            request_id=request.pk,
            stage=stage,
            reason=reason,
            offered=len(offers),
        )
    return True


def _route_expire(request: SessionRequest, now: datetime, *, reason: str) -> None:
    _transition(request, kind="no_mechanic", to_status=Status.EXPIRED, fallback_due_at=None, data={"reason": reason})


def _auto_match(request: SessionRequest, now: datetime, *, reason: str, actor: User | None = None) -> None:
    """Top matches first; if none can take it, everyone available; else no mechanic."""
    if _route_broadcast(request, now, stage=Stage.SMART, reason=reason, fallback=True, actor=actor):
        return
    if _route_broadcast(request, now, stage=Stage.WIDE, reason=reason, fallback=True, actor=actor):
        return
    _route_expire(request, now, reason="no_available_mechanic")


def _advance(request: SessionRequest, now: datetime) -> str:
    """The state machine's one step for a locked request: expire its due offers, then take
    the next fallback if the current stage is exhausted. Returns what happened."""
    lapsed = _expire_due_offers(request, now)
    request.lapsed_count = len(lapsed)
    if request.status not in SessionRequest.WAITING_STATUSES:
        if request.fallback_due_at is not None:
            _transition(request, kind=None, fallback_due_at=None)
        return "closed"

    if request.status == Status.AWAITING_CHOICE:
        if request.fallback_due_at is not None and request.fallback_due_at <= now:
            _auto_match(request, now, reason="no_choice")
            _announce(request, request.status, now)
            return "auto_match"
        return "lapsed" if lapsed else "idle"

    next_due = _next_due(request)
    if next_due is not None:
        if request.fallback_due_at != next_due:
            _transition(request, kind=None, fallback_due_at=next_due)
        if lapsed:
            _announce(request, "offer_expired", now)
        return "lapsed" if lapsed else "idle"

    # The current stage has no open offers left: fall back.
    outcome: str
    if request.stage == Stage.EXCLUSIVE:
        last = Offer.objects.filter(request=request, kind=Offer.Kind.EXCLUSIVE).order_by("-id").first()
        why = last.status if last else "expired"
        if request.routing_type == Routing.PRIORITY_BROADCAST:
            _auto_match(request, now, reason=f"favourite_{why}")
            outcome = "auto_match"
        else:
            _transition(
                request,
                kind="awaiting_choice",
                to_status=Status.AWAITING_CHOICE,
                fallback_due_at=now + timedelta(seconds=settings.FALLBACK_DELAY_SECONDS),
                data={"reason": why, "mechanicId": last.mechanic_id if last else None},
            )
            outcome = "awaiting_choice"
    elif request.stage == Stage.WORKSHOP:
        if request.routing_type == Routing.HYBRID and _route_broadcast(
            request, now, stage=Stage.WIDE, reason="workshop_lapsed", fallback=True
        ):
            outcome = "broadcast"
        else:
            _route_expire(request, now, reason="workshop_unavailable")
            outcome = "expired"
    elif request.stage == Stage.SMART:
        if _route_broadcast(request, now, stage=Stage.WIDE, reason="top_matches_lapsed", fallback=True):
            outcome = "broadcast"
        else:
            _route_expire(request, now, reason="no_available_mechanic")
            outcome = "expired"
    else:
        _route_expire(request, now, reason="no_available_mechanic")
        outcome = "expired"
    _announce(request, request.status, now)
    return outcome


# --------------------------------------------------------------------------------------------
# Creating a request
# --------------------------------------------------------------------------------------------


def _vehicle_key(*, year: int, make: str, model: str, vin: str) -> str:
    if vin:
        return f"vin:{vin.upper()}"
    return f"{year}|{make.lower()}|{' '.join(model.lower().split())}"[:120]


def _remap(exc: ValidationError, mapping: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({mapping.get(k, k): v for k, v in exc.message_dict.items()})


def request_create(
    *,
    user: User,
    concern: str,
    vehicle: dict[str, Any],
    routing_type: str = Routing.SMART_BROADCAST,
    request_type: str = "general",
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
    reload returns the customer's existing active request for the vehicle with created=False."""
    now = now or timezone.now()
    concern = (concern or "").strip()
    if len(concern) < 3:
        raise ValidationError({"concern": "Describe the problem in a few words."})
    if routing_type not in Routing.values:
        raise ValidationError({"routingType": f"Choose one of: {', '.join(Routing.values)}."})
    if request_type not in ("general", "brand_specialist"):
        raise ValidationError({"requestType": "Choose general or brand_specialist."})
    idempotency_key = (idempotency_key or "").strip()[:80]
    if idempotency_key:
        existing = SessionRequest.objects.filter(customer=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False

    try:
        clean_vehicle = vehicle_clean(
            year=vehicle.get("year"), make=vehicle.get("make", ""), model=vehicle.get("model", ""),
            vin=vehicle.get("vin") or "",
        )  # fmt: skip
    except ValidationError as exc:
        raise _remap(exc, {k: f"vehicle.{k}" for k in ("year", "make", "model", "vin")}) from exc
    key = _vehicle_key(**clean_vehicle)
    existing = SessionRequest.objects.filter(
        customer=user, vehicle_key=key, status__in=SessionRequest.ACTIVE_STATUSES
    ).first()
    if existing is not None:
        return existing, False

    try:
        location = location_clean(country=country, city=city, postal_code=postal_code, region=region)
    except ValidationError as exc:
        raise _remap(
            exc,
            {
                "country": "customerCountry",
                "city": "customerCity",
                "postal_code": "customerPostalCode",
                "region": "customerRegion",
            },
        ) from exc

    selected: Mechanic | None = None
    if routing_type in (Routing.SELECTED, Routing.PRIORITY_BROADCAST):
        if selected_mechanic_id is None and routing_type == Routing.PRIORITY_BROADCAST:
            profile = customer_profile_for(user)
            fav = Favourite.objects.filter(customer=profile).order_by("-created_at").first()
            selected_mechanic_id = fav.mechanic_id if fav else None
        if selected_mechanic_id is None:
            raise ValidationError({"selectedMechanicId": "Choose a mechanic for this routing type."})
        selected = Mechanic.objects.filter(pk=selected_mechanic_id).first()
        if selected is None or not selected.is_eligible:
            raise ValidationError({"selectedMechanicId": "That mechanic is not available on mechmatch."})
    workshop: Workshop | None = None
    if routing_type in (Routing.WORKSHOP_ONLY, Routing.HYBRID):
        workshop = Workshop.objects.filter(pk=workshop_id).first() if workshop_id else None
        if workshop is None:
            raise ValidationError({"workshopId": "Choose a workshop for this routing type."})

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
        or (clean_vehicle["make"] if request_type == "brand_specialist" else ""),
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
        "candidates": [
            {"mechanicId": c.mechanic_id, "score": c.score, "reasons": c.reasons, "distanceKm": c.distance_km}
            for c in candidates
        ],
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


# --------------------------------------------------------------------------------------------
# The mechanic answers
# --------------------------------------------------------------------------------------------

_OPEN_REQUEST_STATUSES = (Status.PENDING, Status.BROADCASTING)


def _why_not_open(offer_id: int, now: datetime) -> str:
    offer = Offer.objects.select_related("request").get(pk=offer_id)
    request = offer.request
    if offer.status == Offer.Status.ACCEPTED:
        return "You already accepted this offer."
    if offer.status == Offer.Status.SUPERSEDED or (
        request.assigned_mechanic_id is not None and request.assigned_mechanic_id != offer.mechanic_id
    ):
        return "Another mechanic already accepted this request."
    if request.status == Status.CANCELLED:
        return "The customer cancelled this request."
    if offer.status == Offer.Status.DECLINED:
        return "You declined this offer."
    if offer.status == Offer.Status.WITHDRAWN:
        return "This offer was withdrawn."
    if offer.status == Offer.Status.EXPIRED or offer.expires_at <= now:
        return "This offer expired."
    return "This request is no longer open."


def offer_accept(*, mechanic: Mechanic, offer_id: int, now: datetime | None = None) -> Consultation:
    """Accept an offer. Exactly one accept per request can win, whatever the concurrency:
    the offer flips open->accepted and the request unassigned->matched by conditional
    updates, and the database refuses a second accepted offer or a second active session."""
    now = now or timezone.now()
    offer = Offer.objects.filter(pk=offer_id, mechanic=mechanic).only("pk", "request_id", "offered_at").first()
    if offer is None:
        raise NotFound("Offer not found.")
    mechanic.refresh_from_db(fields=["application_status", "account_status"])
    if not mechanic.is_eligible:
        raise DispatchError("Your account cannot accept offers right now.")
    if Consultation.objects.filter(mechanic=mechanic, status=Consultation.Status.ACTIVE).exists():
        raise DispatchError("You already have an active session.")
    response_seconds = max(0.0, (now - offer.offered_at).total_seconds())
    try:
        with events.atomic_with_events():
            request = _lock_request(offer.request_id)
            won = Offer.objects.filter(
                pk=offer.pk,
                mechanic=mechanic,
                status=Offer.Status.OPEN,
                expires_at__gt=now,
                request__status__in=_OPEN_REQUEST_STATUSES,
            ).update(status=Offer.Status.ACCEPTED, responded_at=now, response_seconds=response_seconds)
            if won != 1:
                raise DispatchError(_why_not_open(offer.pk, now))
            claimed = SessionRequest.objects.filter(
                pk=request.pk, assigned_mechanic__isnull=True, status__in=_OPEN_REQUEST_STATUSES
            ).update(
                status=Status.MATCHED,
                assigned_mechanic=mechanic,
                matched_at=now,
                fallback_due_at=None,
                version=F("version") + 1,
                updated_at=now,
            )
            if claimed != 1:
                raise DispatchError("Another mechanic already accepted this request.")
            from_status = request.status
            request.refresh_from_db()
            # Inserted before touching the mechanic row: a concurrent accept by the same
            # mechanic then fails on the constraint instead of waiting on us in a cycle.
            consultation = Consultation.objects.create(
                request=request, mechanic=mechanic, customer=request.customer, started_at=now
            )
            superseded = _withdraw_open_offers(request, reason="taken", exclude_pk=offer.pk)
            Mechanic.objects.filter(pk=mechanic.pk).update(offers_accepted=F("offers_accepted") + 1)
            _fold_response_time(mechanic.pk, response_seconds)
            RequestEvent.objects.create(
                request=request,
                kind="accepted",
                from_status=from_status,
                to_status=Status.MATCHED,
                actor=mechanic.user,
                data={
                    "offerId": offer.pk,
                    "mechanicId": mechanic.pk,
                    "responseSeconds": round(response_seconds, 1),
                    "superseded": len(superseded),
                },
            )
            event_record(
                FunnelEvent.Name.OFFER_ACCEPTED,
                user=_customer_ref(request),
                request_id=request.pk,
                mechanic_id=mechanic.pk,
                response_seconds=round(response_seconds, 1),
                routing_type=request.routing_type,
            )
            event_record(
                FunnelEvent.Name.SESSION_STARTED,
                user=_customer_ref(request),
                request_id=request.pk,
                mechanic_id=mechanic.pk,
                consultation_id=consultation.pk,
            )
            accepted = Offer.objects.get(pk=offer.pk)
            _tell_mechanic(accepted, "offer_accepted", consultationId=consultation.pk)
            _announce(request, "matched", now, consultationId=consultation.pk)
    except IntegrityError as exc:
        text = str(exc)
        if "consultation_one_active" in text or ("consultation" in text and "mechanic_id" in text):
            raise DispatchError("You already have an active session.") from exc
        raise DispatchError("Another mechanic already accepted this request.") from exc
    return consultation


def offer_decline(*, mechanic: Mechanic, offer_id: int, reason: str = "", now: datetime | None = None) -> Offer:
    """Decline with an optional reason. A reasoned decline is a considered answer, not
    slowness, so only an unexplained decline feeds the response-time average."""
    now = now or timezone.now()
    reason = reason or ""
    if reason not in Offer.DeclineReason.values:
        raise ValidationError({"reason": "Choose not_my_brand, busy, too_far or other."})
    offer = Offer.objects.filter(pk=offer_id, mechanic=mechanic).only("pk", "request_id", "offered_at").first()
    if offer is None:
        raise NotFound("Offer not found.")
    response_seconds = max(0.0, (now - offer.offered_at).total_seconds())
    with events.atomic_with_events():
        request = _lock_request(offer.request_id)
        done = Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN, expires_at__gt=now).update(
            status=Offer.Status.DECLINED, responded_at=now, response_seconds=response_seconds, decline_reason=reason
        )
        if done != 1:
            raise DispatchError(_why_not_open(offer.pk, now))
        Mechanic.objects.filter(pk=mechanic.pk).update(offers_declined=F("offers_declined") + 1)
        if not reason:
            _fold_response_time(mechanic.pk, response_seconds)
        RequestEvent.objects.create(
            request=request,
            kind="offer_declined",
            from_status=request.status,
            to_status=request.status,
            actor=mechanic.user,
            data={"offerId": offer.pk, "mechanicId": mechanic.pk, "reason": reason},
        )
        declined = Offer.objects.get(pk=offer.pk)
        _tell_mechanic(declined, "offer_gone", reason="declined")
        outcome = _advance(request, now)
        if outcome in ("idle", "lapsed"):
            _announce(request, "offer_declined", now)
    return declined


# --------------------------------------------------------------------------------------------
# The customer decides
# --------------------------------------------------------------------------------------------

CHOICES = ("wait_longer", "pick_another", "auto_match", "schedule")


def request_choose(
    *, user: User, request_id: int, choice: str, mechanic_id: int | None = None, now: datetime | None = None
) -> SessionRequest:
    """The customer's answer when the chosen mechanic did not respond (or nobody could)."""
    now = now or timezone.now()
    if choice not in CHOICES:
        raise ValidationError({"choice": f"Choose one of: {', '.join(CHOICES)}."})
    if choice == "pick_another" and not mechanic_id:
        raise ValidationError({"mechanicId": "Choose the mechanic to ask instead."})
    if request_owned_by(user=user, request_id=request_id) is None:
        raise NotFound("Session request not found.")
    try:
        with events.atomic_with_events():
            request = _lock_request(request_id)
            if request.status not in (Status.AWAITING_CHOICE, Status.EXPIRED):
                raise DispatchError("This request is not waiting for your choice.")
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
                mechanic = mechanic_available_qs().filter(pk=mechanic_id).first()
                if mechanic is None:
                    raise ValidationError({"mechanicId": "That mechanic is not available right now."})
                if Offer.objects.filter(request=request, mechanic=mechanic).exists():
                    raise ValidationError({"mechanicId": "That mechanic has already had this request."})
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
        raise DispatchError("You already have another active request for this vehicle.") from exc
    except _Stale as exc:
        raise DispatchError("The request changed while you were choosing; please try again.") from exc
    return request


def _choose_wait_longer(request: SessionRequest, now: datetime, *, actor: User) -> None:
    offer = (
        Offer.objects.filter(request=request, kind=Offer.Kind.EXCLUSIVE, mechanic_id=request.selected_mechanic_id)
        .select_related("mechanic")
        .first()
    )
    if offer is None or offer.status != Offer.Status.EXPIRED:
        if offer is not None and offer.status == Offer.Status.DECLINED:
            raise DispatchError("That mechanic declined this request; pick another or be matched automatically.")
        raise DispatchError("There is no offer to extend; pick another mechanic or be matched automatically.")
    if not (offer.mechanic.is_eligible and offer.mechanic.is_on_shift):
        raise DispatchError("That mechanic is no longer on shift; pick another or be matched automatically.")
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
            raise DispatchError("A mechanic has already joined; end the session instead.")
        _withdraw_open_offers(request, reason="cancelled")
        _transition(request, kind="cancelled", to_status=Status.CANCELLED, fallback_due_at=None, actor=user)
        _announce(request, "cancelled", now)
    return request


# --------------------------------------------------------------------------------------------
# Shift, session end
# --------------------------------------------------------------------------------------------


def mechanic_shift_set(*, mechanic: Mechanic, online: bool, now: datetime | None = None) -> dict[str, Any]:
    """Go on or off shift. Going off withdraws the mechanic's open offers (each request then
    moves to its fallback at once instead of waiting for the window)."""
    now = now or timezone.now()
    mechanic.refresh_from_db(fields=["application_status", "account_status", "is_on_shift"])
    if online and not mechanic.is_eligible:
        raise Forbidden("Only approved, active mechanics can go on shift.")
    Mechanic.objects.filter(pk=mechanic.pk).update(is_on_shift=online, last_seen_at=now)
    mechanic.is_on_shift = online
    withdrawn = 0 if online else _withdraw_offers_of_mechanic(mechanic.pk, reason="off_shift", now=now)
    events.publish(events.mechanic_channel(mechanic.pk), "shift", {"online": online, "withdrawn": withdrawn})
    return {"online": online, "withdrawnOffers": withdrawn}


def _withdraw_offers_of_mechanic(mechanic_id: int, *, reason: str, now: datetime) -> int:
    count = 0
    for offer_id, request_id in Offer.objects.filter(mechanic_id=mechanic_id, status=Offer.Status.OPEN).values_list(
        "pk", "request_id"
    ):
        try:
            with events.atomic_with_events():
                request = _lock_request(request_id)
                if not Offer.objects.filter(pk=offer_id, status=Offer.Status.OPEN).update(
                    status=Offer.Status.WITHDRAWN
                ):
                    continue
                offer = Offer.objects.get(pk=offer_id)
                RequestEvent.objects.create(
                    request=request,
                    kind="offer_withdrawn",
                    from_status=request.status,
                    to_status=request.status,
                    data={"offerId": offer_id, "mechanicId": mechanic_id, "reason": reason},
                )
                _tell_mechanic(offer, "offer_gone", reason=reason)
                if _advance(request, now) in ("idle", "lapsed"):
                    _announce(request, "offer_withdrawn", now)
                count += 1
        except _Stale:
            continue
    return count


def consultation_end(*, user: User, consultation_id: int, notes: str = "", now: datetime | None = None) -> Consultation:
    now = now or timezone.now()
    consultation = Consultation.objects.filter(pk=consultation_id).select_related("mechanic").first()
    if consultation is None or not (
        user.is_operator or consultation.customer_id == user.pk or consultation.mechanic.user_id == user.pk
    ):
        raise NotFound("Session not found.")
    with events.atomic_with_events():
        request = _lock_request(consultation.request_id)
        ended = Consultation.objects.filter(pk=consultation.pk, status=Consultation.Status.ACTIVE).update(
            status=Consultation.Status.ENDED, ended_at=now, notes=(notes or consultation.notes)[:4000]
        )
        if ended != 1:
            raise DispatchError("This session has already ended.")
        Mechanic.objects.filter(pk=consultation.mechanic_id).update(completed_sessions=F("completed_sessions") + 1)
        _transition(request, kind="completed", to_status=Status.COMPLETED, actor=user)
        event_record(
            FunnelEvent.Name.SESSION_COMPLETED,
            user=_customer_ref(request),
            request_id=request.pk,
            mechanic_id=consultation.mechanic_id,
            seconds=round((now - consultation.started_at).total_seconds()),
        )
        events.publish(
            events.mechanic_channel(consultation.mechanic_id), "session_ended", {"consultationId": consultation.pk}
        )
        _announce(request, "completed", now, consultationId=consultation.pk)
    consultation.refresh_from_db()
    return consultation


# --------------------------------------------------------------------------------------------
# The dispatcher
# --------------------------------------------------------------------------------------------


@dataclass
class TickResult:
    steps: int = 0
    offers_expired: int = 0
    fallbacks: int = 0
    withdrawn: int = 0
    errors: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def _claim_due_request(now: datetime) -> SessionRequest | None:
    qs = SessionRequest.objects.filter(status__in=SessionRequest.WAITING_STATUSES, fallback_due_at__lte=now).order_by(
        "fallback_due_at", "id"
    )
    if connection.vendor == "postgresql":
        # Another dispatcher's row is skipped, not waited on: N dispatchers share the work.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.first()


def _sweep(now: datetime) -> int:
    """Self-healing: a due open offer whose request's timer says "later" pulls the timer in,
    and open offers to mechanics who may no longer receive them are withdrawn."""
    SessionRequest.objects.filter(
        status__in=SessionRequest.WAITING_STATUSES,
        offers__status=Offer.Status.OPEN,
        offers__expires_at__lte=now,
    ).filter(Q(fallback_due_at__isnull=True) | Q(fallback_due_at__gt=now)).update(fallback_due_at=now)
    stale = (
        Offer.objects.filter(status=Offer.Status.OPEN)
        .exclude(mechanic__in=mechanic_available_qs())
        .values_list("mechanic_id", flat=True)
        .distinct()
    )
    withdrawn = 0
    for mechanic_id in list(stale):
        withdrawn += _withdraw_offers_of_mechanic(mechanic_id, reason="unavailable", now=now)
    return withdrawn


def _is_retryable(exc: Exception) -> bool:
    text = str(exc).lower()
    return "deadlock" in text or "locked" in text or "could not serialize" in text


def dispatch_tick(*, batch: int | None = None, now: datetime | None = None, sweep: bool = True) -> TickResult:
    """Process up to `batch` due requests, one transaction each. Safe to run in any number
    of processes at once: a row another dispatcher holds is skipped (PostgreSQL) or waited
    for (SQLite's single writer), and every transition is conditional, so each fallback
    happens exactly once."""
    batch = batch or settings.DISPATCH_BATCH
    result = TickResult()
    fixed_now = now
    if sweep:
        result.withdrawn = _sweep(fixed_now or timezone.now())
    for _ in range(batch):
        step_now = fixed_now or timezone.now()
        outcome: str | None = None
        expired_before = 0
        for attempt in range(3):
            try:
                with events.atomic_with_events():
                    request = _claim_due_request(step_now)
                    if request is None:
                        break
                    outcome = _advance(request, step_now)
                    expired_before = request.lapsed_count
                    if request.status in SessionRequest.WAITING_STATUSES and (
                        request.fallback_due_at is None or request.fallback_due_at <= step_now
                    ):
                        # Never leave a due timer behind: it would spin the loop.
                        _transition(request, kind=None, fallback_due_at=_next_due(request) or None)
                        if request.fallback_due_at is not None and request.fallback_due_at <= step_now:
                            _transition(request, kind=None, fallback_due_at=step_now + timedelta(seconds=5))
                break
            except _Stale:
                outcome = "stale"
                break
            except OperationalError as exc:
                if attempt < 2 and _is_retryable(exc):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
            except Exception:  # noqa: BLE001 - one bad row must not stop the dispatcher
                logger.exception("dispatch step failed; backing off that request")
                result.errors += 1
                outcome = "error"
                _backoff(step_now)
                break
        if outcome is None:
            break
        result.steps += 1
        result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
        if outcome not in ("stale", "error"):
            result.offers_expired += expired_before
        if outcome in ("awaiting_choice", "auto_match", "broadcast", "expired"):
            result.fallbacks += 1
    return result


def _backoff(now: datetime) -> None:
    """Push the first due request 30 s forward so a poison row cannot block the queue."""
    with transaction.atomic():
        request = _claim_due_request(now)
        if request is not None:
            SessionRequest.objects.filter(pk=request.pk).update(fallback_due_at=now + timedelta(seconds=30))
