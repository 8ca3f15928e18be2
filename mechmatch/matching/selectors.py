"""Reads for matching: candidate generation from the H3 spatial index, display rows for the
few mechanics actually shown, and the public profile.

Nothing here reads every mechanic. Candidates come from indexed integer H3 cells, widened
ring by ring and then at a coarser resolution, plus the brand specialists and favourites a
purely spatial search would miss. Rows are fetched with values_list (no model instances):
at a few hundred rows per request, model instantiation would be most of the cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import h3
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from mechmatch.core.geo import coarser_precision, haversine_km
from mechmatch.core.ranking import DEFAULT_POLICY, Candidate, ScoringPolicy, is_new_mechanic
from mechmatch.core.taxonomy import SERVICE_BY_SLUG, label, sort_slugs
from mechmatch.mechanics.models import Mechanic, MechanicBrand, MechanicService
from mechmatch.mechanics.selectors import mechanic_eligible_qs, review_list_recent


def scoring_policy() -> ScoringPolicy:
    """The policy every use case ranks with unless given another: the core defaults, with the
    "new mechanic" rule from settings, so the ranking and dispatch share one definition."""
    return DEFAULT_POLICY.with_overrides(
        new_mechanic_days=settings.NEW_MECHANIC_DAYS, new_mechanic_max_sessions=settings.NEW_MECHANIC_SESSIONS
    )


def mechanic_is_new(mechanic: Mechanic, now: datetime) -> bool:
    """The ranking's "new mechanic" rule for a mechanic row (dispatch labels and caps them)."""
    return is_new_mechanic(mechanic.approved_at, mechanic.completed_sessions, now, scoring_policy())


@dataclass(frozen=True, slots=True)
class SearchPolicy:
    """How far and how wide candidate generation looks. Kept apart from ScoringPolicy:
    this decides who is considered, the scoring policy decides their order."""

    # (resolution, k) disks tried in order; each step only reads cells the previous one did not.
    # Roughly: r7 k2 ~4 km, r5 k1 ~15 km, k2 ~30 km, k4 ~60 km, k7 ~120 km (the service
    # radius), then r3 k1 ~180 km, k2 ~300 km, k4 ~500 km, k8 ~900 km for remote areas.
    steps: tuple[tuple[int, int], ...] = ((7, 2), (5, 1), (5, 2), (5, 4), (5, 7), (3, 1), (3, 2), (3, 4), (3, 8))
    service_radius_step: int = 4  # index of the last step inside the service radius
    enough_candidates: int = 40  # stop widening once this many are found...
    enough_available: int = 5  # ...of whom at least this many are on shift
    enough_beyond_service_radius: int = 8  # past the service radius, enough to list the closest
    max_candidates: int = 150
    brand_specialists: int = 30  # cap on specialists added for a brand request
    enough_specialists: int = 10
    # Remote-first: when nobody within the steps above is on shift, wider r3 disks of on-shift
    # mechanics only (~1,800 km, ~3,600 km), then a bounded read of on-shift mechanics anywhere.
    remote_steps: tuple[tuple[int, int], ...] = ((3, 16), (3, 32))
    remote_pool: int = 500  # on-shift rows read at most by the any-distance fallback
    remote_closest: int = 8  # nearest on-shift mechanics kept from the remote search


DEFAULT_SEARCH = SearchPolicy()

# The columns scoring needs, in Candidate order. Display-only columns are fetched later for
# the handful of mechanics actually shown.
CANDIDATE_COLUMNS = (
    "id",
    "display_name",
    "latitude",
    "longitude",
    "country",
    "is_on_shift",
    "last_seen_at",
    "rating_average",
    "review_count",
    "completed_sessions",
    "avg_response_seconds",
    "years_experience",
    "red_seal_certified",
    "red_seal_verified",
    "brand_specializations",
    "service_specialities",
    "specialist_tier",
    "profile_completion",
    "approved_at",
)
_CELL_FIELD = {3: "h3_r3", 5: "h3_r5", 7: "h3_r7"}
_HEX_AREA_KM2 = {resolution: h3.average_hexagon_area(resolution, "km^2") for resolution in _CELL_FIELD}


