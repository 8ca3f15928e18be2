"""Writes: recording a customer's first exposure to an experiment, and the rule for an
experiment's scoring-policy overrides (checked before any write, by the admin and any API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mechmatch.core.scoring_overrides import OverrideError, overrides_clean
from mechmatch.experiments.models import Experiment, Exposure
from mechmatch.experiments.selectors import PREVIEW_AND_CHOOSE, experiment_arm, is_policy_experiment

# Weights an experiment may not move. The "new mechanic" rule comes from settings and is
# shared by the ranking and dispatch's new-mechanic share (matching.selectors.mechanic_is_new
# uses the default policy): a treatment arm changing it would label mechanics "new" in its
# ranking that dispatch does not count as new. The simulator may still try them.
FIXED_WEIGHTS = {
    "new_mechanic_days": "set by NEW_MECHANIC_DAYS and shared with dispatch",
    "new_mechanic_max_sessions": "set by NEW_MECHANIC_SESSIONS and shared with dispatch",
}


def treatment_policy_clean(*, experiment: Experiment) -> dict[str, float | int]:
    """The experiment's treatment overrides, checked and normalised (each value in its
    weight's type), or ValidationError on `treatment_policy` naming the weight:
    - every weight by the one rule for overrides (core.scoring_overrides);
    - none of the weights settings fix (FIXED_WEIGHTS);
    - not on the flow experiment, whose arms already mean a flow: one question per experiment;
    - while active, no weight another active policy experiment also overrides. Experiments on
      different weights compose (a customer in two treatments gets both changes, a factorial
      design in which each experiment's arms still differ by its own weights only); two on the
      same weight would give a customer in both treatments neither arm's policy."""
    raw = experiment.treatment_policy
    if raw in (None, "", {}):
        return {}
    try:
        overrides = overrides_clean(raw)
    except OverrideError as exc:
        raise ValidationError({"treatment_policy": str(exc)}) from exc
    for weight, why in FIXED_WEIGHTS.items():
        if weight in overrides:
            raise ValidationError({"treatment_policy": f"{weight}: not an experiment weight ({why})"})
    if experiment.name == PREVIEW_AND_CHOOSE:
        raise ValidationError(
            {"treatment_policy": f"{PREVIEW_AND_CHOOSE} compares flows; run weights as an experiment of their own"}
        )
    if experiment.active:
        others = Experiment.objects.filter(active=True).exclude(pk=experiment.pk).order_by("name")
        for other in others:
            if not is_policy_experiment(other):
                continue
            shared = sorted(set(overrides) & set(other.treatment_policy))
            if shared:
                raise ValidationError(
                    {
                        "treatment_policy": f"{shared[0]}: the active experiment {other.name} already "
                        "overrides it; stop that one first"
                    }
                )
    return overrides


def experiment_exposure_record(*, experiment: Experiment, customer: Any) -> str | None:
    """The customer's arm, recording their first exposure when they are enrolled. Safe
    against two requests at once: the unique constraint keeps one row, the loser reads it."""
    if customer is None or not getattr(customer, "pk", None):
        return None
    arm = experiment_arm(experiment, customer.pk)
    if arm is None:
        return None
    # Every preview and directory call lands here: after the first exposure a plain read says
    # so, instead of opening a write transaction (on SQLite, BEGIN IMMEDIATE takes the lock).
    if Exposure.objects.filter(experiment=experiment, customer_id=customer.pk).exists():
        return arm
    try:
        with transaction.atomic():
            Exposure.objects.get_or_create(experiment=experiment, customer_id=customer.pk, defaults={"arm": arm})
    except IntegrityError:
        pass  # another request recorded it between our read and our insert
    return arm


def exposure_record(*, experiment_name: str, customer: Any) -> str | None:
    """As experiment_exposure_record, for the experiment of that name (None if there is none)."""
    if customer is None or not getattr(customer, "pk", None):
        return None
    experiment = Experiment.objects.filter(name=experiment_name).first()
    if experiment is None:
        return None
    return experiment_exposure_record(experiment=experiment, customer=customer)
