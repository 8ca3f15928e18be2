"""The preview service: brand-specialist requests and the one local boundary."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mechmatch.core.geo import distance_km, geocode
from mechmatch.core.ranking import km_shown
from mechmatch.experiments.models import Experiment, Exposure
from mechmatch.experiments.tests.conftest import customers_in_each_arm, near_and_well_rated, policy_experiment
from mechmatch.funnel.models import FunnelEvent
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


TORONTO_BRAKES = MatchQuery(concern="My brakes squeal", country="CA", postal_code=DOWNTOWN)


def test_a_treatment_customer_of_a_policy_experiment_is_ranked_with_its_weights_and_control_is_not():
    nadia, rafa = near_and_well_rated()
    treated, control = customers_in_each_arm(policy_experiment("rating_heavy", treatment=50, control=50))
    order = [m.mechanic_id for m in match_preview(TORONTO_BRAKES, customer_user=treated.user).matches]
    assert order == [rafa.pk, nadia.pk]
    order = [m.mechanic_id for m in match_preview(TORONTO_BRAKES, customer_user=control.user).matches]
    assert order == [nadia.pk, rafa.pk]
    # Nobody signed in is in no experiment: the default policy.
    assert [m.mechanic_id for m in match_preview(TORONTO_BRAKES).matches] == [nadia.pk, rafa.pk]


def test_the_preview_event_carries_the_policy_name_and_the_arm_and_the_exposure_is_recorded_once():
    near_and_well_rated()
    treated, control = customers_in_each_arm(policy_experiment("rating_heavy", treatment=50, control=50))
    for _ in range(2):
        match_preview(TORONTO_BRAKES, customer_user=treated.user)
        match_preview(TORONTO_BRAKES, customer_user=control.user)
    events = FunnelEvent.objects.filter(name="preview_shown")
    treated_event = events.filter(user=treated.user)[0]
    control_event = events.filter(user=control.user)[0]
    assert treated_event.properties["policy"] == "rating_heavy:treatment"
    assert treated_event.arms["rating_heavy"] == "treatment"
    assert control_event.properties["policy"] == scoring_policy().name
    assert control_event.arms["rating_heavy"] == "control"
    exposures = Exposure.objects.filter(experiment__name="rating_heavy")
    assert sorted(exposures.values_list("customer_id", "arm")) == sorted(
        [(treated.user.pk, "treatment"), (control.user.pk, "control")]
    )


def test_an_inactive_policy_experiment_leaves_the_ranking_as_it_was(customer):
    nadia, rafa = near_and_well_rated()
    policy_experiment("rating_heavy")
    Experiment.objects.filter(name="rating_heavy").update(active=False)
    result = match_preview(TORONTO_BRAKES, customer_user=customer.user)
    assert [m.mechanic_id for m in result.matches] == [nadia.pk, rafa.pk]
    assert not Exposure.objects.exists()
