from __future__ import annotations

import pytest

from mechmatch.experiments.models import Experiment


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
