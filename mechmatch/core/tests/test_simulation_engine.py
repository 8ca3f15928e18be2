"""The simulator over a generated demo city: the same seed gives the same run, another
seed another; the real ranking's weights change who is offered."""

from __future__ import annotations

from typing import Any

import pytest

from mechmatch.core.ranking import ScoringPolicy
from mechmatch.core.simulation import POLICIES, Scenario, run_policies
from mechmatch.core.simulation.population import PopulationParams, generate
from mechmatch.core.simulation.report import summarise
from mechmatch.core.tests.test_simulation_routing import RULES

BRANDS = {"Toyota": 3.0, "Honda": 2.0, "BMW": 1.0}
BRAND_SERVICE = {"BMW": "bmw_coding"}
SMALL = PopulationParams(mechanics=60, hours=12.0, requests_per_mechanic_day=2.0)


def city(seed: int) -> Scenario:
    return generate(SMALL, seed=seed, brand_weights=BRANDS, brand_service=BRAND_SERVICE)


def figures(seed: int, policy: ScoringPolicy | None = None) -> dict[str, Any]:
    engines = run_policies(city(seed), POLICIES, rules=RULES, policy=policy or ScoringPolicy())
    return {name: summarise(engine, resamples=50) for name, engine in engines.items()}


def test_a_seed_gives_the_same_city_and_the_same_figures():
    assert city(5).arrivals == city(5).arrivals
    assert [m.shifts for m in city(5).mechanics] == [m.shifts for m in city(5).mechanics]
    assert figures(5) == figures(5)


def test_another_seed_gives_another_city():
    assert city(5).arrivals != city(6).arrivals


def test_every_policy_settles_every_request_and_reports_each_figure():
    results = figures(5)
    assert set(results) == set(POLICIES)
    for name, f in results.items():
        assert f["requests"] > 0 and f["unsettled"] == 0, name
        assert f["served"] + f["unserved"] == f["requests"], name
        assert f["offers_per_request"] is not None and f["utilisation"]["mechanics_on_shift"] > 0, name


def test_a_wide_broadcast_notifies_more_mechanics_than_the_top_matches():
    results = figures(5)
    assert results["broadcast"]["offers_per_request"] > results["smart_broadcast"]["offers_per_request"]


def offered(policy: ScoringPolicy) -> list[tuple[int, int]]:
    engine = run_policies(city(5), ["smart_broadcast"], rules=RULES, policy=policy)["smart_broadcast"]
    return [(o.request_key, o.mechanic_id) for o in engine.offers]


def test_scoring_weights_change_who_is_offered():
    assert offered(ScoringPolicy()) == offered(ScoringPolicy())
    assert offered(ScoringPolicy()) != offered(ScoringPolicy(distance_max_local=0.0, rating_max=60.0))


def test_an_unknown_city_is_refused():
    with pytest.raises(ValueError, match="unknown city"):
        generate(PopulationParams(city="atlantis"), seed=1, brand_weights=BRANDS, brand_service=BRAND_SERVICE)
