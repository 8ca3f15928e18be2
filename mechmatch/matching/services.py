"""Matching use cases: the preview before payment, routing for dispatch, the directory.

All three share one pipeline (locate the customer -> spatial candidates -> core.ranking), so
what a customer previews is what dispatch routes and what the directory calls "best".
Each ranks a customer with their own policy (experiments.policies: the default, or a policy
experiment's treatment weights) unless the caller passes one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.core.brands import normalize_brand
from mechmatch.core.concerns import ConcernAnalysis, analyse_concern
from mechmatch.core.geo import haversine_from_km
from mechmatch.core.ranking import (
    MatchCriteria,
    RequestType,
    ScoredMatch,
    ScoringPolicy,
    explained,
    km_shown,
    rank,
    score,
    sort_key,
)
from mechmatch.core.taxonomy import SERVICE_SLUGS, label
from mechmatch.core.text import fold
from mechmatch.customers.models import CustomerProfile
from mechmatch.customers.selectors import favourite_mechanic_ids
from mechmatch.experiments.policies import scoring_policy_applied
from mechmatch.funnel.services import event_record
from mechmatch.geography.services import location_clean
from mechmatch.matching.selectors import (
    CANDIDATE_COLUMNS,
    candidate_from_row,
    cells_within_km,
    has_brand,
    has_service,
    mechanic_candidates_by_ids,
    mechanic_candidates_near,
    mechanic_display_rows,
)
from mechmatch.mechanics.selectors import mechanic_eligible_qs
from mechmatch.monitoring.metrics import PREVIEW_SECONDS

PREVIEW_SIZE = 5
CLOSEST_SIZE = 5
LOCAL_ALTERNATIVES_SIZE = 3
MAX_CONCERN_LENGTH = 5000


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """What the customer needs and where they are: the one input of the preview and of the
    routing dispatch does, so both rank on the same facts. Domain names; the API edge and
    the pages build it from their own fields."""

    concern: str
    country: str
    make: str | None = None
    model: str | None = None
    year: int | None = None
    request_type: str = "general"
    requested_brand: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    prefer_local: bool = True


@dataclass(slots=True)
class Location:
    lat: float
    lon: float
    country: str
    region: str
    city: str
    precision: str


@dataclass(slots=True)
class Fallback:
    scenario: str = "none"  # 'none' | 'no_local' | 'specialist_far' | 'nobody_available'
    message: str = ""
    closest: list[ScoredMatch] = field(default_factory=list)
    local_alternatives: list[ScoredMatch] = field(default_factory=list)
    options: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PreviewResult:
    matches: list[ScoredMatch]
    total_matches: int
    has_local_matches: bool
    keywords: list[str]
    fallback: Fallback
    location: Location
    requested_brand: str | None
    # Public display fields (name, photo, bio, city...) for every mechanic in the result.
    display: dict[int, dict[str, Any]]


# --------------------------------------------------------------------------- helpers


def concern_analyse(*, description: str) -> ConcernAnalysis:
    """Keyword extraction for the API. The length rule lives here, not only in the schema,
    so every caller of the service gets it."""
    if not description or not description.strip():
        raise ValidationError({"description": _("Describe the problem.")})
    if len(description) > MAX_CONCERN_LENGTH:
        raise ValidationError(
            {"description": _("Keep the description under %(n)s characters.") % {"n": MAX_CONCERN_LENGTH}}
        )
    return analyse_concern(description)


def keyword_labels(keywords: list[str], language: str = "en") -> dict[str, str]:
    return {slug: label(slug, language) for slug in keywords if slug in SERVICE_SLUGS}


def customer_locate(*, country: str, city: str = "", postal_code: str = "", region: str = "") -> Location:
    cleaned = location_clean(country=country, city=city, postal_code=postal_code, region=region)
    return Location(
        lat=cleaned["latitude"],
        lon=cleaned["longitude"],
        country=cleaned["country"],
        region=cleaned["region"],
        city=cleaned["city"],
        precision=cleaned["location_precision"],
    )


def _saved_location(user: User | None) -> Location | None:
    profile = _customer_profile(user)
    if profile is None or profile.latitude is None or profile.longitude is None:
        return None
    return Location(
        lat=profile.latitude,
        lon=profile.longitude,
        country=profile.country,
        region=profile.region,
        city=profile.city,
        precision=profile.location_precision,
    )


def _customer_profile(user: User | None) -> CustomerProfile | None:
    if user is None:
        return None
    return CustomerProfile.objects.filter(user=user).first()


def _favourites(user: User | None) -> frozenset[int]:
    profile = _customer_profile(user)
    return frozenset(favourite_mechanic_ids(customer=profile)) if profile else frozenset()


def _resolve_brand(
    *, request_type: str, requested_brand: str | None, make: str | None, concern_brands: list[str]
) -> str | None:
    if request_type not in tuple(RequestType):
        raise ValidationError({"request_type": f"Choose {' or '.join(repr(t.value) for t in RequestType)}."})
    if requested_brand and requested_brand.strip():
        brand = normalize_brand(requested_brand)
        if brand is None:
            raise ValidationError({"requested_brand": _("We do not know that brand.")})
        return brand
    # The plan's `requestedBrand || vehicle?.make`, then a brand named in the concern itself.
    brand = normalize_brand(make) or (concern_brands[0] if concern_brands else None)
    if request_type == RequestType.BRAND_SPECIALIST and brand is None:
        raise ValidationError({"requested_brand": _("Choose the brand you need a specialist for.")})
    return brand


def _ranked(
    query: MatchQuery, customer_user: User | None, policy: ScoringPolicy
) -> tuple[MatchCriteria, Location, list[str], list[ScoredMatch]]:
    analysis = concern_analyse(description=query.concern)
    brand = _resolve_brand(
        request_type=query.request_type,
        requested_brand=query.requested_brand,
        make=query.make,
        concern_brands=analysis.brands,
    )
    location = customer_locate(
        country=query.country, city=query.city or "", postal_code=query.postal_code or "", region=query.region or ""
    )
    favourites = _favourites(customer_user)
    criteria = MatchCriteria(
        request_type=query.request_type,
        requested_brand=brand,
        keywords=tuple(analysis.keywords),
        lat=location.lat,
        lon=location.lon,
        country=location.country,
        prefer_local=query.prefer_local,
        favourite_ids=favourites,
        now=datetime.now(UTC),
    )
    # Specialists get their own search only when the customer asked for one; on a general request
    # the brand (from the make) is a modest bonus among whoever is nearby.
    candidates = mechanic_candidates_near(
        lat=location.lat,
        lon=location.lon,
        brand=brand if criteria.wants_specialist else None,
        favourite_ids=favourites,
    )
    # Unexplained ranking of every candidate; callers explain only what they show.
    return criteria, location, analysis.keywords, rank(candidates, criteria, policy, explain=False)


def _fallback(ranked: list[ScoredMatch], criteria: MatchCriteria, policy: ScoringPolicy) -> Fallback:
    radius = km_shown(policy.local_radius_km)
    fallback = Fallback()
    scenarios: list[str] = []
    messages: list[str] = []
    options: list[str] = []
    local = [m for m in ranked if m.is_local]

    if not any(m.is_available for m in ranked):
        scenarios.append("nobody_available")
        messages.append(
            gettext(
                "No mechanic is online right now. Schedule a session, or wait and we will notify you when one "
                "comes online."
            )
            if ranked
            else gettext(
                "No mechanics are available in your area yet. Schedule a session, or wait and we will notify you."
            )
        )
        options += ["schedule", "wait"]

    specialists = [m for m in ranked if m.is_brand_specialist]
    if criteria.wants_specialist and specialists and not any(m.is_local for m in specialists):
        scenarios.append("specialist_far")
        nearest = min((m.distance_km for m in specialists if m.distance_km is not None), default=None)
        messages.append(
            gettext("No %(brand)s specialist within %(radius)s km.")
            % {"brand": criteria.requested_brand, "radius": radius}
        )
        if nearest is not None:
            messages.append(gettext("The nearest is %(km)s km away and can help remotely.") % {"km": km_shown(nearest)})
        fallback.local_alternatives = [m for m in local if not m.is_brand_specialist][:LOCAL_ALTERNATIVES_SIZE]
        options += ["continue_remote", "choose_local"] if fallback.local_alternatives else ["continue_remote"]
    elif criteria.wants_specialist and not specialists:
        messages.append(
            gettext("No %(brand)s specialist is registered yet; these mechanics can help.")
            % {"brand": criteria.requested_brand}
        )

    if ranked and not local:
        scenarios.append("no_local")
        messages.append(
            gettext("No mechanics within %(radius)s km of you. The closest can help remotely.") % {"radius": radius}
        )
        fallback.closest = sorted(
            (m for m in ranked if m.distance_km is not None), key=lambda m: (m.distance_km, m.mechanic_id)
        )[:CLOSEST_SIZE]
        options += ["continue_remote", "schedule"]

    fallback.scenario = scenarios[0] if scenarios else "none"
    fallback.message = " ".join(messages)
    fallback.options = list(dict.fromkeys(options))
    return fallback


def _specialists_first(ranked: list[ScoredMatch], criteria: MatchCriteria) -> list[ScoredMatch]:
    """On a specialist request the matches are that brand's specialists; local generalists are
    offered only as the fallback's "choose a local mechanic" alternative, so nobody shows twice.
    With no specialist registered at all, whoever can help."""
    if not criteria.wants_specialist:
        return ranked
    specialists = [m for m in ranked if m.is_brand_specialist]
    return specialists or ranked


# --------------------------------------------------------------------------- use cases


def match_preview(
    query: MatchQuery,
    *,
    customer_user: User | None = None,
    policy: ScoringPolicy | None = None,
    event_properties: dict[str, Any] | None = None,
) -> PreviewResult:
    """The best mechanics for this concern, car and place, with why, and what to do when the
    ideal match does not exist (no local mechanic, specialist far away, nobody online).
    The `preview_shown` event carries the server's compute time (`compute_ms`) for the
    dashboard's response-time figure."""
    started = time.perf_counter()
    policy = policy or scoring_policy_applied(customer_user)
    result = _preview(query, customer_user, policy)
    PREVIEW_SECONDS.observe(time.perf_counter() - started)  # a refused query is not a preview
    if customer_user is not None:
        event_record(
            "preview_shown",
            user=customer_user,
            mechanic_id=result.matches[0].mechanic_id if result.matches else None,
            scenario=result.fallback.scenario,
            mechanic_ids=[m.mechanic_id for m in result.matches],
            keywords=result.keywords,
            policy=policy.name,
            compute_ms=round((time.perf_counter() - started) * 1000, 1),
            **(event_properties or {}),
        )
    return result


