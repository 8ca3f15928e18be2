"""Reads: which arm a customer is in. The arm is computed, not stored (the Exposure rows
only say when a customer first met the experiment), so it is the same everywhere."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from mechmatch.core import experiments as core
from mechmatch.core.stats import SrmResult, sample_ratio_mismatch
from mechmatch.experiments.models import Experiment, Exposure

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


def customer_id_of(customer: Any) -> int | None:
    """The user id of a User or an id; None for nobody or an anonymous visitor."""
    if customer is None or not getattr(customer, "is_authenticated", True):
        return None
    pk = getattr(customer, "pk", customer)
    return int(pk) if pk is not None else None


def arm_of(experiment_name: str, customer: Any) -> str | None:
    """The customer's (a User or a user id) arm in the named experiment: "treatment",
    "control", or None when not enrolled, the experiment is inactive or does not exist."""
    customer_id = customer_id_of(customer)
    experiment = Experiment.objects.filter(name=experiment_name).first()
    if customer_id is None or experiment is None:
        return None
    return experiment_arm(experiment, customer_id)


def experiment_names() -> list[str]:
    return list(Experiment.objects.order_by("name").values_list("name", flat=True))


def active_experiments() -> list[Experiment]:
    return list(Experiment.objects.filter(active=True))


def is_policy_experiment(experiment: Experiment) -> bool:
    """Whether the experiment's treatment arm ranks with its own scoring-policy weights."""
    return bool(experiment.treatment_policy)


def policy_experiments() -> list[Experiment]:
    """The active scoring-policy experiments, by name: the order their overrides apply in."""
    return [e for e in Experiment.objects.filter(active=True).order_by("name") if is_policy_experiment(e)]


def arms_of(customer: Any, experiments: list[Experiment] | None = None) -> dict[str, str]:
    """{experiment name: arm} of every active experiment the customer is enrolled in."""
    customer_id = customer_id_of(customer)
    if customer_id is None:
        return {}
    pool = active_experiments() if experiments is None else experiments
    arms = {e.name: experiment_arm(e, customer_id) for e in pool}
    return {name: arm for name, arm in arms.items() if arm is not None}


def exposure_counts(experiment_name: str) -> dict[str, int]:
    """Customers first exposed in each arm ({"treatment": n, "control": m}, zeros included)."""
    counts = dict.fromkeys(core.ARMS, 0)
    rows = Exposure.objects.filter(experiment__name=experiment_name).values("arm").annotate(n=Count("id"))
    for row in rows:
        counts[row["arm"]] = counts.get(row["arm"], 0) + int(row["n"])
    return counts


def experiment_srm(experiment_name: str) -> SrmResult | None:
    """The sample-ratio-mismatch test of the exposures against the arms' current shares;
    None while either share is 0 (nothing to compare)."""
    experiment = Experiment.objects.filter(name=experiment_name).first()
    if experiment is None or not experiment.treatment_percent or not experiment.control_percent:
        return None
    counts = exposure_counts(experiment_name)
    return sample_ratio_mismatch(
        [counts[core.TREATMENT], counts[core.CONTROL]],
        [float(experiment.treatment_percent), float(experiment.control_percent)],
    )
