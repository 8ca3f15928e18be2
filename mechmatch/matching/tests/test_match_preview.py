"""The preview service: brand-specialist requests and the one local boundary."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mechmatch.core.geo import distance_km, geocode
from mechmatch.core.ranking import km_shown
from mechmatch.matching.selectors import scoring_policy
from mechmatch.matching.services import MatchQuery, match_preview
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db
AJAX, DOWNTOWN = "L1S 2J5", "M5V 2T6"


def bmw_query() -> MatchQuery:
    return MatchQuery(
        concern="Need my iDrive coded", country="CA", make="BMW", request_type="brand_specialist",
        requested_brand="BMW", postal_code=AJAX,
    )  # fmt: skip


def specialist_km() -> int:
    return km_shown(distance_km(geocode("CA", AJAX), geocode("CA", DOWNTOWN)))


def test_a_specialist_request_matches_only_specialists_and_offers_generalists_once():
    specialists = [make_mechanic(postal_code=DOWNTOWN, brands=["BMW"]) for _ in range(2)]
    generalists = [make_mechanic(postal_code=AJAX, rating=4.9, reviews=200) for _ in range(3)]
    result = match_preview(bmw_query())
    assert {m.mechanic_id for m in result.matches} == {m.pk for m in specialists}
    assert result.total_matches == 2
    alternatives = {m.mechanic_id for m in result.fallback.local_alternatives}
    assert alternatives == {m.pk for m in generalists}
    assert not alternatives & {m.mechanic_id for m in result.matches}


def test_a_specialist_shown_at_the_radius_counts_as_within_it():
    make_mechanic(postal_code=DOWNTOWN, brands=["BMW"])
    policy = replace(scoring_policy(), local_radius_km=float(specialist_km()))
    result = match_preview(bmw_query(), policy=policy)
    assert result.matches[0].is_local and result.fallback.scenario != "specialist_far"


def test_a_specialist_just_past_the_radius_is_said_to_be_further_than_it():
    make_mechanic(postal_code=DOWNTOWN, brands=["BMW"])
    radius = specialist_km() - 1
    result = match_preview(bmw_query(), policy=replace(scoring_policy(), local_radius_km=float(radius)))
    assert result.fallback.scenario == "specialist_far"
    assert f"No BMW specialist within {radius} km. The nearest is {radius + 1} km away" in result.fallback.message