def _preview(query: MatchQuery, customer_user: User | None, policy: ScoringPolicy) -> PreviewResult:
    criteria, location, keywords, ranked = _ranked(query, customer_user, policy)
    matches = _specialists_first(ranked, criteria)
    top = [explained(m, criteria, policy) for m in matches[:PREVIEW_SIZE]]
    fallback = _fallback(ranked, criteria, policy)
    fallback.closest = [explained(m, criteria, policy) for m in fallback.closest]
    fallback.local_alternatives = [explained(m, criteria, policy) for m in fallback.local_alternatives]
    shown = [m.mechanic_id for m in (*top, *fallback.closest, *fallback.local_alternatives)]
    return PreviewResult(
        matches=top,
        total_matches=len(matches),
        has_local_matches=any(m.is_local for m in top),
        keywords=keywords,
        fallback=fallback,
        location=location,
        requested_brand=criteria.requested_brand,
        display=mechanic_display_rows(shown, origin_precision=location.precision),
    )


def match_for_request(
    query: MatchQuery,
    *,
    customer_user: User | None = None,
    exclude_mechanic_ids: Iterable[int] = (),
    limit: int = 10,
    policy: ScoringPolicy | None = None,
) -> list[ScoredMatch]:
    """Ranked mechanics for dispatch, by the same pipeline as the preview, explained (reasons
    and their keys). Raises ValidationError like the preview."""
    policy = policy or scoring_policy_applied(customer_user)
    # A request stored without a type is a general one (the preview insists on a valid type).
    query = replace(query, request_type=query.request_type or RequestType.GENERAL)
    criteria, _filters, _pool, ranked = _ranked(query, customer_user, policy)
    excluded = set(exclude_mechanic_ids or ())
    chosen = [m for m in ranked if m.mechanic_id not in excluded][: max(0, int(limit))]
    return [explained(m, criteria, policy) for m in chosen]


