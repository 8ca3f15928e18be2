from __future__ import annotations

import pytest

from mechmatch.experiments.models import Exposure
from mechmatch.experiments.policies import scoring_policy_applied
from mechmatch.experiments.tests.conftest import policy_experiment
from mechmatch.matching.selectors import scoring_policy

pytestmark = pytest.mark.django_db


def test_applying_the_policy_records_the_first_exposure_once(customer):
    experiment = policy_experiment("rating_heavy")
    for _ in range(3):
        assert scoring_policy_applied(customer.user).name == "rating_heavy:treatment"
    exposure = Exposure.objects.get()
    assert (exposure.experiment, exposure.customer, exposure.arm) == (experiment, customer.user, "treatment")


def test_a_control_customer_is_exposed_too_with_the_default_policy(customer):
    policy_experiment("rating_heavy", treatment=0, control=100)
    assert scoring_policy_applied(customer.user) == scoring_policy()
    assert list(Exposure.objects.values_list("arm", flat=True)) == ["control"]


def test_nobody_is_exposed_to_an_experiment_that_does_not_enrol_them(customer, preview_experiment):
    policy_experiment("rating_heavy", treatment=0, control=0)
    assert scoring_policy_applied(customer.user) == scoring_policy()
    assert scoring_policy_applied(None) == scoring_policy()
    # Only policy experiments: ranking a customer is no exposure to the flow experiment.
    assert not Exposure.objects.exists()
