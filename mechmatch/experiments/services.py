"""Writes: recording a customer's first exposure to an experiment."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from mechmatch.experiments.models import Experiment, Exposure
from mechmatch.experiments.selectors import experiment_arm


def exposure_record(*, experiment_name: str, customer: Any) -> str | None:
    """The customer's arm, recording their first exposure when they are enrolled. Safe
    against two requests at once: the unique constraint keeps one row, the loser reads it."""
    experiment = Experiment.objects.filter(name=experiment_name).first()
    if experiment is None or customer is None or not getattr(customer, "pk", None):
        return None
    arm = experiment_arm(experiment, customer.pk)
    if arm is None:
        return None
    try:
        with transaction.atomic():
            Exposure.objects.get_or_create(experiment=experiment, customer_id=customer.pk, defaults={"arm": arm})
    except IntegrityError:
        pass  # another request recorded it between our read and our insert
    return arm
