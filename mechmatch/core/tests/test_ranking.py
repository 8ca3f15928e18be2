"""Ranking is pure Python: these tests need no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mechmatch.core.ranking import (
    Candidate,
    MatchCriteria,
    ScoringPolicy,
    bayesian_rating,
    distance_points,
    format_match_reasons,
    is_within_km,
    km_shown,
    rank,
    score,
)
from mechmatch.core.reasons import REASON_TEMPLATES, reason_text

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TORONTO = (43.6442, -79.3963)
# About 3 km east and about 40 km east of downtown Toronto.
NEAR = (43.6442, -79.3590)
FAR = (43.6442, -78.8990)


def candidate(id_: int = 1, **overrides) -> Candidate:
    base = Candidate(
        id=id_,
        name=f"Mechanic {id_}",
        lat=NEAR[0],
        lon=NEAR[1],
        country="CA",
        is_on_shift=True,
        last_seen_at=NOW,
        rating=4.6,
        review_count=40,
        completed_sessions=60,
        avg_response_seconds=120.0,
        years_experience=8,
        profile_completion=80,
        approved_at=NOW - timedelta(days=400),
    )
    return replace(base, **overrides)


def criteria(**overrides) -> MatchCriteria:
    base = MatchCriteria(lat=TORONTO[0], lon=TORONTO[1], country="CA", now=NOW)
    return replace(base, **overrides)


def test_a_few_perfect_reviews_rank_below_many_slightly_lower_ones():
    few = candidate(1, rating=4.9, review_count=2)
    many = candidate(2, rating=4.8, review_count=200)
    ranked = rank([few, many], criteria())
    assert [m.mechanic_id for m in ranked] == [2, 1]
    assert ranked[0].breakdown["rating"] > ranked[1].breakdown["rating"]


def test_bayesian_rating_pulls_small_samples_toward_the_prior():
    policy = ScoringPolicy(rating_prior_mean=4.3, rating_prior_weight=20)
    assert bayesian_rating(5.0, 0, policy) == pytest.approx(4.3)
    assert bayesian_rating(4.9, 2, policy) < bayesian_rating(4.8, 200, policy)


def test_identical_candidates_break_ties_by_distance_then_id():
    a, b, c = candidate(7), candidate(3), candidate(5, lon=NEAR[1] - 0.01)
    ranked = rank([a, b, c], criteria())
    # c is nearer (and so scores a hair higher); a and b are identical, so the lower id wins.
    assert [m.mechanic_id for m in ranked] == [5, 3, 7]
    assert rank([c, a, b], criteria()) == ranked


def test_ranking_is_deterministic_whatever_the_input_order():
    people = [candidate(i, rating=4.5) for i in range(10, 0, -1)]
    first = [m.mechanic_id for m in rank(people, criteria())]
    second = [m.mechanic_id for m in rank(list(reversed(people)), criteria())]
    assert first == second == sorted(first)


def test_distance_decays_continuously_and_never_jumps():
    points = [distance_points(km, True) for km in range(0, 200, 5)]
    assert all(a > b for a, b in zip(points, points[1:], strict=False))
    assert distance_points(None, True) == 0


def test_prefer_local_makes_distance_matter_much_more():
    near = candidate(1, rating=4.3, review_count=10, years_experience=2, completed_sessions=5)
    far_star = candidate(
        2, lat=FAR[0], lon=FAR[1], rating=4.95, review_count=400, years_experience=25, completed_sessions=900,
        red_seal_certified=True, red_seal_verified=True,
    )  # fmt: skip
    local_first = rank([near, far_star], criteria(prefer_local=True))
    anywhere = rank([near, far_star], criteria(prefer_local=False))
    assert local_first[0].mechanic_id == 1
    assert anywhere[0].mechanic_id == 2


def test_brand_specialist_request_puts_a_far_specialist_above_a_local_generalist():
    local_generalist = candidate(1)
    far_specialist = candidate(2, lat=FAR[0], lon=FAR[1], brands=("BMW",), specialist_tier="brand")
    ranked = rank([local_generalist, far_specialist], criteria(request_type="brand_specialist", requested_brand="BMW"))
    assert ranked[0].mechanic_id == 2
    assert ranked[0].is_brand_specialist and "BMW specialist" in ranked[0].reasons


def test_master_technicians_get_a_tier_bonus():
    brand = score(candidate(1, brands=("BMW",), specialist_tier="brand"), criteria(requested_brand="BMW"))
    master = score(candidate(2, brands=("BMW",), specialist_tier="master"), criteria(requested_brand="BMW"))
    assert master.breakdown["brand"] > brand.breakdown["brand"]
    assert "BMW master technician" in master.reasons


def test_specialist_services_weigh_more_than_general_ones_in_the_concern_match():
    general = score(candidate(1, services=("brakes",)), criteria(keywords=("brakes",)))
    special = score(candidate(2, services=("ev_hybrid",)), criteria(keywords=("ev_hybrid",)))
    assert special.breakdown["concern"] > general.breakdown["concern"] > 0


def test_experience_has_diminishing_returns():
    p = [score(candidate(1, years_experience=y), criteria()).breakdown["experience"] for y in (0, 5, 10, 30)]
    assert p[0] == 0 and p[1] < p[2] < p[3]
    assert (p[2] - p[1]) < (p[1] - p[0])


def test_offline_mechanics_score_less_than_on_shift_ones_and_recently_seen_in_between():
    on = score(candidate(1), criteria()).breakdown["availability"]
    recent = score(candidate(2, is_on_shift=False, last_seen_at=NOW - timedelta(minutes=5)), criteria())
    gone = score(candidate(3, is_on_shift=False, last_seen_at=NOW - timedelta(days=2)), criteria())
    assert on > recent.breakdown["availability"] > gone.breakdown["availability"] == 0


def test_verified_red_seal_counts_more_than_a_claim():
    claimed = score(candidate(1, red_seal_certified=True), criteria()).breakdown["red_seal"]
    verified = score(candidate(2, red_seal_certified=True, red_seal_verified=True), criteria()).breakdown["red_seal"]
    assert verified > claimed > 0


def test_busy_and_recently_offered_mechanics_step_back():
    idle = score(candidate(1), criteria())
    busy = score(candidate(2, active_sessions=1, recent_offers=3), criteria())
    assert busy.breakdown["load"] < 0 == idle.breakdown["load"]
    assert busy.score < idle.score


def test_recently_approved_mechanics_with_few_sessions_are_labelled_new():
    fresh = score(candidate(1, approved_at=NOW - timedelta(days=3), completed_sessions=0), criteria())
    veteran = score(candidate(2), criteria())
    assert fresh.is_new and "New on mechmatch" in fresh.reasons
    assert not veteran.is_new


def test_favourites_get_a_bonus_and_say_so():
    match = score(candidate(1), criteria(favourite_ids=frozenset({1})))
    assert match.is_favourite and match.reasons[0] == "One of your favourites"


def test_reasons_are_short_and_human():
    match = score(
        candidate(1, brands=("Honda",), rating=4.8, review_count=212, avg_response_seconds=110,
                  red_seal_certified=True, red_seal_verified=True),
        criteria(requested_brand="Honda"),
    )  # fmt: skip
    assert match.reasons[:2] == ["Honda specialist", "3 km away"]
    for reason in ("Available now", "4.8★ from 212 reviews", "Usually responds in 2 min", "Red Seal certified"):
        assert reason in match.reasons


def test_unknown_distance_is_none_not_a_sentinel():
    match = score(candidate(1, lat=None, lon=None), criteria())
    assert match.distance_km is None and match.breakdown["distance"] == 0 and not match.is_local


def test_breakdown_adds_up_to_the_score():
    match = score(
        candidate(1, brands=("BMW",), services=("brakes",)), criteria(requested_brand="BMW", keywords=("brakes",))
    )
    assert sum(match.breakdown.values()) == pytest.approx(match.score, abs=0.05)


def test_policies_are_data_and_can_be_varied_for_an_experiment():
    policy = ScoringPolicy().with_overrides(name="no-distance", distance_max_local=0.0)
    assert ScoringPolicy.from_dict(policy.as_dict()) == policy
    match = score(candidate(1), criteria(), policy)
    assert match.breakdown["distance"] == 0
    with pytest.raises(TypeError):
        ScoringPolicy().with_overrides(not_a_weight=1)


def test_match_summary_follows_the_plan_format():
    assert format_match_reasons([]) == "Available to help"
    assert format_match_reasons(["A"]) == "A"
    assert format_match_reasons(["A", "B"]) == "A · B"
    assert format_match_reasons(["A", "B", "C", "D"]) == "A · B · +2 more"


def _rich_match():
    return score(
        candidate(1, brands=("Honda",), services=("brakes", "steering"), rating=4.8, review_count=212,
                  avg_response_seconds=110, red_seal_verified=True, years_experience=12,
                  approved_at=NOW - timedelta(days=3), completed_sessions=1),
        criteria(requested_brand="Honda", keywords=("steering", "brakes"), favourite_ids=frozenset({1})),
    )  # fmt: skip


def test_every_reason_has_a_structured_key_in_the_same_order():
    match = _rich_match()
    assert len(match.reason_keys) == len(match.reasons) == 10
    assert [code for code, _ in match.reason_keys] == [
        "favourite",
        "brand_specialist",
        "experienced_with",
        "distance_km",
        "available_now",
        "rating",
        "responds_in",
        "red_seal",
        "years_experience",
        "new_on_mechmatch",
    ]
    keys = dict(match.reason_keys)
    assert keys["brand_specialist"] == {"brand": "Honda"}
    assert keys["distance_km"] == {"km": 3}
    assert keys["responds_in"] == {"minutes": 2}
    assert keys["rating"] == {"rating": "4.8", "count": 212}
    # Slugs, in taxonomy order, so labels can be localised.
    assert keys["experienced_with"] == {"services": ["brakes", "steering"]}
    assert keys["years_experience"] == {"years": 12}


def test_the_english_text_comes_from_the_reason_table():
    match = _rich_match()
    assert match.reasons == [reason_text(code, params) for code, params in match.reason_keys]
    assert "Experienced with Brakes, Steering" in match.reasons and "12 years experience" in match.reasons
    assert set(REASON_TEMPLATES) >= {code for code, _ in match.reason_keys}
    assert reason_text("distance_km", {"km": 1234}) == "1,234 km away"
    assert reason_text("distance_under_1km") == "Less than 1 km away"
    assert reason_text("rating", {"rating": "5.0", "count": 1}) == "5.0★ from 1 review"
    assert reason_text("brand_master", {"brand": "BMW"}) == "BMW master technician"
    assert reason_text("responds_under_1min") == "Usually responds in under a minute"


def test_unexplained_matches_carry_no_reason_keys():
    match = score(candidate(1, brands=("Honda",)), criteria(requested_brand="Honda"), explain=False)
    assert match.reasons == [] and match.reason_keys == ()


def test_a_distance_is_shown_in_whole_km_rounded_half_up_and_never_as_zero():
    assert [km_shown(km) for km in (0.2, 1.49, 19.5, 20.49, 20.5)] == [1, 1, 20, 20, 21]


def test_the_local_boundary_is_the_km_shown():
    assert is_within_km(20.49, 20.0) and not is_within_km(20.5, 20.0) and not is_within_km(None, 20.0)
    # About 20.4 km east of downtown Toronto: shown as 20 km, so local at a 20 km radius.
    match = score(candidate(lat=TORONTO[0], lon=TORONTO[1] + 0.2533), criteria())
    assert match.distance_km is not None and match.distance_km > 20
    assert km_shown(match.distance_km) == 20 and match.is_local
    assert "20 km away" in " ".join(match.reasons)
