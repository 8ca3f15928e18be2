"""The service dispatch calls: same ranking as the preview."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mechmatch.core.ranking import ScoringPolicy
from mechmatch.experiments.tests.conftest import customers_in_each_arm, near_and_well_rated, policy_experiment
from mechmatch.matching.services import MatchQuery, match_for_request
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db
REQUEST = MatchQuery(
    concern="brakes squeal",
    make="Honda",
    model="Civic",
    year=2018,
    request_type="general",
    requested_brand=None,
    country="CA",
    city="",
    postal_code="M5V 2T6",
    region="",
    prefer_local=True,
)


def test_dispatch_gets_the_same_order_as_the_preview():
    for i in range(6):
        make_mechanic(postal_code="M5V 3L9", rating=4.0 + i / 10, brands=["Honda"] if i % 2 else [])
    matches = match_for_request(REQUEST)
    preview = Client().post(
        "/api/matching/preview",
        json.dumps({"concern": "brakes squeal", "vehicle": {"make": "Honda"}, "customerCountry": "CA",
                    "customerPostalCode": "M5V 2T6"}),
        content_type="application/json",
    ).json()  # fmt: skip
    assert [m.mechanic_id for m in matches][:5] == [m["mechanicId"] for m in preview["matches"]]
    first = matches[0]
    assert first.score > 0 and first.breakdown and first.reasons and first.distance_km is not None


def test_excluded_mechanics_and_the_limit_are_respected():
    people = [make_mechanic(postal_code="M5V 3L9") for _ in range(4)]
    matches = match_for_request(REQUEST, exclude_mechanic_ids=[people[0].pk], limit=2)
    assert len(matches) == 2 and people[0].pk not in [m.mechanic_id for m in matches]


def test_a_policy_can_be_passed_for_experiments():
    make_mechanic(postal_code="M5V 3L9")
    policy = ScoringPolicy(name="no-distance", distance_max_local=0)
    assert match_for_request(REQUEST, policy=policy)[0].breakdown["distance"] == 0


def test_bad_locations_raise_a_validation_error_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        match_for_request(replace(REQUEST, postal_code="nope"))
    assert "postal_code" in exc.value.message_dict


def test_who_counts_as_new_follows_the_settings(settings):
    make_mechanic(postal_code="M5V 3L9", completed_sessions=0)
    assert match_for_request(REQUEST)[0].is_new
    settings.NEW_MECHANIC_SESSIONS = 0
    assert not match_for_request(REQUEST)[0].is_new
    settings.NEW_MECHANIC_SESSIONS, settings.NEW_MECHANIC_DAYS = 5, 0
    assert not match_for_request(REQUEST)[0].is_new


def test_dispatch_ranks_a_customer_with_their_policy_experiment_arm():
    treated, control = customers_in_each_arm(policy_experiment("rating_heavy", treatment=50, control=50))
    nadia, rafa = near_and_well_rated()
    assert [m.mechanic_id for m in match_for_request(REQUEST, customer_user=treated.user)] == [rafa.pk, nadia.pk]
    assert [m.mechanic_id for m in match_for_request(REQUEST, customer_user=control.user)] == [nadia.pk, rafa.pk]
