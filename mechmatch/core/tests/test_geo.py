from __future__ import annotations

import json
import threading
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest

from mechmatch.core import geo, geo_tables
from mechmatch.core.geo import (
    GeocodeError,
    GeoPoint,
    coarser_precision,
    distance_km,
    geocode,
    geocode_city,
    geocode_postal_code,
    haversine_km,
    postal_areas,
    timezone_for,
)
from mechmatch.core.postal import PROVINCES, US_STATES, PostalCodeError


def km(a: tuple[str, str], b: tuple[str, str]) -> float:
    return distance_km(geocode_postal_code(*a), geocode_postal_code(*b))


@pytest.fixture
def private_cache_dir(tmp_path: Path) -> Iterator[Path]:
    """Point the geocoder at an empty cache dir, and restore the shared one afterwards."""
    original = geo.cache_dir()
    geo.configure(tmp_path)
    geo.clear_caches()
    yield tmp_path
    geo.configure(original)
    geo.clear_caches()


@pytest.mark.parametrize(
    ("a", "b", "coarser"),
    [
        ("postal_code", "postal_code", "postal_code"),
        ("postal_code", "zip", "zip"),
        ("fsa", "zip", "fsa"),
        ("postal_code", "city", "city"),
        ("city", "", ""),  # a row stored before precision was recorded says nothing
    ],
)
def test_a_distance_is_as_precise_as_its_vaguer_end(a: str, b: str, coarser: str) -> None:
    assert coarser_precision(a, b) == coarser_precision(b, a) == coarser


def test_haversine_gives_one_degree_of_the_equator_as_111_km() -> None:
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)


def test_haversine_is_zero_for_one_point_and_symmetric() -> None:
    assert haversine_km(45.0, -75.0, 45.0, -75.0) == 0
    assert haversine_km(43.6, -79.4, 49.3, -123.1) == pytest.approx(haversine_km(49.3, -123.1, 43.6, -79.4))


def test_downtown_toronto_to_mississauga_is_about_20_km() -> None:
    assert 19.5 <= km(("M5V 2T6", "CA"), ("L5B 1M2", "CA")) <= 22.5


def test_ottawa_to_gatineau_is_a_couple_of_km() -> None:
    assert 1.5 <= km(("K1P 1J1", "CA"), ("J8X 3X7", "CA")) <= 3.5


def test_windsor_to_detroit_crosses_the_border_in_about_2_4_km() -> None:
    assert 2.0 <= km(("N9A 1A1", "CA"), ("48226", "US")) <= 3.0


def test_rural_saskatchewan_to_regina_is_a_couple_of_hundred_km() -> None:
    assert 200 <= km(("S0K 1A0", "CA"), ("S4P 3Y2", "CA")) <= 320


def test_a_full_canadian_code_geocodes_to_its_own_coordinates() -> None:
    point = geocode_postal_code("m5v2t6", "Canada")
    assert point == GeoPoint(43.6439, -79.3893, "CA", "ON", "Toronto", "postal_code", "M5V 2T6", "America/Toronto")
    assert haversine_km(point.lat, point.lon, 43.642, -79.387) < 1  # CN Tower


# Crystal Springs, SK, from its Dominion Land Survey description (NW 24-44-24-W2), and Regina's
# GeoNames point: independent of the postal-code data under test.
CRYSTAL_SPRINGS, REGINA = (52.811, -105.339), (50.45008, -104.6178)


def test_crystal_springs_to_regina_is_the_true_great_circle_distance_within_2_km() -> None:
    truth = haversine_km(*CRYSTAL_SPRINGS, *REGINA)
    assert 266 < truth < 269
    assert km(("S0K 1A0", "CA"), ("S4P 3Y2", "CA")) == pytest.approx(truth, abs=2)
    # The S0K centroid, where every S0K code used to land, is 35 km short.
    assert km(("S0K", "CA"), ("S4P 3Y2", "CA")) < truth - 30


def test_an_fsa_alone_geocodes_to_its_centroid_at_fsa_precision() -> None:
    point = geocode_postal_code(" m5v ", "CA")
    assert (point.postal_code, point.precision, point.place, point.region) == ("M5V", "fsa", "Downtown Toronto", "ON")
    assert haversine_km(point.lat, point.lon, 43.642, -79.387) < 3


def test_an_unknown_full_code_in_a_known_fsa_falls_back_to_the_fsa_and_says_so() -> None:
    point = geocode_postal_code("N9A 9Z9", "CA")  # no such code; N9A is Windsor
    assert (point.postal_code, point.precision, point.place) == ("N9A 9Z9", "fsa", "Windsor")
    assert (point.lat, point.lon) == (geocode_postal_code("N9A", "CA").lat, geocode_postal_code("N9A", "CA").lon)