def candidate_from_row(row: Sequence[Any]) -> Candidate:
    (id_, name, lat, lon, country, on_shift, seen, rating, reviews, sessions, response, years, rs, rsv, brands,
     services, tier, completion, approved) = row  # fmt: skip
    return Candidate(
        id=id_,
        name=name,
        lat=lat,
        lon=lon,
        country=country,
        is_on_shift=on_shift,
        last_seen_at=seen,
        rating=rating or 0.0,
        review_count=reviews or 0,
        completed_sessions=sessions or 0,
        avg_response_seconds=response,
        years_experience=years or 0,
        red_seal_certified=rs,
        red_seal_verified=rsv,
        brands=tuple(brands or ()),
        services=tuple(services or ()),
        specialist_tier=tier,
        profile_completion=completion or 0,
        approved_at=approved,
    )


# On-shift first so a capped read keeps the people who can help now; then rating, id for a
# deterministic cut. The shift flag is sorted as an expression on purpose: as a plain column,
# the ORDER BY matched the prefix of the directory's mechanic_by_best index and PostgreSQL
# walked that index across all 1M mechanics (2.3 s) looking for the few in these cells,
# instead of reading the cells and sorting a few hundred rows.
CANDIDATE_ORDER = (Cast("is_on_shift", IntegerField()).desc(), "-rating_average", "id")


def _candidates(qs: QuerySet[Mechanic], limit: int) -> list[Candidate]:
    """The first `limit` mechanics of qs in CANDIDATE_ORDER, in one statement whose inner
    select takes the ids from the covering cell index (filter and sort without touching the
    table); the outer one reads only those rows, and they are put back in order here."""
    chosen = qs.order_by(*CANDIDATE_ORDER).values("id")[:limit]
    rows = Mechanic.objects.filter(id__in=chosen).values_list(*CANDIDATE_COLUMNS)
    candidates = [candidate_from_row(row) for row in rows]
    candidates.sort(key=lambda c: (not c.is_on_shift, -c.rating, c.id))  # CANDIDATE_ORDER again
    return candidates


def disk_cells(lat: float, lon: float, resolution: int, k: int) -> list[int]:
    origin = h3.latlng_to_cell(lat, lon, resolution)
    return [h3.str_to_int(c) for c in h3.grid_disk(origin, k)]


def cells_within_km(lat: float, lon: float, radius_km: float) -> tuple[str, list[int]]:
    """Cells (field name, ints) whose union covers a circle of radius_km: r5 up to ~150 km,
    r3 beyond, so the IN list stays a few hundred integers at most."""
    resolution = 5 if radius_km <= 150 else 3
    spacing = h3.average_hexagon_edge_length(resolution, "km") * 1.5  # conservative centre spacing
    k = int(radius_km / spacing) + 1
    return _CELL_FIELD[resolution], disk_cells(lat, lon, resolution, k)


def has_brand(brand: str, *, nationwide: bool = False) -> Q:
    """Mechanics specialised in a brand. Near a place, a correlated EXISTS on the (brand,
    mechanic) index: a join would let the planner drive from every specialist of the brand
    nationwide; EXISTS keeps the spatial index in the driving seat and costs one index probe
    per nearby row. Nationwide (no place), an IN over that index instead: probing every
    mechanic for a rare brand cost 45-260 ms at 100k, driving from the brand's rows ~8 ms."""
    if nationwide:
        return Q(pk__in=MechanicBrand.objects.filter(brand=brand).values("mechanic_id"))
    return Q(Exists(MechanicBrand.objects.filter(brand=brand, mechanic_id=OuterRef("pk"))))


def has_service(slug: str, *, nationwide: bool = False) -> Q:
    """As has_brand, for a service speciality."""
    if nationwide:
        return Q(pk__in=MechanicService.objects.filter(slug=slug).values("mechanic_id"))
    return Q(Exists(MechanicService.objects.filter(slug=slug, mechanic_id=OuterRef("pk"))))


