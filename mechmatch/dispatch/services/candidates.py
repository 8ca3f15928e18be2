"""Who may be offered a request: ranked matches, fairly picked among mechanics who can
take it now."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from mechmatch.core.reasons import ReasonKey, reasons_from_json, reasons_to_json
from mechmatch.dispatch.models import SessionRequest
from mechmatch.dispatch.selectors import mechanic_available_qs, mechanic_load_map, mechanic_open_offer_counts
from mechmatch.dispatch.services.common import _distance
from mechmatch.matching.selectors import mechanic_is_new
from mechmatch.matching.services import MatchQuery, match_for_request

logger = logging.getLogger(__name__)


@dataclass
class _Candidate:
    mechanic_id: int
    score: float | None = None
    reasons: list[ReasonKey] = field(default_factory=list)
    distance_km: float | None = None
    is_new: bool = False

    def as_match_score(self) -> dict[str, Any]:
        """This candidate as the request's match_scores keeps it."""
        return {
            "mechanicId": self.mechanic_id,
            "score": self.score,
            "reasonCodes": reasons_to_json(self.reasons),
            "distanceKm": self.distance_km,
        }

    @classmethod
    def from_match_score(cls, row: dict[str, Any]) -> _Candidate:
        return cls(
            mechanic_id=row["mechanicId"],
            score=row.get("score"),
            reasons=reasons_from_json(row.get("reasonCodes", [])),
            distance_km=row.get("distanceKm"),
        )


def _match(request: SessionRequest, *, exclude: set[int] | tuple[int, ...] = (), limit: int = 10) -> list[_Candidate]:
    query = MatchQuery(
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
    )
    results = match_for_request(query, customer_user=request.customer, exclude_mechanic_ids=tuple(exclude), limit=limit)
    return [
        _Candidate(
            mechanic_id=r.mechanic_id,
            score=round(r.score, 2),
            reasons=list(r.reason_keys),
            distance_km=round(r.distance_km, 1) if r.distance_km is not None else None,
            is_new=r.is_new,
        )
        for r in results
    ]


def _fair_pick(request: SessionRequest, candidates: list[_Candidate], *, limit: int, now: datetime) -> list[_Candidate]:
    """Keep the best `limit` candidates who can take the request now: available, not in a
    session, not already holding many open offers; new mechanics get at most their share of
    the places and carry the "new" reason."""
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
            if ("new", {}) not in c.reasons:
                c.reasons = [*c.reasons, ("new", {})]
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
    candidates = ranked + [_Candidate(mechanic_id=pk, reasons=[("available_now", {})]) for pk in rest]
    return _fair_pick(request, candidates, limit=cap, now=now)


def _candidates_workshop(request: SessionRequest, now: datetime) -> list[_Candidate]:
    if request.workshop_id is None:  # never at creation (a workshop is required); nobody is from no workshop
        return []
    ids = mechanic_available_qs().filter(workshop_id=request.workshop_id).values_list("pk", flat=True)
    candidates = [_Candidate(mechanic_id=pk, reasons=[("chosen_workshop", {})]) for pk in ids]
    return _fair_pick(request, candidates, limit=settings.BROADCAST_CAP, now=now)
