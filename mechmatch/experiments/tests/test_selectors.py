from __future__ import annotations

import pytest

from mechmatch.experiments.selectors import arm_of, arms_of
from mechmatch.experiments.tests.conftest import set_arms
from mechmatch.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_first_experiment_exists_and_enrols_nobody(preview_experiment, customer):
    assert preview_experiment.active
    assert (preview_experiment.treatment_percent, preview_experiment.control_percent) == (0, 0)
    assert arm_of("preview_and_choose", customer.user) is None


def test_a_customer_keeps_their_arm_on_every_call(preview_experiment, customer):
    set_arms(preview_experiment, 50, 50)
    arm = arm_of("preview_and_choose", customer.user)
    assert arm in ("treatment", "control")
    assert {arm_of("preview_and_choose", customer.user) for _ in range(5)} == {arm}
    assert arm_of("preview_and_choose", customer.user.pk) == arm


def test_ten_and_ten_percent_split_customers_into_both_arms_and_leave_most_out(preview_experiment):
    set_arms(preview_experiment, 10, 10)
    users = [make_user(email=f"c{i}@example.test") for i in range(300)]
    arms = [arm_of("preview_and_choose", u) for u in users]
    assert 10 < arms.count("treatment") < 60 and 10 < arms.count("control") < 60
    assert arms.count(None) > 180


def test_growing_the_arms_keeps_everyone_enrolled_in_their_arm(preview_experiment):
    users = [make_user(email=f"g{i}@example.test") for i in range(200)]
    set_arms(preview_experiment, 10, 10)
    before = {u.pk: arm_of("preview_and_choose", u) for u in users}
    set_arms(preview_experiment, 30, 30)
    after = {u.pk: arm_of("preview_and_choose", u) for u in users}
    assert all(after[pk] == arm for pk, arm in before.items() if arm is not None)
    assert sum(a is not None for a in after.values()) > sum(a is not None for a in before.values())


def test_an_inactive_or_unknown_experiment_enrols_nobody(preview_experiment, customer):
    set_arms(preview_experiment, 100, 0)
    assert arms_of(customer.user) == {"preview_and_choose": "treatment"}
    preview_experiment.active = False
    preview_experiment.save()
    assert arm_of("preview_and_choose", customer.user) is None
    assert arms_of(customer.user) == {}
    assert arm_of("no_such_experiment", customer.user) is None


def test_nobody_signed_in_has_no_arm(preview_experiment):
    from django.contrib.auth.models import AnonymousUser

    set_arms(preview_experiment, 100, 0)
    assert arm_of("preview_and_choose", AnonymousUser()) is None
    assert arm_of("preview_and_choose", None) is None
