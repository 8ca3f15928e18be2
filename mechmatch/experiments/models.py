from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

_PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Experiment(models.Model):
    """A rollout with a control group. Customers are split by a deterministic hash
    (core.experiments): treatment takes the lowest buckets, control the highest, the rest
    are not enrolled and see the default flow. Operators set the shares in the admin."""

    name = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    salt = models.CharField(max_length=64, help_text="Changing it reshuffles everyone: do so only to restart.")
    treatment_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"), validators=_PERCENT)
    control_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"), validators=_PERCENT)
    active = models.BooleanField(default=True, help_text="Inactive: nobody is enrolled, whatever the shares.")
    # A scoring-policy experiment: the treatment arm ranks with these weights, control (and
    # everyone not enrolled) with the default policy. Empty: not a policy experiment.
    treatment_policy = models.JSONField(
        default=dict,
        blank=True,
        help_text='ScoringPolicy weights for the treatment arm, e.g. {"rating_max": 60}. '
        "Control ranks with the default policy. Leave {} for an experiment that is not about weights.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(treatment_percent__gte=0, control_percent__gte=0)
                & Q(treatment_percent__lte=100 - F("control_percent")),
                name="experiment_shares_within_100",
                violation_error_message="Treatment and control together cannot exceed 100%%.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.treatment_percent}% / {self.control_percent}%)"

    def clean(self) -> None:
        # The rule lives in the service (shared with any other writer); the admin's forms
        # reach it through full_clean().
        from mechmatch.experiments.services import treatment_policy_clean

        self.treatment_policy = treatment_policy_clean(experiment=self)


class Exposure(models.Model):
    """The first time a customer met an experiment, with the arm they were in then.
    Inserted once per experiment and customer (the unique constraint makes it race-safe)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="exposures")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exposures")
    arm = models.CharField(max_length=20)
    first_exposed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["experiment", "customer"], name="exposure_once")]

    def __str__(self) -> str:
        return f"{self.experiment.name}: {self.customer_id} in {self.arm}"
