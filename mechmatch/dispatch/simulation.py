"""The routing simulator's wiring to this deployment: the dispatch rules from settings and
the matching search policy (copied, never retyped), the scoring policy with overrides, and
the demo city's brand mix from the demo seeder. The simulation itself is pure Python in
mechmatch/core/simulation."""

from __future__ import annotations

import math

import h3
from django.conf import settings

from mechmatch.core.ranking import ScoringPolicy
from mechmatch.core.scoring_overrides import OverrideError, overrides_from_text
from mechmatch.core.simulation import POLICIES, DispatchRules, SearchStep
from mechmatch.core.simulation.engine import DRAIN_SECONDS
from mechmatch.core.simulation.model import Shift, SimMechanic
from mechmatch.dispatch.models import SessionRequest
from mechmatch.matching.selectors import DEFAULT_SEARCH, SearchPolicy, mechanic_candidates_by_ids, scoring_policy
from mechmatch.mechanics.models import Mechanic


def _step(resolution: int, k: int) -> SearchStep:
    """An H3 disk as a circle of the same area: on average it holds the same mechanics."""
    area = (3 * k * k + 3 * k + 1) * h3.average_hexagon_area(resolution, "km^2")
    return SearchStep(radius_km=math.sqrt(area / math.pi), area_km2=area)


def dispatch_rules(search: SearchPolicy = DEFAULT_SEARCH) -> DispatchRules:
    if set(POLICIES) != set(SessionRequest.RoutingType.values):
        raise RuntimeError("the simulator's routing types no longer match SessionRequest.RoutingType")
    return DispatchRules(
        offer_window_seconds=settings.OFFER_WINDOW_SECONDS,
        fallback_delay_seconds=settings.FALLBACK_DELAY_SECONDS,
        broadcast_window_seconds=settings.BROADCAST_WINDOW_SECONDS,
        smart_broadcast_size=settings.SMART_BROADCAST_SIZE,
        broadcast_cap=settings.BROADCAST_CAP,
        max_open_offers_per_mechanic=settings.MAX_OPEN_OFFERS_PER_MECHANIC,
        new_mechanic_offer_share=settings.NEW_MECHANIC_OFFER_SHARE,
        search_steps=tuple(_step(r, k) for r, k in search.steps),
        service_radius_step=search.service_radius_step,
        enough_candidates=search.enough_candidates,
        enough_available=search.enough_available,
        enough_beyond_service_radius=search.enough_beyond_service_radius,
        max_candidates=search.max_candidates,
        remote_closest=search.remote_closest,
        brand_specialists=search.brand_specialists,
        enough_specialists=search.enough_specialists,
        initial_match_size=settings.SMART_BROADCAST_SIZE * 2,
    )


def policy_with_overrides(pairs: list[str]) -> ScoringPolicy:
    """The deployment's scoring policy with `name=value` overrides, checked by the one rule
    for overrides (core.scoring_overrides, shared with experiments' treatment arms); an
    unknown name or a bad value raises ValueError naming it."""
    policy = scoring_policy()
    try:
        changes: dict[str, object] = dict(overrides_from_text(pairs))
    except OverrideError as exc:
        raise ValueError(f"--policy-override {exc.weight!r}: {exc.reason}") from exc
    if changes:
        changes.setdefault("name", f"{policy.name}+override")
    return policy.with_overrides(**changes)


def mechanics_from_db(ids: list[int], *, hours: float) -> list[SimMechanic]:
    """Eligible mechanics as the simulator's plain dataclasses, read the way matching reads
    them (the same candidate columns); those on shift now stay on for the whole run."""
    rows = {c.id: c for c in mechanic_candidates_by_ids(ids)}
    extra = dict(Mechanic.objects.filter(pk__in=list(rows)).values_list("pk", "response_sample_count").order_by("pk"))
    workshops = dict(Mechanic.objects.filter(pk__in=list(rows)).values_list("pk", "workshop_id").order_by("pk"))
    whole_run = [Shift(0.0, hours * 3600 + DRAIN_SECONDS + 1)]
    return [
        SimMechanic(
            id=c.id,
            lat=c.lat if c.lat is not None else 0.0,
            lon=c.lon if c.lon is not None else 0.0,
            country=c.country,
            rating=c.rating,
            review_count=c.review_count,
            completed_sessions=c.completed_sessions,
            avg_response_seconds=c.avg_response_seconds,
            response_sample_count=extra.get(c.id, 0),
            years_experience=c.years_experience,
            red_seal_certified=c.red_seal_certified,
            red_seal_verified=c.red_seal_verified,
            brands=c.brands,
            services=c.services,
            specialist_tier=c.specialist_tier,
            profile_completion=c.profile_completion,
            approved_at=c.approved_at,
            workshop_id=workshops.get(c.id),
            shifts=list(whole_run) if c.is_on_shift else [],
        )
        for c in sorted(rows.values(), key=lambda c: c.id)
    ]
