"""A demo city without a database: mechanics drawn the way mechanics/seeding.py's
DemoSeeder draws them (same distributions; the brand weights and brand services are passed
in from there, their one home), their shifts and answering habits, and a day of customer
requests following a 24-hour arrival curve. Every number below is a modelling assumption,
commented where it is set, and can be changed per run."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path

from mechmatch.core.brands import normalize_brand
from mechmatch.core.concerns import analyse_concern
from mechmatch.core.geo import PostalArea, haversine_km, postal_areas
from mechmatch.core.simulation.engine import DEFAULT_START, Scenario
from mechmatch.core.simulation.model import Arrival, Shift, SimMechanic
from mechmatch.core.taxonomy import SERVICES

CONCERNS_FILE = Path(__file__).resolve().parent.parent / "data" / "concerns_labelled.jsonl"

# Demo cities: country, centre and radius of the metropolitan area whose postal areas count.
CITIES: dict[str, tuple[str, float, float, float]] = {
    "toronto": ("CA", 43.6532, -79.3832, 35.0),
    "montreal": ("CA", 45.5019, -73.5674, 30.0),
    "vancouver": ("CA", 49.2827, -123.1207, 30.0),
    "calgary": ("CA", 51.0447, -114.0719, 25.0),
    "chicago": ("US", 41.8781, -87.6298, 40.0),
}

# Customer requests by local hour (relative weights): quiet nights, a morning peak when cars
# fail to start, a lunch lull, an after-work peak. An assumption, not a measurement.
ARRIVAL_CURVE: tuple[float, ...] = (
    0.3, 0.2, 0.15, 0.15, 0.2, 0.5, 1.2, 2.2, 3.0, 3.2, 3.0, 2.6,
    2.3, 2.4, 2.6, 2.8, 3.1, 3.3, 3.0, 2.4, 1.7, 1.2, 0.8, 0.5,
)  # fmt: skip
# When shifts start, by local hour (relative weights): mostly mornings, some evenings.
SHIFT_START_CURVE: tuple[float, ...] = (
    0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.5, 2.5, 2.5, 1.8, 1.0, 0.8,
    0.8, 0.7, 0.6, 0.8, 1.0, 1.0, 0.6, 0.3, 0.2, 0.1, 0.1, 0.1,
)  # fmt: skip


@dataclass(frozen=True)
class PopulationParams:
    mechanics: int = 1000
    hours: float = 24.0
    city: str = "toronto"
    # Demand: requests per mechanic per day (1,000 mechanics -> ~1,200 requests a day).
    requests_per_mechanic_day: float = 1.2
    arrival_curve: tuple[float, ...] = ARRIVAL_CURVE
    # Supply: share of mechanics who work on a given day, and how long a shift lasts (hours).
    works_share: float = 0.7
    shift_hours: tuple[float, float] = (5.0, 9.0)
    shift_start_curve: tuple[float, ...] = SHIFT_START_CURVE
    # Answering habits (uniform ranges per mechanic): chance to take a personal offer, a
    # broadcast offer, to decline (else the offer is ignored and lapses).
    accept_exclusive: tuple[float, float] = (0.6, 0.95)
    accept_broadcast: tuple[float, float] = (0.15, 0.5)
    decline: tuple[float, float] = (0.05, 0.25)
    # Median answer time for mechanics with no history yet (seconds).
    new_mechanic_response_seconds: float = 150.0
    # Sessions: lognormal around a median of 18 minutes, at most 90.
    session_median_minutes: float = 18.0
    session_sigma: float = 0.5
    session_max_minutes: float = 90.0
    # Selected routing: share who pick the top match (the plan's 85% target); the rest pick
    # another of the five shown.
    top_pick_share: float = 0.85
    # Favourites: drawn among this many mechanics nearest the customer's postal area.
    favourite_pool: int = 5
    # Mechanics per workshop (DemoSeeder: one workshop per 500 mechanics, 20% belong to one).
    mechanics_per_workshop: int = 500
    workshop_share: float = 0.2
    extra: dict[str, float] = field(default_factory=dict)


def city_areas(city: str) -> tuple[str, list[PostalArea]]:
    if city not in CITIES:
        raise ValueError(f"unknown city {city!r}; choose from {', '.join(CITIES)}")
    country, lat, lon, radius = CITIES[city]
    areas = [a for a in postal_areas(country) if haversine_km(lat, lon, a.lat, a.lon) <= radius]
    return country, areas


def area_label(country: str, code: str) -> str:
    """The supply-gap key: the FSA in Canada, the ZIP3 in the US."""
    return code.replace(" ", "")[:3].upper()


@cache
def _concern_keywords() -> tuple[tuple[str, ...], ...]:
    """The keywords the real extractor finds in the labelled customer messages."""
    rows = [json.loads(line) for line in CONCERNS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple(tuple(analyse_concern(row["text"]).keywords) for row in rows)


def _weighted(rng: random.Random, items: list[PostalArea]) -> PostalArea:
    return rng.choices(items, weights=[a.weight for a in items])[0]


def _mechanic(
    rng: random.Random,
    index: int,
    country: str,
    area: PostalArea,
    brands: list[str],
    brand_cum: list[float],
    brand_service: dict[str, str],
    p: PopulationParams,
) -> SimMechanic:
    """DemoSeeder._mechanic's draws for an approved, active mechanic."""
    general = [s.slug for s in SERVICES if s.brand is None]
    years = max(1, min(45, int(rng.gammavariate(2.2, 5.0))))
    roll = rng.random()
    mine: list[str] = []
    tier = "general"
    if roll < 0.35:
        mine = list(dict.fromkeys(rng.choices(brands, cum_weights=brand_cum, k=rng.randint(1, 3))))
        tier = "master" if roll < 0.04 and years >= 12 else "brand"
    services = rng.sample(general, rng.randint(2, 6))
    services += [brand_service[b] for b in mine if b in brand_service]
    if rng.random() < 0.08:
        services.append("ev_hybrid")
    reviews = 0 if rng.random() < 0.12 else min(800, int(rng.paretovariate(1.3) * 4))
    rating = round(min(5.0, max(2.5, rng.gauss(4.55, 0.3))), 2) if reviews else 0.0
    sessions = reviews + int(reviews * rng.uniform(0.2, 1.5)) + (rng.randint(0, 5) if reviews else 0)
    response = round(min(900.0, rng.lognormvariate(4.9, 0.6)), 1) if sessions else None
    red_seal = country == "CA" and rng.random() < 0.45
    accept_ex = rng.uniform(*p.accept_exclusive)
    accept_bc = rng.uniform(*p.accept_broadcast)
    decline = min(rng.uniform(*p.decline), 1.0 - accept_ex)
    return SimMechanic(
        id=index + 1,
        lat=area.lat,
        lon=area.lon,
        country=country,
        area=area_label(country, area.code),
        rating=rating,
        review_count=reviews,
        completed_sessions=sessions,
        avg_response_seconds=response,
        response_sample_count=sessions,
        years_experience=years,
        red_seal_certified=red_seal,
        red_seal_verified=red_seal and rng.random() < 0.8,
        brands=tuple(mine),
        services=tuple(dict.fromkeys(services)),
        specialist_tier=tier,
        # profile_completion_compute needs a model row; demo profiles are mostly complete.
        profile_completion=rng.randint(60, 100),
        approved_at=DEFAULT_START - timedelta(days=rng.randint(1, 900)),
        accept_exclusive=accept_ex,
        accept_broadcast=accept_bc,
        decline=decline,
        response_median_seconds=response if response is not None else p.new_mechanic_response_seconds,
    )


