from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.experiments.models import Experiment
from mechmatch.experiments.services import treatment_policy_clean
from mechmatch.experiments.tests.conftest import policy_experiment

pytestmark = pytest.mark.django_db


def unsaved(name: str = "weights", **fields) -> Experiment:
    return Experiment(name=name, salt="s", treatment_percent=10, control_percent=10, **fields)


def refusal(experiment: Experiment) -> str:
    with pytest.raises(ValidationError) as caught:
        treatment_policy_clean(experiment=experiment)
    return " ".join(caught.value.message_dict["treatment_policy"])


def test_weights_come_back_in_their_own_type_and_an_empty_policy_is_no_policy():
    assert treatment_policy_clean(experiment=unsaved(treatment_policy={"rating_max": 60, "sessions_cap": 100.0})) == {
        "rating_max": 60.0,
        "sessions_cap": 100,
    }
    assert treatment_policy_clean(experiment=unsaved(treatment_policy={})) == {}
    assert treatment_policy_clean(experiment=unsaved(treatment_policy=None)) == {}


@pytest.mark.parametrize(
    ("weights", "named"),
    [
        ({"no_such_weight": 1}, "no_such_weight: ScoringPolicy has no such weight"),
        ({"rating_max": "lots"}, "rating_max: 'lots' is not a number"),
        ({"rating_max": 1e9}, "rating_max: 1e+09 is outside 0..1000"),
        ({"name": 3}, "name: ScoringPolicy has no such weight"),
        ({"new_mechanic_days": 60}, "new_mechanic_days: not an experiment weight"),
    ],
)
def test_a_bad_weight_is_refused_naming_it(weights, named):
    assert named in refusal(unsaved(treatment_policy=weights))


def test_a_policy_that_is_not_an_object_is_refused():
    assert "object" in refusal(unsaved(treatment_policy=[1, 2]))


def test_the_flow_experiment_cannot_carry_weights_too(preview_experiment):
    preview_experiment.treatment_policy = {"rating_max": 60}
    assert "compares flows" in refusal(preview_experiment)


def test_two_active_experiments_on_the_same_weight_are_refused_and_on_different_weights_compose():
    policy_experiment("rating_heavy", rating_max=60)
    assert "rating_max: the active experiment rating_heavy already overrides it" in refusal(
        unsaved(treatment_policy={"favourite": 20, "rating_max": 30})
    )
    assert treatment_policy_clean(experiment=unsaved(treatment_policy={"favourite": 20})) == {"favourite": 20.0}
    # Once stopped, the weight is free again; and an inactive draft may be prepared meanwhile.
    assert treatment_policy_clean(experiment=unsaved(treatment_policy={"rating_max": 30}, active=False))
    Experiment.objects.filter(name="rating_heavy").update(active=False)
    assert treatment_policy_clean(experiment=unsaved(treatment_policy={"rating_max": 30})) == {"rating_max": 30.0}


def test_the_model_clean_uses_the_same_rule():
    experiment = unsaved(treatment_policy={"rating_max": -5})
    with pytest.raises(ValidationError) as caught:
        experiment.full_clean()
    assert "rating_max: -5 is outside 0..1000" in caught.value.message_dict["treatment_policy"][0]