def _widen(
    base: QuerySet[Mechanic],
    lat: float,
    lon: float,
    *,
    search: SearchPolicy,
    limit: int,
    enough: int,
    enough_available: int,
    brand: str | None = None,
) -> dict[int, Candidate]:
    """Ring-by-ring, then coarser, reading only cells the previous step did not cover; stops
    as soon as there are enough candidates (and enough of them on shift). With `brand`, only
    that brand's specialists, found through the brand rows' own copy of the cells."""
    found: dict[int, Candidate] = {}
    available = 0
    previous: tuple[int, int] | None = None
    index = 0
    while index < len(search.steps):
        resolution, k = search.steps[index]
        field = _CELL_FIELD[resolution]
        cells = disk_cells(lat, lon, resolution, k)
        inside = Q(**{f"{field}__in": cells})
        if previous is not None:
            prev_res, prev_k = previous
            prev_cells = disk_cells(lat, lon, prev_res, prev_k)
            if prev_res == resolution:
                # Same resolution: only the new rings.
                prev_set = set(prev_cells)
                cells = [c for c in cells if c not in prev_set]
                inside = Q(**{f"{field}__in": cells})
            else:
                # Coarser resolution: exclude what the finer disk already returned in full.
                inside &= ~Q(**{f"{_CELL_FIELD[prev_res]}__in": prev_cells})
        previous = (resolution, k)
        if brand is None:
            qs = base.filter(inside)
        else:
            qs = base.filter(pk__in=MechanicBrand.objects.filter(inside, brand=brand).values("mechanic_id"))
        for candidate in _candidates(qs, limit - len(found)):
            found[candidate.id] = candidate
            available += candidate.is_on_shift
        if len(found) >= limit:
            break
        if len(found) >= enough and available >= enough_available:
            break
        if index >= search.service_radius_step and len(found) >= min(enough, search.enough_beyond_service_radius):
            break
        index = _next_step(search.steps, index, len(found), available, enough, enough_available)
    return found


def _disk_area(resolution: int, k: int) -> float:
    return (3 * k * k + 3 * k + 1) * _HEX_AREA_KM2[resolution]


def _next_step(
    steps: tuple[tuple[int, int], ...], index: int, found: int, available: int, enough: int, enough_available: int
) -> int:
    """Skip steps when the area read so far was sparse: assuming roughly even density, jump to
    the first step whose area is big enough to hold what is still missing. Skipped rings are
    still read, because each step excludes only the disk actually queried before it."""
    shortfall = max(enough / max(found, 1), enough_available / max(available, 1))
    wanted = _disk_area(*steps[index]) * min(shortfall, 50.0)
    for later in range(index + 1, len(steps)):
        if _disk_area(*steps[later]) >= wanted or later == len(steps) - 1:
            return later
    return len(steps)


def mechanic_candidates_near(
    *,
    lat: float,
    lon: float,
    brand: str | None = None,
    favourite_ids: Iterable[int] = (),
    extra: Q | None = None,
    search: SearchPolicy = DEFAULT_SEARCH,
) -> list[Candidate]:
    """Eligible mechanics around a point; with `brand`, also that brand's nearest specialists
    (found by their own widening search, so a dense area full of generalists cannot crowd
    them out), then favourites. `extra` narrows every query (directory filters)."""
    base = mechanic_eligible_qs()
    if extra is not None:
        base = base.filter(extra)
    found = _widen(
        base,
        lat,
        lon,
        search=search,
        limit=search.max_candidates,
        enough=search.enough_candidates,
        enough_available=search.enough_available,
    )

    if not any(c.is_on_shift for c in found.values()):
        for candidate in _nearest_on_shift(base, lat, lon, search, exclude=found.keys()):
            found.setdefault(candidate.id, candidate)

    if brand:
        rows = _widen(
            base,
            lat,
            lon,
            search=search,
            limit=search.brand_specialists,
            enough=search.enough_specialists,
            enough_available=1,
            brand=brand,
        )
        if not rows:
            specialists = base.filter(has_brand(brand, nationwide=True))
            # None within ~900 km: the best of that brand anywhere can still help remotely.
            rows = {c.id: c for c in _candidates(specialists, search.enough_specialists)}
        for candidate in rows.values():
            found.setdefault(candidate.id, candidate)

    favourites = [i for i in favourite_ids if i not in found]
    if favourites:
        for candidate in _candidates(base.filter(id__in=favourites), len(favourites)):
            found.setdefault(candidate.id, candidate)
    return list(found.values())


