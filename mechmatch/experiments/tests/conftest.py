from __future__ import annotations

from typing import Any

import pytest

from mechmatch.core.experiments import CONTROL, TREATMENT
from mechmatch.experiments.models import Experiment
from mechmatch.experiments.selectors import arm_of
from mechmatch.testing import make_customer, make_mechanic


@pytest.fixture
def preview_experiment(db) -> Experiment:
    """The experiment the data migration creates, off (0% / 0%)."""
    return Experiment.objects.get(name="preview_and_choose")


def set_arms(experiment: Experiment, treatment: float, control: float) -> Experiment:
    experiment.treatment_percent, experiment.control_percent = treatment, control
    experiment.save()
    return experiment


def policy_experiment(
    name: str = "rating_heavy", *, treatment: float = 100, control: float = 0, **weights: float
) -> Experiment:
    """A scoring-policy experiment, active; by default everyone is in treatment and its
    treatment weighs the rating hugely (so it reorders a ranking that distance decides)."""
    return Experiment.objects.create(
        name=name,
        salt=f"{name}-salt",
        treatment_percent=treatment,
        control_percent=control,
        treatment_policy=weights or {"rating_max": 1000.0},
    )


def near_and_well_rated() -> tuple[Any, Any]:
    """Two mechanics for a downtown Toronto customer, alike but for where they are and how
    they are rated: the default policy ranks Nadia (next door, 3.4 stars) first, a policy
    weighing the rating hugely ranks Rafa (Ajax, ~40 km, 5 stars) first."""
    nadia = make_mechanic(display_name="Nadia Near", postal_code="M5V 3L9", rating=3.4, reviews=400)
    rafa = make_mechanic(display_name="Rafa Rated", postal_code="L1S 2J5", rating=5.0, reviews=400)
    return nadia, rafa


def customers_in_each_arm(experiment: Experiment) -> tuple[Any, Any]:
    """A customer in treatment and one in control (the experiment splits about evenly)."""
    found: dict[str, Any] = {}
    for i in range(200):
        profile = make_customer(email=f"arm{i}@example.test")
        found.setdefault(arm_of(experiment.name, profile.user) or "", profile)
        if TREATMENT in found and CONTROL in found:
            return found[TREATMENT], found[CONTROL]
    raise AssertionError("no customer in one of the arms: check the shares")
