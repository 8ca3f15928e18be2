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