# --------------------------------------------------------------------------- directory

DIRECTORY_SORTS = ("best", "distance", "rating", "experience")
DIRECTORY_MAX_PAGE_SIZE = 50
# With a distance limit, at most this many (lean) rows are read from the cells covering the circle,
# and "best" fully scores at most DIRECTORY_BEST_POOL of them (the rest follow in proxy order).
DIRECTORY_RADIUS_CAP = 5000
DIRECTORY_BEST_POOL = 300
# Without a location, counting every match of a filter nationwide costs more than the page
# itself at 100k mechanics (an EXISTS probe per row); past this many we say "1,000+", the
# way search pages do. The count always reaches past the current page, so "Next" is exact.
DIRECTORY_COUNT_CAP = 1000
_LEAN_COLUMNS = ("id", "latitude", "longitude", "is_on_shift", "rating_average", "review_count", "years_experience")


@dataclass(slots=True)
class DirectoryPage:
    items: list[ScoredMatch]
    page: int
    page_size: int
    total: int
    has_next: bool
    display: dict[int, dict[str, Any]]
    location: Location | None
    requested_brand: str | None = None
    total_is_lower_bound: bool = False  # "1,000+": the count stopped at DIRECTORY_COUNT_CAP

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.page_size))


def mechanic_directory_list(
    *,
    min_rating: float | None = None,
    max_distance_km: float | None = None,
    brand: str | None = None,
    service: str | None = None,
    available_now: bool = False,
    q: str | None = None,
    sort: str = "best",
    page: int = 1,
    page_size: int = 20,
    country: str | None = None,
    postal_code: str | None = None,
    city: str | None = None,
    region: str | None = None,
    customer_user: User | None = None,
    policy: ScoringPolicy | None = None,
) -> DirectoryPage:
    """Browse & select. Distance-bounded or distance-sorted listings read only the H3 cells
    around the customer; rating and experience listings are plain indexed ORDER BY + LIMIT."""
    policy = policy or scoring_policy_applied(customer_user)
    if sort not in DIRECTORY_SORTS:
        raise ValidationError({"sort": f"Choose one of {', '.join(DIRECTORY_SORTS)}."})
    if page < 1:
        raise ValidationError({"page": _("Pages start at 1.")})
    if not 1 <= page_size <= DIRECTORY_MAX_PAGE_SIZE:
        raise ValidationError({"page_size": f"Choose 1 to {DIRECTORY_MAX_PAGE_SIZE}."})

    location: Location | None = None
    if country and (postal_code or city):
        location = customer_locate(country=country, city=city or "", postal_code=postal_code or "", region=region or "")
    elif postal_code or city:
        raise ValidationError({"country": _("Choose a country for that location.")})
    else:
        location = _saved_location(customer_user)
    if max_distance_km is not None and location is None:
        raise ValidationError({"max_distance_km": _("Give a postal code or city to filter by distance.")})
    if sort == "distance" and location is None:
        raise ValidationError({"sort": _("Give a postal code or city to sort by distance.")})

    filters = Q()
    canonical_brand = None
    # Without a place the whole country is read: membership filters then drive from their
    # own index (see has_brand).
    nationwide = location is None
    if brand:
        canonical_brand = normalize_brand(brand)
        if canonical_brand is None:
            raise ValidationError({"brand": _("We do not know that brand.")})
        filters &= has_brand(canonical_brand, nationwide=nationwide)
    if service:
        if service not in SERVICE_SLUGS:
            raise ValidationError({"service": _("Unknown service.")})
        filters &= has_service(service, nationwide=nationwide)
    if min_rating is not None:
        filters &= Q(rating_average__gte=min_rating)
    if available_now:
        filters &= Q(is_on_shift=True)
    if q and q.strip():
        filters &= Q(search_name__contains=fold(q.strip()))

    criteria = MatchCriteria(
        requested_brand=canonical_brand,
        keywords=(service,) if service else (),
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        country=location.country if location else None,
        prefer_local=True,
        favourite_ids=_favourites(customer_user),
        now=datetime.now(UTC),
    )
    offset = (page - 1) * page_size
    total_is_lower_bound = False

    if location is not None and max_distance_km is not None:
        items, total = _directory_within(filters, location, max_distance_km, sort, offset, page_size, criteria, policy)
    elif location is not None:
        # No radius: the same widening search as the preview decides who is "around", for
        # every sort, so sorting by rating or experience never jumps to the whole continent.
        candidates = mechanic_candidates_near(lat=location.lat, lon=location.lon, extra=filters)
        scored = [score(c, criteria, policy, explain=False) for c in candidates]
        if sort == "distance":
            scored.sort(key=lambda m: (m.distance_km if m.distance_km is not None else math.inf, m.mechanic_id))
        elif sort == "rating":
            scored.sort(key=lambda m: (-m.candidate.rating, -m.candidate.review_count, m.mechanic_id))
        elif sort == "experience":
            scored.sort(key=lambda m: (-m.candidate.years_experience, m.mechanic_id))
        else:
            scored.sort(key=sort_key)
        total = len(scored)
        items = [explained(m, criteria, policy) for m in scored[offset : offset + page_size]]
    else:
        qs = mechanic_eligible_qs().filter(filters)
        # Ties broken by id so pages never overlap or skip.
        order = {
            "rating": ("-rating_average", "-review_count", "-id"),
            "experience": ("-years_experience", "-id"),
            # Without a location "best" falls back to who is on shift and best rated.
            "best": ("-is_on_shift", "-rating_average", "-review_count", "-id"),
        }[sort]
        count_limit = max(DIRECTORY_COUNT_CAP, offset + page_size) + 1
        total = qs[:count_limit].count()
        total_is_lower_bound = total == count_limit
        if total_is_lower_bound:
            total -= 1
        rows = qs.order_by(*order).values_list(*CANDIDATE_COLUMNS)[offset : offset + page_size]
        items = [score(candidate_from_row(r), criteria, policy) for r in rows]

    return DirectoryPage(
        items=items,
        page=page,
        page_size=page_size,
        total=total,
        has_next=offset + len(items) < total or total_is_lower_bound,
        display=mechanic_display_rows(
            (m.mechanic_id for m in items), origin_precision=location.precision if location else None
        ),
        location=location,
        requested_brand=canonical_brand,
        total_is_lower_bound=total_is_lower_bound,
    )


