"""Who dispatch may offer a request to, as matching and dispatch decide it, without a
database: the widening search of matching.selectors (disks of growing radius instead of H3
cells), core.ranking itself, and dispatch's fair pick (candidates.py's _fair_pick)."""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING

from mechmatch.core.geo import haversine_km
from mechmatch.core.ranking import MatchCriteria, ScoredMatch, is_new_mechanic, rank
from mechmatch.core.simulation.model import DispatchRules, SimRequest

if TYPE_CHECKING:
    from mechmatch.core.simulation.engine import Engine


class Nearby:
    """Every mechanic sorted by distance from a point, computed once per distinct point
    (customers arrive at postal-area centroids, so there are few)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[float, float], tuple[list[float], list[int]]] = {}

    def around(self, engine: Engine, lat: float, lon: float) -> tuple[list[float], list[int]]:
        key = (lat, lon)
        found = self._cache.get(key)
        if found is None:
            pairs = sorted((haversine_km(lat, lon, m.lat, m.lon), m.id) for m in engine.scenario.mechanics)
            found = ([d for d, _ in pairs], [i for _, i in pairs])
            self._cache[key] = found
        return found


def _next_step(rules: DispatchRules, index: int, found: int, available: int) -> int:
    """matching.selectors._next_step: skip steps while the area read so far was sparse."""
    steps = rules.search_steps
    shortfall = max(rules.enough_candidates / max(found, 1), rules.enough_available / max(available, 1))
    wanted = steps[index].area_km2 * min(shortfall, 50.0)
    for later in range(index + 1, len(steps)):
        if steps[later].area_km2 >= wanted or later == len(steps) - 1:
            return later
    return len(steps)


def search(engine: Engine, request: SimRequest) -> list[int]:
    """matching.selectors.mechanic_candidates_near for a general request: ring by ring until
    enough candidates (and enough on shift), the nearest on-shift anywhere when nobody near
    is, then the customer's favourite. Returns mechanic ids."""
    rules = engine.rules
    arrival = request.arrival
    distances, ids = engine.nearby.around(engine, arrival.lat, arrival.lon)
    found: list[int] = []
    available = 0
    low = 0
    index = 0
    steps = rules.search_steps
    limit = rules.max_candidates
    while index < len(steps):
        high = bisect.bisect_right(distances, steps[index].radius_km)
        ring = sorted(ids[low:high], key=lambda i: (not engine.is_on_shift(i), -engine.mechanics[i].rating, i))
        ring = ring[: limit - len(found)]
        found += ring
        available += sum(1 for i in ring if engine.is_on_shift(i))
        low = high
        if len(found) >= limit:
            break
        if len(found) >= rules.enough_candidates and available >= rules.enough_available:
            break
        if index >= rules.service_radius_step and len(found) >= min(
            rules.enough_candidates, rules.enough_beyond_service_radius
        ):
            break
        index = _next_step(rules, index, len(found), available)
    if not available:
        seen = set(found)
        remote = [i for i in ids if i not in seen and engine.is_on_shift(i)][: rules.remote_closest]
        found += remote
    favourite = arrival.favourite_id
    if favourite is not None and favourite in engine.mechanics and favourite not in found:
        found.append(favourite)
    return found


def criteria_for(engine: Engine, request: SimRequest) -> MatchCriteria:
    arrival = request.arrival
    return MatchCriteria(
        requested_brand=arrival.make,
        keywords=arrival.keywords,
        lat=arrival.lat,
        lon=arrival.lon,
        country=arrival.country,
        prefer_local=True,
        favourite_ids=frozenset([arrival.favourite_id]) if arrival.favourite_id is not None else frozenset(),
        now=engine.clock(),
    )


def ranked(engine: Engine, request: SimRequest, *, exclude: set[int], limit: int) -> list[ScoredMatch]:
    """matching.services.match_for_request: the real core.ranking over the search's candidates."""
    candidates = [engine.candidate(i) for i in search(engine, request)]
    matches = rank(candidates, criteria_for(engine, request), engine.policy, explain=False)
    return [m for m in matches if m.mechanic_id not in exclude][: max(0, limit)]


def fair_pick(engine: Engine, request: SimRequest, ids: list[int], *, limit: int) -> list[int]:
    """dispatch's _fair_pick: the first `limit` who can take it now (on shift, not in a
    session, under the open-offer cap), new mechanics capped at their share."""
    rules = engine.rules
    offered = request.offered
    share = rules.new_mechanic_offer_share
    new_cap = max(1, round(limit * share)) if share > 0 else 0
    picked: list[int] = []
    new_count = 0
    seen: set[int] = set()
    now = engine.clock()
    for mechanic_id in ids:
        if mechanic_id in offered or mechanic_id in seen or not engine.is_on_shift(mechanic_id):
            continue
        if engine.in_session(mechanic_id):
            continue
        if engine.open_offer_count(mechanic_id) >= rules.max_open_offers_per_mechanic:
            continue
        mechanic = engine.mechanics[mechanic_id]
        if is_new_mechanic(mechanic.approved_at, mechanic.completed_sessions, now, engine.policy):
            if new_count >= new_cap:
                continue
            new_count += 1
        seen.add(mechanic_id)
        picked.append(mechanic_id)
        if len(picked) >= limit:
            break
    return picked


def smart_candidates(engine: Engine, request: SimRequest) -> list[int]:
    size = engine.rules.smart_broadcast_size
    matches = ranked(engine, request, exclude=request.offered, limit=size * 3)
    return fair_pick(engine, request, [m.mechanic_id for m in matches], limit=size)


def wide_candidates(engine: Engine, request: SimRequest) -> list[int]:
    """Ranked matches first, then every other available mechanic of the country (id order:
    the simulator has no heartbeats to sort by), capped."""
    cap = engine.rules.broadcast_cap
    offered = request.offered
    matches = [m.mechanic_id for m in ranked(engine, request, exclude=offered, limit=cap)]
    taken = offered | set(matches)
    country = request.arrival.country
    rest = [i for i in sorted(engine.on_shift) if i not in taken and engine.mechanics[i].country == country][: cap * 2]
    return fair_pick(engine, request, matches + rest, limit=cap)


def workshop_candidates(engine: Engine, request: SimRequest) -> list[int]:
    workshop = request.arrival.workshop_id
    if workshop is None:
        return []
    ids = [i for i in sorted(engine.on_shift) if engine.mechanics[i].workshop_id == workshop]
    return fair_pick(engine, request, ids, limit=engine.rules.broadcast_cap)


def preview_pick(engine: Engine, request: SimRequest) -> int | None:
    """Whom a customer on the selected routing chose from the preview: mostly the top match,
    sometimes another of the five shown (arrival.pick_roll, drawn with the customer)."""
    matches = ranked(engine, request, exclude=set(), limit=5)
    if not matches:
        return None
    roll = request.arrival.pick_roll
    index = 0 if roll < engine.top_pick_share else 1 + int((roll - engine.top_pick_share) * 1e6) % 4
    return matches[min(index, len(matches) - 1)].mechanic_id


def distance_between(engine: Engine, request: SimRequest, mechanic_id: int) -> float:
    m = engine.mechanics[mechanic_id]
    a = request.arrival
    d = haversine_km(a.lat, a.lon, m.lat, m.lon)
    return d if math.isfinite(d) else math.inf
