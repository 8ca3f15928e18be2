"""Explainable mechanic ranking: pure Python, no Django.

Every number that shapes a ranking lives in ScoringPolicy, so an A/B rollout or a routing
simulator can swap policies as plain data without touching the scoring code. Scores are
additive points; each factor's contribution is kept in `breakdown` so the customer, the
mechanic and an operator can all see why a match ranked where it did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from mechmatch.core.geo import haversine_km
from mechmatch.core.reasons import ReasonKey, reason_text
from mechmatch.core.taxonomy import SERVICE_BY_SLUG, SLUG_ORDER


@dataclass(frozen=True, slots=True)
class Candidate:
    """What scoring needs to know about one mechanic. Built by the matching selectors from a
    lean values_list row, or by a simulator from synthetic data."""

    id: int
    name: str = ""
    lat: float | None = None
    lon: float | None = None
    country: str = ""
    is_on_shift: bool = False
    last_seen_at: datetime | None = None
    rating: float = 0.0
    review_count: int = 0
    completed_sessions: int = 0
    avg_response_seconds: float | None = None
    years_experience: int = 0
    red_seal_certified: bool = False
    red_seal_verified: bool = False
    brands: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    specialist_tier: str = "general"  # 'general' | 'brand' | 'master'
    profile_completion: int = 0
    approved_at: datetime | None = None
    # Load and fairness hooks, fed by dispatch: sessions in progress and offers sent lately.
    active_sessions: int = 0
    recent_offers: int = 0


class RequestType(StrEnum):
    """What the customer asks for: any qualified mechanic, or a specialist for a brand. The one
    spelling of these values; the models' choices and the API's enums are built from it."""

    GENERAL = "general"
    BRAND_SPECIALIST = "brand_specialist"


@dataclass(frozen=True, slots=True)
class MatchCriteria:
    request_type: str = RequestType.GENERAL
    requested_brand: str | None = None  # canonical brand (core.brands.normalize_brand)
    keywords: tuple[str, ...] = ()  # taxonomy slugs
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    prefer_local: bool = True
    favourite_ids: frozenset[int] = frozenset()
    now: datetime | None = None

    @property
    def wants_specialist(self) -> bool:
        return self.request_type == RequestType.BRAND_SPECIALIST and bool(self.requested_brand)


@dataclass(frozen=True, slots=True)
class ScoringPolicy:
    """Every weight and threshold of the ranking. Points are roughly on a 0-100 scale."""

    name: str = "default-v1"

    # Availability: on shift now beats "was around a few minutes ago" beats offline.
    available_now: float = 20.0
    seen_recently: float = 6.0
    seen_recently_minutes: float = 15.0

    # Concern: each matched service slug; specialist services (brand tooling, EV) weigh more.
    concern_per_service: float = 9.0
    concern_per_specialist_service: float = 15.0
    concern_max: float = 30.0

    # Brand: a specialist of the requested brand. An explicit specialist request weighs far
    # more than a brand inferred from the vehicle's make on a general request.
    brand_specialist_request: float = 45.0
    brand_general_request: float = 10.0
    master_tier_bonus: float = 5.0

    # Experience with diminishing returns: max * (1 - exp(-years / scale)).
    experience_max: float = 10.0
    experience_scale_years: float = 8.0

    # Rating shrunk toward a prior: (C*m + n*r) / (C + n), then mapped floor..5 -> 0..max.
    rating_max: float = 15.0
    rating_prior_mean: float = 4.3
    rating_prior_weight: float = 20.0
    rating_floor: float = 3.0

    red_seal_verified: float = 6.0
    red_seal_claimed: float = 2.0

    profile_completion_max: float = 4.0

    # Completed sessions on a log scale, saturating at sessions_cap.
    sessions_max: float = 6.0
    sessions_cap: int = 500

    same_country: float = 4.0

    # Distance: max * exp(-km / scale). Strong and short when the customer prefers local
    # mechanics, weak and long when they do not (a remote session works from anywhere).
    distance_max_local: float = 40.0
    distance_scale_local_km: float = 20.0
    distance_max_remote: float = 5.0
    distance_scale_remote_km: float = 300.0
    local_radius_km: float = 20.0

    # Response time: max * 0.5 ** (seconds / half_life). Unknown response time scores nothing.
    response_max: float = 6.0
    response_half_life_seconds: float = 240.0

    favourite: float = 8.0

    # Load and fairness.
    active_session_penalty: float = 12.0
    recent_offer_penalty: float = 2.0
    recent_offer_penalty_max: float = 10.0
    new_mechanic_days: int = 30
    new_mechanic_max_sessions: int = 5
    new_mechanic_boost: float = 3.0

    def with_overrides(self, **overrides: Any) -> ScoringPolicy:
        """A variant policy (for an A/B arm or a simulation); unknown names raise TypeError."""
        return replace(self, **overrides)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoringPolicy:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


DEFAULT_POLICY = ScoringPolicy()


# --------------------------------------------------------------------------- reasons
# Every human reason is a (code, params) from core.reasons; the English text is rendered there.


def km_shown(km: float) -> int:
    """A distance as every page, message and reason shows it: whole km, half up, at least 1.
    The one rounding, so "within 20 km" and "20 km away" can never disagree."""
    return max(1, math.floor(km + 0.5))


def is_within_km(km: float | None, radius_km: float) -> bool:
    """The one boundary test: a distance is within the radius when the km shown for it is."""
    return km is not None and km_shown(km) <= radius_km


def _km_key(km: float) -> ReasonKey:
    if km < 1:
        return ("distance_under_1km", {})
    return ("distance_km", {"km": km_shown(km)})


def _response_key(seconds: float) -> ReasonKey:
    if seconds < 60:
        return ("responds_under_1min", {})
    return ("responds_in", {"minutes": round(seconds / 60)})


@dataclass(slots=True)
class ScoredMatch:
    mechanic_id: int
    score: float
    breakdown: dict[str, float]
    reasons: list[str]
    distance_km: float | None
    is_local: bool
    is_available: bool
    is_brand_specialist: bool
    is_new: bool
    is_favourite: bool
    candidate: Candidate = field(repr=False)
    # (code, params) for each entry of `reasons`, same order; see core.reasons.
    reason_keys: tuple[ReasonKey, ...] = ()


# --------------------------------------------------------------------------- factors


def bayesian_rating(rating: float, reviews: int, policy: ScoringPolicy = DEFAULT_POLICY) -> float:
    """Rating shrunk toward the prior mean: few reviews say little, many say a lot."""
    c, m = policy.rating_prior_weight, policy.rating_prior_mean
    n = max(0, reviews)
    return (c * m + n * rating) / (c + n) if (c + n) > 0 else m


def distance_points(km: float | None, prefer_local: bool, policy: ScoringPolicy = DEFAULT_POLICY) -> float:
    if km is None:
        return 0.0
    if prefer_local:
        return policy.distance_max_local * math.exp(-km / policy.distance_scale_local_km)
    return policy.distance_max_remote * math.exp(-km / policy.distance_scale_remote_km)


def is_new_mechanic(
    approved_at: datetime | None, completed_sessions: int, now: datetime, policy: ScoringPolicy = DEFAULT_POLICY
) -> bool:
    """New to the platform: approved under policy.new_mechanic_days ago, with fewer than
    policy.new_mechanic_max_sessions sessions. The one rule, for the ranking and for dispatch."""
    if approved_at is None:
        return False
    age_days = (now - approved_at).total_seconds() / 86400
    return age_days < policy.new_mechanic_days and completed_sessions < policy.new_mechanic_max_sessions


def score(
    candidate: Candidate, criteria: MatchCriteria, policy: ScoringPolicy = DEFAULT_POLICY, *, explain: bool = True
) -> ScoredMatch:
    """Score one candidate. explain=False skips the human reasons (same score, same breakdown
    values unrounded): ranking hundreds of candidates only needs words for the few shown."""
    now = criteria.now or datetime.now(UTC)
    b: dict[str, float] = {}
    # Reasons are collected as (priority, code, params) so the most persuasive come first in
    # summaries; only explained matches (the few shown) get them.
    reasons: list[tuple[int, str, dict[str, Any]]] = []

    # Availability.
    seen_recently = (
        candidate.last_seen_at is not None
        and (now - candidate.last_seen_at).total_seconds() <= policy.seen_recently_minutes * 60
    )
    if candidate.is_on_shift:
        b["availability"] = policy.available_now
        if explain:
            reasons.append((3, "available_now", {}))
    elif seen_recently:
        b["availability"] = policy.seen_recently
    else:
        b["availability"] = 0.0

    # Concern match.
    matched = sorted(set(criteria.keywords) & set(candidate.services), key=lambda s: SLUG_ORDER.get(s, 999))
    points = 0.0
    for slug in matched:
        service = SERVICE_BY_SLUG.get(slug)
        special = service is not None and service.needs_specialist
        points += policy.concern_per_specialist_service if special else policy.concern_per_service
    b["concern"] = min(points, policy.concern_max)
    if matched and explain:
        reasons.append((1, "experienced_with", {"services": list(matched[:2])}))

    # Brand specialisation.
    brand = criteria.requested_brand
    is_brand_specialist = bool(brand) and brand in candidate.brands
    if is_brand_specialist:
        base = policy.brand_specialist_request if criteria.wants_specialist else policy.brand_general_request
        master = candidate.specialist_tier == "master"
        b["brand"] = base + (policy.master_tier_bonus if master else 0.0)
        if explain:
            reasons.append((0, "brand_master" if master else "brand_specialist", {"brand": brand}))
    else:
        b["brand"] = 0.0

    # Experience, diminishing returns.
    years = max(0, candidate.years_experience)
    b["experience"] = policy.experience_max * (1 - math.exp(-years / policy.experience_scale_years))
    if years >= 10 and explain:
        reasons.append((6, "years_experience", {"years": years}))

    # Rating, shrunk toward the prior so a handful of 5-star reviews cannot top the list.
    shrunk = bayesian_rating(candidate.rating, candidate.review_count, policy)
    span = 5.0 - policy.rating_floor
    b["rating"] = policy.rating_max * min(1.0, max(0.0, (shrunk - policy.rating_floor) / span))
    if candidate.review_count > 0 and explain:
        reasons.append((4, "rating", {"rating": f"{candidate.rating:.1f}", "count": candidate.review_count}))

    # Red Seal: verified by operators counts more than a claim.
    if candidate.red_seal_verified:
        b["red_seal"] = policy.red_seal_verified
        if explain:
            reasons.append((5, "red_seal", {}))
    elif candidate.red_seal_certified:
        b["red_seal"] = policy.red_seal_claimed
    else:
        b["red_seal"] = 0.0

    b["profile"] = policy.profile_completion_max * min(100, max(0, candidate.profile_completion)) / 100

    sessions = max(0, candidate.completed_sessions)
    b["sessions"] = policy.sessions_max * min(1.0, math.log1p(sessions) / math.log1p(policy.sessions_cap))

    b["country"] = policy.same_country if criteria.country and candidate.country == criteria.country else 0.0

    # Distance from real kilometres, decaying continuously.
    distance: float | None = None
    if None not in (criteria.lat, criteria.lon, candidate.lat, candidate.lon):
        distance = haversine_km(criteria.lat, criteria.lon, candidate.lat, candidate.lon)  # type: ignore[arg-type]
    b["distance"] = distance_points(distance, criteria.prefer_local, policy)
    is_local = is_within_km(distance, policy.local_radius_km)
    if distance is not None and explain:
        reasons.append((2 if is_local else 7, *_km_key(distance)))

    # Response time.
    if candidate.avg_response_seconds is not None and candidate.avg_response_seconds >= 0:
        seconds = candidate.avg_response_seconds
        b["response"] = policy.response_max * 0.5 ** (seconds / policy.response_half_life_seconds)
        if seconds <= 300 and explain:
            reasons.append((4, *_response_key(seconds)))
    else:
        b["response"] = 0.0

    is_favourite = candidate.id in criteria.favourite_ids
    b["favourite"] = policy.favourite if is_favourite else 0.0
    if is_favourite and explain:
        reasons.append((-1, "favourite", {}))

    # Load and fairness: busy or recently-offered mechanics step back; newcomers get a nudge.
    b["load"] = -(
        policy.active_session_penalty * max(0, candidate.active_sessions)
        + min(policy.recent_offer_penalty_max, policy.recent_offer_penalty * max(0, candidate.recent_offers))
    )
    is_new = is_new_mechanic(candidate.approved_at, candidate.completed_sessions, now, policy)
    b["new"] = policy.new_mechanic_boost if is_new else 0.0
    if is_new and explain:
        reasons.append((8, "new_on_mechmatch", {}))

    total = round(sum(b.values()), 2)
    if explain:
        breakdown = {k: round(v, 2) for k, v in b.items()}
        keys = tuple((code, params) for _, code, params in sorted(reasons, key=lambda r: r[0]))
        ordered = [reason_text(code, params) for code, params in keys]
    else:
        breakdown, ordered, keys = b, [], ()
    return ScoredMatch(
        mechanic_id=candidate.id,
        score=total,
        breakdown=breakdown,
        reasons=ordered,
        distance_km=distance,
        is_local=is_local,
        is_available=candidate.is_on_shift,
        is_brand_specialist=is_brand_specialist,
        is_new=is_new,
        is_favourite=is_favourite,
        candidate=candidate,
        reason_keys=keys,
    )


def sort_key(match: ScoredMatch) -> tuple[float, float, int]:
    """Score desc, then nearer first, then lower id: identical inputs always rank identically."""
    distance = match.distance_km if match.distance_km is not None else math.inf
    return (-match.score, distance, match.mechanic_id)


def rank(
    candidates: Iterable[Candidate],
    criteria: MatchCriteria,
    policy: ScoringPolicy = DEFAULT_POLICY,
    *,
    explain: bool = True,
) -> list[ScoredMatch]:
    """Candidates best first. With explain=False, call explained() on the ones you show."""
    if criteria.now is None:
        # One clock for the whole ranking, so "seen recently" cannot flip mid-list.
        criteria = replace(criteria, now=datetime.now(UTC))
    return sorted((score(c, criteria, policy, explain=explain) for c in candidates), key=sort_key)


def explained(match: ScoredMatch, criteria: MatchCriteria, policy: ScoringPolicy = DEFAULT_POLICY) -> ScoredMatch:
    """The same match with reasons and a rounded breakdown (criteria.now must be the ranking's)."""
    return match if match.reasons else score(match.candidate, criteria, policy, explain=True)


def format_match_reasons(reasons: list[str]) -> str:
    """The plan's formatMatchReasons: at most two reasons and a count of the rest."""
    if not reasons:
        return "Available to help"
    if len(reasons) == 1:
        return reasons[0]
    if len(reasons) == 2:
        return f"{reasons[0]} · {reasons[1]}"
    return f"{reasons[0]} · {reasons[1]} · +{len(reasons) - 2} more"
