"""The simulator's routing rules, one policy at a time, on a hand-built street of mechanics
with scripted answers, so each rule's effect is visible in the offers it makes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mechmatch.core.ranking import ScoringPolicy
from mechmatch.core.simulation import DispatchRules, Engine, Scenario, SearchStep
from mechmatch.core.simulation.model import (
    DECLINED,
    EXPIRED,
    SUPERSEDED,
    WITHDRAWN,
    Arrival,
    Decision,
    Shift,
    SimMechanic,
)

# Small numbers of the test's own (the deployment's come from settings via the command).
RULES = DispatchRules(
    offer_window_seconds=300,
    fallback_delay_seconds=120,
    broadcast_window_seconds=600,
    smart_broadcast_size=3,
    broadcast_cap=5,
    max_open_offers_per_mechanic=2,
    new_mechanic_offer_share=0.2,
    search_steps=(SearchStep(5.0, 78.5), SearchStep(50.0, 7850.0), SearchStep(500.0, 785000.0)),
    service_radius_step=1,
    enough_candidates=40,
    enough_available=5,
    enough_beyond_service_radius=8,
    max_candidates=150,
    remote_closest=8,
    initial_match_size=6,
)
ALL_DAY = [Shift(0.0, 86400.0)]
LAT, LON = 43.65, -79.38


def street(count: int = 8, changes: dict[int, dict[str, object]] | None = None) -> list[SimMechanic]:
    """Mechanics 1..count on a line eastwards, each a km further, the nearest best rated."""
    mechanics = []
    for i in range(1, count + 1):
        m = SimMechanic(
            id=i, lat=LAT, lon=LON + 0.0125 * i, country="CA", rating=4.9 - 0.05 * i, review_count=50,
            completed_sessions=80, avg_response_seconds=120.0, response_sample_count=80, years_experience=10,
            shifts=list(ALL_DAY),
        )  # fmt: skip
        for name, value in (changes or {}).get(i, {}).items():
            setattr(m, name, value)
        mechanics.append(m)
    return mechanics


def arrival(key: int = 1, **fields: object) -> Arrival:
    base: dict[str, object] = {"key": key, "at": 100.0, "lat": LAT, "lon": LON, "country": "CA", "area": "M5V"}
    base.update(fields)
    return Arrival(**base)  # type: ignore[arg-type]


def script(answers: dict[int, Decision]) -> Callable[[SimMechanic, int, str, int], Decision]:
    """Mechanics answer as scripted; everyone else ignores the offer."""
    return lambda m, key, kind, seed: answers.get(m.id, Decision("ignore"))


def run(routing: str, mechanics: list[SimMechanic], arrivals: list[Arrival], answers: dict[int, Decision]) -> Engine:
    scenario = Scenario(mechanics=mechanics, arrivals=arrivals, hours=2.0)
    return Engine(scenario, routing=routing, rules=RULES, policy=ScoringPolicy(), decide=script(answers)).run()


def test_the_selected_mechanic_gets_an_exclusive_window_and_an_accept_starts_the_session():
    engine = run("selected", street(), [arrival(selected_id=4)], {4: Decision("accept", 30.0)})
    request = engine.requests[1]
    assert [(o.mechanic_id, o.kind) for o in engine.offers] == [(4, "exclusive")]
    assert request.started_at == 130.0 and request.mechanic_id == 4
    assert not request.used_fallback


def test_a_lapsed_selected_offer_asks_the_customer_then_tries_the_top_matches():
    engine = run("selected", street(), [arrival(selected_id=4)], {})
    request = engine.requests[1]
    exclusive, *smart = engine.offers
    assert exclusive.status == EXPIRED and exclusive.expires_at == 400.0
    assert request.asked_customer
    # Asked at 400, no answer within the fallback delay: the top three (nearest, best rated).
    assert [o.offered_at for o in smart[:3]] == [520.0] * 3
    assert [o.mechanic_id for o in smart[:3]] == [1, 2, 3]
    assert request.used_fallback


def test_the_customer_picks_the_top_match_from_the_preview_when_nobody_was_chosen():
    engine = run("selected", street(), [arrival(pick_roll=0.1)], {1: Decision("accept", 5.0)})
    assert engine.offers[0].mechanic_id == 1 and engine.requests[1].mechanic_id == 1


def test_a_declining_favourite_goes_straight_to_the_top_matches_without_asking():
    engine = run("priority_broadcast", street(), [arrival(favourite_id=6)], {6: Decision("decline", 10.0)})
    request = engine.requests[1]
    assert engine.offers[0].status == DECLINED
    assert [o.offered_at for o in engine.offers[1:4]] == [110.0] * 3
    assert not request.asked_customer and request.used_fallback


def test_a_favourite_off_shift_means_the_top_matches_at_once():
    mechanics = street(changes={6: {"shifts": []}})
    engine = run("priority_broadcast", mechanics, [arrival(favourite_id=6)], {})
    assert {o.kind for o in engine.offers} == {"broadcast"} and engine.offers[0].offered_at == 100.0


def test_smart_broadcast_widens_to_everyone_then_gives_up():
    engine = run("smart_broadcast", street(), [arrival()], {})
    request = engine.requests[1]
    smart = [o for o in engine.offers if o.offered_at == 100.0]
    wide = [o for o in engine.offers if o.offered_at == 700.0]
    assert [o.mechanic_id for o in smart] == [1, 2, 3]
    assert sorted(o.mechanic_id for o in wide) == [4, 5, 6, 7, 8]  # the cap of 5, none offered twice
    assert request.status == "expired" and request.used_fallback


def test_the_first_accept_of_a_broadcast_wins_and_supersedes_the_rest():
    engine = run("broadcast", street(), [arrival()], {3: Decision("accept", 40.0), 2: Decision("accept", 50.0)})
    assert len(engine.offers) == RULES.broadcast_cap
    assert engine.requests[1].mechanic_id == 3
    assert sorted(o.status for o in engine.offers).count(SUPERSEDED) == RULES.broadcast_cap - 1


def test_a_mechanic_in_a_session_is_not_offered_and_cannot_accept():
    first, second = arrival(1, at=100.0, session_seconds=3600.0), arrival(2, at=200.0)
    engine = run("smart_broadcast", street(), [first, second], {1: Decision("accept", 10.0)})
    assert engine.requests[1].mechanic_id == 1
    second_offers = [o.mechanic_id for o in engine.requests[2].offers]
    assert 1 not in second_offers and second_offers[:3] == [2, 3, 4]


def test_the_open_offer_cap_spreads_broadcasts():
    arrivals = [arrival(k, at=100.0 + k) for k in (1, 2, 3)]
    engine = run("smart_broadcast", street(), arrivals, {})
    # Mechanics 1-3 hold two open offers each after two requests; the third goes to 4-6.
    assert [o.mechanic_id for o in engine.requests[3].offers[:3]] == [4, 5, 6]


def test_going_off_shift_withdraws_offers_and_moves_the_request_on():
    mechanics = street(changes={4: {"shifts": [Shift(0.0, 160.0)]}})
    engine = run("selected", mechanics, [arrival(selected_id=4)], {})
    assert engine.offers[0].status == WITHDRAWN
    assert engine.requests[1].asked_customer  # at 160, not at the end of the window


def test_workshop_only_offers_its_mechanics_and_expires_without_widening():
    mechanics = street(changes={2: {"workshop_id": 7}, 5: {"workshop_id": 7}})
    engine = run("workshop_only", mechanics, [arrival(workshop_id=7)], {})
    assert sorted(o.mechanic_id for o in engine.offers) == [2, 5]
    assert engine.requests[1].status == "expired"


def test_hybrid_widens_to_everyone_when_the_workshop_lapses():
    mechanics = street(changes={2: {"workshop_id": 7}})
    engine = run("hybrid", mechanics, [arrival(workshop_id=7)], {})
    assert [o.mechanic_id for o in engine.offers[:1]] == [2]
    assert {o.offered_at for o in engine.offers[1:]} == {700.0} and engine.requests[1].used_fallback


def test_an_unknown_routing_policy_is_refused():
    with pytest.raises(ValueError, match="unknown routing policy"):
        Engine(Scenario([], [], 1.0), routing="everyone", rules=RULES, policy=ScoringPolicy())
