from __future__ import annotations

from django.conf import settings
from django.db import models


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