def _shifts(rng: random.Random, hours: float, p: PopulationParams) -> list[Shift]:
    """One shift a working day; a shift started late the day before may run past midnight."""
    shifts: list[Shift] = []
    for day in range(-1, math.ceil(hours / 24)):
        if rng.random() >= p.works_share:
            continue
        hour = rng.choices(range(24), weights=p.shift_start_curve)[0]
        start = (day * 24 + hour + rng.random()) * 3600
        end = start + rng.uniform(*p.shift_hours) * 3600
        if end > 0 and start < hours * 3600:
            shifts.append(Shift(start, end))
    return shifts


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:  # normal approximation, plenty for hourly request counts
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def generate(
    params: PopulationParams, *, seed: int, brand_weights: dict[str, float], brand_service: dict[str, str]
) -> Scenario:
    """A seeded city: the same seed and parameters give the same scenario, byte for byte."""
    rng = random.Random(seed)
    country, areas = city_areas(params.city)
    brands = list(brand_weights)
    brand_cum: list[float] = []
    total = 0.0
    for w in brand_weights.values():
        total += w
        brand_cum.append(total)
    workshops = max(1, params.mechanics // params.mechanics_per_workshop)
    mechanics = []
    for i in range(params.mechanics):
        m = _mechanic(rng, i, country, _weighted(rng, areas), brands, brand_cum, brand_service, params)
        m.workshop_id = rng.randrange(workshops) + 1 if rng.random() < params.workshop_share else None
        m.shifts = _shifts(rng, params.hours, params)
        mechanics.append(m)

    nearest: dict[str, list[int]] = {}
    per_hour = params.requests_per_mechanic_day * params.mechanics / sum(params.arrival_curve)
    keywords = _concern_keywords()
    arrivals: list[Arrival] = []
    for hour in range(math.ceil(params.hours)):
        weight = params.arrival_curve[hour % 24] * min(1.0, params.hours - hour)
        times = sorted((hour + rng.random()) * 3600 for _ in range(_poisson(rng, per_hour * weight)))
        for at in times:
            area = _weighted(rng, areas)
            if area.code not in nearest:
                by_distance = sorted(mechanics, key=lambda m: (haversine_km(area.lat, area.lon, m.lat, m.lon), m.id))
                nearest[area.code] = [m.id for m in by_distance[: params.favourite_pool]]
            session = min(
                params.session_max_minutes, params.session_median_minutes * math.exp(rng.gauss(0, params.session_sigma))
            )
            arrivals.append(
                Arrival(
                    key=len(arrivals) + 1,
                    at=at,
                    lat=area.lat,
                    lon=area.lon,
                    country=country,
                    area=area_label(country, area.code),
                    keywords=rng.choice(keywords),
                    make=normalize_brand(rng.choices(brands, cum_weights=brand_cum)[0]),
                    favourite_id=rng.choice(nearest[area.code]) if nearest[area.code] else None,
                    pick_roll=rng.random(),
                    workshop_id=rng.randrange(workshops) + 1,
                    session_seconds=session * 60,
                )
            )
    return Scenario(
        mechanics=mechanics,
        arrivals=arrivals,
        hours=params.hours,
        seed=seed,
        top_pick_share=params.top_pick_share,
        meta={"city": params.city, "country": country, "areas": len(areas), "workshops": workshops},
    )
