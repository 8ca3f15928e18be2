from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from mechmatch.experiments.models import Experiment, Exposure
from mechmatch.experiments.policies import scoring_policy_for
from mechmatch.experiments.selectors import arm_of
from mechmatch.experiments.tests.conftest import policy_experiment, set_arms
from mechmatch.matching.selectors import scoring_policy
from mechmatch.testing import make_user

pytestmark = pytest.mark.django_db


def test_a_treatment_customer_ranks_with_the_experiments_weights_under_its_name(customer):
    policy_experiment("rating_heavy", rating_max=1000)
    chosen = scoring_policy_for(customer.user)
    assert chosen.policy.rating_max == 1000
    assert chosen.policy.name == "rating_heavy:treatment"
    assert chosen.arms == {"rating_heavy": "treatment"}
    # Everything else is the deployment's default policy, settings included.
    assert chosen.policy.with_overrides(rating_max=15.0, name="default-v1") == scoring_policy()


def test_a_control_customer_and_one_not_enrolled_rank_with_the_default_policy(customer):
    experiment = policy_experiment("rating_heavy", treatment=0, control=100)
    assert scoring_policy_for(customer.user).policy == scoring_policy()
    assert scoring_policy_for(customer.user).arms == {"rating_heavy": "control"}
    set_arms(experiment, 0, 0)
    assert scoring_policy_for(customer.user).policy == scoring_policy()
    assert scoring_policy_for(customer.user).arms == {}


def test_an_inactive_experiment_leaves_everyone_on_the_default_policy(customer):
    policy_experiment("rating_heavy")
    Experiment.objects.filter(name="rating_heavy").update(active=False)
    assert scoring_policy_for(customer.user).policy == scoring_policy()


def test_nobody_signed_in_ranks_with_the_default_policy():
    policy_experiment("rating_heavy")
    assert scoring_policy_for(None).policy == scoring_policy()
    assert scoring_policy_for(AnonymousUser()).policy == scoring_policy()


def test_the_policy_is_the_same_on_every_call_and_reading_it_records_nothing(customer):
    policy_experiment("rating_heavy", treatment=50, control=50)
    first = scoring_policy_for(customer.user)
    assert all(scoring_policy_for(customer.user) == first for _ in range(5))
    assert scoring_policy_for(customer.user.pk) == first
    assert not Exposure.objects.exists()


def test_growing_the_shares_never_moves_a_customer_to_the_other_policy():
    experiment = policy_experiment("rating_heavy", treatment=10, control=10)
    users = [make_user(email=f"p{i}@example.test") for i in range(200)]
    before = {u.pk: scoring_policy_for(u) for u in users}
    set_arms(experiment, 40, 40)
    after = {u.pk: scoring_policy_for(u) for u in users}
    for pk, chosen in before.items():
        if chosen.arms:
            assert after[pk].arms == chosen.arms and after[pk].policy == chosen.policy
    assert sum(bool(c.arms) for c in after.values()) > sum(bool(c.arms) for c in before.values())
    # The arm is the experiment's own hash: the same one every other experiment uses.
    assert all(after[u.pk].arms.get("rating_heavy") == arm_of("rating_heavy", u) for u in users)


def test_two_experiments_on_different_weights_apply_in_name_order(customer):
    policy_experiment("b_favourites", favourite=40)
    policy_experiment("a_rating", rating_max=200)
    chosen = scoring_policy_for(customer.user)
    assert (chosen.policy.rating_max, chosen.policy.favourite) == (200, 40)
    assert chosen.policy.name == "a_rating:treatment+b_favourites:treatment"


def test_a_weight_edited_outside_the_admin_into_nonsense_is_not_applied(customer):
    policy_experiment("rating_heavy")
    Experiment.objects.filter(name="rating_heavy").update(treatment_policy={"rating_max": "lots"})
    chosen = scoring_policy_for(customer.user)
    assert chosen.policy == scoring_policy() and chosen.arms == {}