def _nearest_on_shift(
    base: QuerySet[Mechanic], lat: float, lon: float, search: SearchPolicy, *, exclude: Iterable[int]
) -> list[Candidate]:
    """This is a remote service: when nobody near is on shift, the nearest on-shift mechanics
    at any distance. Wider r3 disks first (indexed), then at most `remote_pool` on-shift rows
    anywhere (the eligible index covers is_on_shift), so no step reads every mechanic."""
    on_shift = base.filter(is_on_shift=True).exclude(id__in=list(exclude))
    found: list[Candidate] = []
    previous = search.steps[-1] if search.steps else None
    for resolution, k in search.remote_steps:
        qs = on_shift.filter(**{f"{_CELL_FIELD[resolution]}__in": disk_cells(lat, lon, resolution, k)})
        if previous is not None:
            qs = qs.exclude(**{f"{_CELL_FIELD[previous[0]]}__in": disk_cells(lat, lon, *previous)})
        previous = (resolution, k)
        found = _candidates(qs, search.remote_pool)
        if found:
            break
    if not found:
        found = _candidates(on_shift, search.remote_pool)

    def distance(c: Candidate) -> float:
        return haversine_km(lat, lon, c.lat, c.lon) if c.lat is not None and c.lon is not None else float("inf")

    return sorted(found, key=lambda c: (distance(c), c.id))[: search.remote_closest]


def mechanic_candidates_by_ids(ids: Iterable[int]) -> list[Candidate]:
    ids = list(ids)
    return _candidates(mechanic_eligible_qs().filter(id__in=ids), len(ids)) if ids else []


_DISPLAY_COLUMNS = ("id", "display_name", "photo", "bio", "city", "region", "country", "location_precision")


def photo_url(name: str | None) -> str | None:
    return default_storage.url(name) if name else None


def mechanic_display_rows(ids: Iterable[int], *, origin_precision: str | None = None) -> dict[int, dict[str, Any]]:
    """Public display fields for the mechanics actually shown (a handful per response). With
    the precision of the customer's location, `distance_precision` says how exact the distance
    to each mechanic is: the vaguer of the two ends."""
    ids = list(set(ids))
    if not ids:
        return {}
    rows = Mechanic.objects.filter(id__in=ids).values(*_DISPLAY_COLUMNS)
    return {
        row["id"]: {
            **row,
            "photo_url": photo_url(row["photo"]),
            "distance_precision": (
                None if origin_precision is None else coarser_precision(origin_precision, row["location_precision"])
            ),
        }
        for row in rows
    }


def mechanic_public_profile(*, mechanic_id: int, review_limit: int = 5) -> dict[str, Any] | None:
    """The public face of an eligible mechanic, or None (unknown, unapproved, suspended).
    Built field by field from an allow-list: postal code, email, phone and operator-only
    fields never enter it."""
    mechanic = mechanic_eligible_qs().filter(pk=mechanic_id).first()
    if mechanic is None:
        return None
    reviews = []
    for review in review_list_recent(mechanic_id=mechanic.pk, limit=review_limit):
        first = (review.customer.first_name or "").strip() or "Customer"
        last = (review.customer.last_name or "").strip()
        reviews.append(
            {
                "rating": review.rating,
                "comment": review.comment,
                "reviewerName": f"{first} {last[0]}." if last else first,
                "createdAt": review.created_at,
            }
        )
    specialities = [
        {"slug": slug, "label": label(slug), "labelFr": label(slug, "fr")}
        for slug in sort_slugs(s for s in mechanic.service_specialities if s in SERVICE_BY_SLUG)
    ]
    return {
        "mechanic": mechanic,
        "specialities": specialities,
        "reviews": reviews,
    }
