from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FunnelEvent(models.Model):
    """Append-only record of each step a customer takes, for the KPI dashboard and the
    rollout analysis to come. Rows are only ever inserted (see services.event_record)."""

    class Name(models.TextChoices):
        PREVIEW_SHOWN = "preview_shown"
        TOP_MATCH_ACCEPTED = "top_match_accepted"
        BROWSED = "browsed"
        FAVOURITE_CHOSEN = "favourite_chosen"
        MECHANIC_CHOSEN = "mechanic_chosen"
        REQUEST_CREATED = "request_created"
        OFFER_LAPSED = "offer_lapsed"
        FALLBACK_CHOSEN = "fallback_chosen"
        FALLBACK_BROADCAST = "fallback_broadcast"
        OFFER_ACCEPTED = "offer_accepted"
        SESSION_STARTED = "session_started"
        SESSION_COMPLETED = "session_completed"
        RATING_GIVEN = "rating_given"
        FAVOURITE_ADDED = "favourite_added"
        REBOOK = "rebook"

    name = models.CharField(max_length=40, choices=Name.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    request_id = models.BigIntegerField(null=True, blank=True)
    mechanic_id = models.BigIntegerField(null=True, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    # {experiment name: arm} of the customer when the event happened (experiments.selectors.arms_of).
    arms = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["name", "created_at"], name="funnel_name_time")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.created_at:%Y-%m-%d %H:%M}"


class SatisfactionAnswer(models.Model):
    """The customer's answer to "How likely are you to recommend us?" (0-10) on a session's
    completion page: optional, one per consultation, only by that consultation's customer."""

    consultation = models.OneToOneField(
        "dispatch.Consultation", on_delete=models.CASCADE, related_name="satisfaction_answer"
    )
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(score__lte=10), name="satisfaction_score_0_10")]

    def __str__(self) -> str:
        return f"NPS {self.score} for consultation {self.consultation_id}"


class PageLoad(models.Model):
    """How long a page took to load in the customer's browser (PerformanceNavigationTiming),
    sent once by static/funnel/page-load.js. `view_id` is minted when the page is rendered,
    so one page view stores at most one row however often the beacon is replayed."""

    class Page(models.TextChoices):
        PREVIEW = "preview", _("Preview")

    page = models.CharField(max_length=20, choices=Page.choices)
    view_id = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    duration_ms = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.page} loaded in {self.duration_ms} ms"
