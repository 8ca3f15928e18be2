"""Reads: which arm a customer is in. The arm is computed, not stored (the Exposure rows
only say when a customer first met the experiment), so it is the same everywhere."""

from __future__ import annotations

from typing import Any

from mechmatch.core import experiments as core
from mechmatch.experiments.models import Experiment

PREVIEW_AND_CHOOSE = "preview_and_choose"


def experiment_arm(experiment: Experiment, customer_id: int) -> str | None:
    if not experiment.active:
        return None
    return core.arm_for(
        experiment.name,
        experiment.salt,
        customer_id,
        treatment_percent=experiment.treatment_percent,
        control_percent=experiment.control_percent,
    )


def _customer_id(customer: Any) -> int | None:
    if customer is None or not getattr(customer, "is_authenticated", True):
        return None
    pk = getattr(customer, "pk", customer)
    return int(pk) if pk is not None else None


def arm_of(experiment_name: str, customer: Any) -> str | None:
    """The customer's (a User or a user id) arm in the named experiment: "treatment",
    "control", or None when not enrolled, the experiment is inactive or does not exist."""
    customer_id = _customer_id(customer)
    experiment = Experiment.objects.filter(name=experiment_name).first()
    if customer_id is None or experiment is None:
        return None
    return experiment_arm(experiment, customer_id)


def active_experiments() -> list[Experiment]:
    return list(Experiment.objects.filter(active=True))


def arms_of(customer: Any, experiments: list[Experiment] | None = None) -> dict[str, str]:
    """{experiment name: arm} of every active experiment the customer is enrolled in."""
    customer_id = _customer_id(customer)
    if customer_id is None:
        return {}
    pool = active_experiments() if experiments is None else experiments
    arms = {e.name: experiment_arm(e, customer_id) for e in pool}
    return {name: arm for name, arm in arms.items() if arm is not None}