def _directory_within(
    filters: Q,
    location: Location,
    max_distance_km: float,
    sort: str,
    offset: int,
    page_size: int,
    criteria: MatchCriteria,
    policy: ScoringPolicy,
) -> tuple[list[ScoredMatch], int]:
    """Mechanics within a radius. Reads lean tuples from the H3 cells covering the circle, keeps
    those truly inside, orders them, and loads full rows only for the page."""
    field_name, cells = cells_within_km(location.lat, location.lon, max_distance_km)
    qs = mechanic_eligible_qs().filter(filters, **{f"{field_name}__in": cells})
    # Up to DIRECTORY_RADIUS_CAP lean rows: read through the cursor, without the ORM's per-value
    # converters (a third of the cost at 5,000 rows); only numbers and a flag are read, and a
    # 0/1 flag sorts as a boolean does.
    sql, params = qs.values_list(*_LEAN_COLUMNS)[:DIRECTORY_RADIUS_CAP].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        lean = cursor.fetchall()
    km_from = haversine_from_km(location.lat, location.lon)
    inside = []
    for row in lean:
        if row[1] is None or row[2] is None:
            continue
        km = km_from(row[1], row[2])
        if km <= max_distance_km:
            inside.append((row, km))
    if sort == "distance":
        inside.sort(key=lambda r: (r[1], r[0][0]))
    elif sort == "rating":
        inside.sort(key=lambda r: (-r[0][4], -r[0][5], r[0][0]))
    elif sort == "experience":
        inside.sort(key=lambda r: (-r[0][6], r[0][0]))
    else:
        # Proxy order (on shift, rating, near), then the real ranking for the head of it.
        inside.sort(key=lambda r: (not r[0][3], -r[0][4], r[1], r[0][0]))
    ids = [r[0][0] for r in inside]
    if sort == "best":
        head = mechanic_candidates_by_ids(ids[:DIRECTORY_BEST_POOL])
        ranked = [m.mechanic_id for m in rank(head, criteria, policy, explain=False)]
        ids = ranked + ids[DIRECTORY_BEST_POOL:]
    page_ids = ids[offset : offset + page_size]
    by_id = {c.id: c for c in mechanic_candidates_by_ids(page_ids)}
    items = [score(by_id[i], criteria, policy) for i in page_ids if i in by_id]
    return items, len(inside)