def test_a_full_code_knows_its_own_community_and_province() -> None:
    point = geocode_postal_code("X0A 0H0", "CA")
    assert (point.place, point.region, point.precision, point.timezone) == (
        "Iqaluit",
        "NU",
        "postal_code",
        "America/Iqaluit",
    )


def test_n9a_uses_the_median_of_its_ldus_not_the_packages_misplaced_centroid() -> None:
    point = geocode_postal_code("N9A 1A1", "CA")
    # The package's FSACodes table puts N9A at 42.2007, ~13 km south of downtown Windsor.
    assert point.lat == pytest.approx(42.315, abs=0.02)
    assert point.place == "Windsor"


def test_a_us_zip_geocodes_with_place_state_and_timezone() -> None:
    point = geocode_postal_code("48226", "US")
    assert (point.country, point.region, point.place, point.precision) == ("US", "MI", "Detroit, MI", "zip")
    assert point.timezone == "America/Detroit"
    assert point.lat == pytest.approx(42.333, abs=0.01)


def test_a_zip_plus_four_geocodes_to_its_zip5_and_keeps_the_full_code() -> None:
    point = geocode_postal_code("482261234", "US")
    assert (point.postal_code, point.precision) == ("48226-1234", "zip")
    assert (point.lat, point.lon) == (
        geocode_postal_code("48226", "US").lat,
        geocode_postal_code("48226", "US").lon,
    )


@pytest.mark.parametrize(("code", "country"), [("00000", "US"), ("99999", "US"), ("X9Z 1A1", "CA"), ("X9Z", "CA")])
def test_an_unknown_but_well_formed_code_raises_geocode_error(code: str, country: str) -> None:
    with pytest.raises(GeocodeError, match="No location is known"):
        geocode_postal_code(code, country)


@pytest.mark.parametrize(("code", "country"), [("90210", "CA"), ("M5V 2T6", "US"), ("", "CA"), ("D1A 1A1", "CA")])
def test_a_malformed_code_raises_postal_code_error_not_geocode_error(code: str, country: str) -> None:
    with pytest.raises(PostalCodeError):
        geocode_postal_code(code, country)


def test_toronto_at_city_precision_is_near_the_city_centre() -> None:
    point = geocode_city("Toronto", "ON", "CA")
    assert (point.precision, point.postal_code, point.region, point.place) == (
        "city",
        None,
        "ON",
        "Toronto, ON",
    )
    assert haversine_km(point.lat, point.lon, 43.6532, -79.3832) < 10


def test_detroit_at_city_precision_is_near_the_city_centre() -> None:
    point = geocode_city("Detroit", "MI", "US")
    assert (point.precision, point.region, point.place) == ("city", "MI", "Detroit, MI")
    assert haversine_km(point.lat, point.lon, 42.3314, -83.0458) < 10


def test_saskatoon_without_a_region_is_found_in_saskatchewan() -> None:
    point = geocode_city("Saskatoon", None, "CA")
    assert point.region == "SK"
    assert haversine_km(point.lat, point.lon, 52.1332, -106.67) < 10


def test_a_city_without_a_region_picks_the_best_populated_match() -> None:
    assert geocode_city("Kingston", None, "CA").region == "ON"  # not Kingston, NS


def test_city_lookup_ignores_case_accents_and_saint_abbreviations() -> None:
    assert geocode_city("MONTRÉAL", "Québec", "CA") == geocode_city("montreal", "QC", "CA")
    assert geocode_city("St. Louis", "MO", "US") == geocode_city("Saint Louis", "Missouri", "US")


def test_a_city_missing_from_the_postal_data_falls_back_to_geonames() -> None:
    point = geocode_city("New York City", "NY", "US")
    assert haversine_km(point.lat, point.lon, 40.7128, -74.006) < 5


@pytest.mark.parametrize(
    ("city", "region", "country"),
    [("Atlantis", None, "CA"), ("Toronto", "BC", "CA"), ("Detroit", "CA", "US"), ("", None, "US")],
)
def test_an_unknown_city_raises_geocode_error(city: str, region: str | None, country: str) -> None:
    with pytest.raises(GeocodeError):
        geocode_city(city, region, country)


def test_geocode_prefers_the_postal_code_over_the_city() -> None:
    point = geocode("CA", postal_code="M5V 2T6", city="Vancouver", region="BC")
    assert point.precision == "postal_code" and point.region == "ON"


def test_geocode_uses_the_city_when_no_postal_code_is_given() -> None:
    assert geocode("US", city="Detroit", region="MI").precision == "city"


