"""Experiments on ScoringPolicy weights: the same mechanism as every experiment (a hashed
arm per customer, the first exposure recorded, the arms on every funnel event), with the
treatment arm ranking by the experiment's `treatment_policy` overrides and control (and
everyone not enrolled) by the default policy.

Every customer-facing ranking (the preview page and `POST /api/matching/preview`, dispatch's
top-N and smart broadcast, the directory's "best match") asks `scoring_policy_applied` in
matching.services, so a customer is ranked the same way on every page, API call and offer.

Several active policy experiments may enrol the same customer. Their overrides apply in
name order, each experiment's on top of the previous ones. The admin refuses two active
experiments on the same weight (experiments.services.treatment_policy_clean), so the order
changes only the policy's name, never its weights: the experiments compose as a factorial
design and each still compares its own weights, averaged over the others' arms.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from mechmatch.core.experiments import TREATMENT
from mechmatch.core.ranking import ScoringPolicy
from mechmatch.core.scoring_overrides import OverrideError, overrides_clean
from mechmatch.experiments.models import Experiment
from mechmatch.experiments.selectors import customer_id_of, experiment_arm, policy_experiments
from mechmatch.experiments.services import experiment_exposure_record
from mechmatch.matching.selectors import scoring_policy

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CustomerPolicy:
    policy: ScoringPolicy
    # {experiment name: arm} of the policy experiments the customer is enrolled in.
    arms: dict[str, str] = field(default_factory=dict)
    experiments: tuple[Experiment, ...] = ()


def treatment_name(experiment_name: str) -> str:
    return f"{experiment_name}:treatment"


def scoring_policy_for(customer: Any, *, base: ScoringPolicy | None = None) -> CustomerPolicy:
    """The policy this customer (a User, a user id or None) is ranked with, and their arms in
    the policy experiments. Reads only: `scoring_policy_applied` also records the exposures."""
    base = base or scoring_policy()
    customer_id = customer_id_of(customer)
    if customer_id is None:
        return CustomerPolicy(base)
    changes: dict[str, float | int] = {}
    names: list[str] = []
    arms: dict[str, str] = {}
    enrolled: list[Experiment] = []
    for experiment in policy_experiments():
        arm = experiment_arm(experiment, customer_id)
        if arm is None:
            continue
        try:
            # Checked again: a row edited outside the admin must not break a customer's ranking.
            overrides = overrides_clean(experiment.treatment_policy)
        except OverrideError:
            logger.error("experiment %s: invalid treatment_policy, not applied", experiment.name, exc_info=True)
            continue
        arms[experiment.name] = arm
        enrolled.append(experiment)
        if arm == TREATMENT:
            changes.update(overrides)
            names.append(treatment_name(experiment.name))
    if not names:
        return CustomerPolicy(base, arms, tuple(enrolled))
    return CustomerPolicy(base.with_overrides(**changes, name="+".join(names)), arms, tuple(enrolled))


def scoring_policy_applied(customer: Any, *, base: ScoringPolicy | None = None) -> ScoringPolicy:
    """The policy to rank this customer's matches with, recording their first exposure to
    each policy experiment they are enrolled in (control too: the comparison needs both)."""
    chosen = scoring_policy_for(customer, base=base)
    for experiment in chosen.experiments:
        experiment_exposure_record(experiment=experiment, customer=customer)
    return chosen.policy