def test_geocode_falls_back_to_the_city_when_the_code_is_unknown() -> None:
    assert geocode("US", postal_code="00000", city="Detroit", region="MI").place == "Detroit, MI"


def test_geocode_still_rejects_a_malformed_code_even_with_a_city() -> None:
    with pytest.raises(PostalCodeError):
        geocode("CA", postal_code="90210", city="Toronto", region="ON")


def test_geocode_needs_a_postal_code_or_a_city() -> None:
    with pytest.raises(GeocodeError, match="postal code or a city"):
        geocode("CA")


def test_canadian_postal_areas_cover_every_province_with_real_codes() -> None:
    areas = postal_areas("CA")
    assert len(areas) > 1600
    assert {a.region for a in areas} == set(PROVINCES)
    assert sum(a.weight for a in areas) == 891_910  # one unit per real postal code
    downtown = next(a for a in areas if a.code.startswith("M5V"))
    point = geocode_postal_code(downtown.code, "CA")
    assert (point.lat, point.lon, point.place) == (downtown.lat, downtown.lon, downtown.place)


def test_canadian_postal_areas_sit_at_their_sample_codes_own_coordinates() -> None:
    areas = postal_areas("CA")
    assert {a.precision for a in areas} == {"postal_code"}
    assert {a.precision for a in postal_areas("US")} == {"zip"}


def test_us_postal_areas_weight_city_zips_above_rural_ones() -> None:
    areas = {a.code: a for a in postal_areas("US")}
    assert {a.region for a in areas.values()} >= set(US_STATES) - {"PR"}
    assert all(a.weight >= 1000 for a in areas.values())
    assert areas["48226"].weight > 3 * areas["59001"].weight  # downtown Detroit vs Absarokee, MT
    assert areas["48226"].place == "Detroit, MI"


def test_postal_areas_are_cached_and_callers_cannot_corrupt_the_cache() -> None:
    first = postal_areas("CA")
    first.clear()
    assert postal_areas("CA") and postal_areas("CA") == postal_areas("CA")


@pytest.mark.parametrize(
    ("country", "region", "lon", "expected"),
    [
        ("CA", "ON", None, "America/Toronto"),
        ("CA", "ON", -94.5, "America/Winnipeg"),
        ("CA", "SK", None, "America/Regina"),
        ("CA", "Newfoundland and Labrador", -52.7, "America/St_Johns"),
        ("CA", "BC", None, "America/Vancouver"),
        ("US", "MI", None, "America/Detroit"),
        ("US", "TX", None, "America/Chicago"),
        ("US", "TX", -106.4, "America/Denver"),
        ("US", "California", None, "America/Los_Angeles"),
    ],
)
def test_timezone_for_a_region_and_longitude(country: str, region: str, lon: float | None, expected: str) -> None:
    assert timezone_for(country, region, lon) == expected


def test_every_timezone_name_is_a_real_iana_zone() -> None:
    names = {timezone_for("CA", code, lon) for code in PROVINCES for lon in (None, -50.0, -95.0, -110.0)}
    names |= {timezone_for("US", code) for code in US_STATES}
    for name in names:
        zoneinfo.ZoneInfo(name)


def test_a_corrupt_cache_file_is_rebuilt_and_then_reused(private_cache_dir: Path) -> None:
    path = geo_tables._cache_file("ca-postal")
    assert path.parent == private_cache_dir
    path.write_text("{not json")
    assert geocode_postal_code("K1P 1J1", "CA").place == "Ottawa"
    assert "K1P" in json.loads(path.read_text())["data"]

    written = path.stat().st_mtime_ns
    geo.clear_caches()
    assert geocode_postal_code("K1P 1J1", "CA").place == "Ottawa"
    assert path.stat().st_mtime_ns == written  # loaded, not rebuilt


def test_concurrent_first_use_builds_one_consistent_table() -> None:
    geo.clear_caches()
    results: list[GeoPoint] = []
    errors: list[Exception] = []

    def work() -> None:
        try:
            results.append(geocode_postal_code("48226", "US"))
        except Exception as exc:  # surfaced to the main thread, where pytest can see it
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 8 and len(set(results)) == 1


def test_haversine_from_an_origin_agrees_with_haversine():
    from mechmatch.core.geo import haversine_from_km, haversine_km

    km_from_toronto = haversine_from_km(43.6426, -79.3871)
    for lat, lon in [(43.6426, -79.3871), (45.5019, -73.5674), (49.2827, -123.1207), (-33.86, 151.21), (42.33, -83.05)]:
        assert km_from_toronto(lat, lon) == pytest.approx(haversine_km(43.6426, -79.3871, lat, lon), abs=1e-9)
