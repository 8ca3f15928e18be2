"""The notification outbox: one row per notification, written in the transaction of the
state change that causes it and sent later by the `notify` worker. The same rows are the
in-app inbox (read_at)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mechmatch.journey.models import Intake


class Kind(models.TextChoices):
    """Every notification kind, the one home for the list (texts in texts.py are keyed by it)."""

    # mechanic
    EXCLUSIVE_OFFER = "exclusive_offer", _("An exclusive offer for you")
    FAVOURITE_REQUEST = "favourite_request", _("A favourite customer's request")
    WINDOW_EXTENDED = "window_extended", _("The customer extended your window")
    SCHEDULED_SOON = "scheduled_soon", _("A scheduled session soon")
    # customer
    ACCEPTED = "accepted", _("A mechanic accepted")
    AWAITING_CHOICE = "awaiting_choice", _("Declined or lapsed: your choices")
    BROADCAST = "broadcast", _("Sent to other mechanics")
    RECEIPT = "receipt", _("Receipt")
    REFUND = "refund", _("Refund")
    REFUND_OFFERED = "refund_offered", _("Nobody accepted yet: a refund is offered")
    MECHANIC_AVAILABLE = "mechanic_available", _("A mechanic is available")
    SCHEDULED_REMINDER = "scheduled_reminder", _("Your scheduled session")


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"  # claimed by a worker (claimed_at says when)
        SENT = "sent"
        SKIPPED = "skipped"  # the user turned e-mail off for this kind; still in the inbox
        FAILED = "failed"  # gave up after MAX_ATTEMPTS

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="notification_dedupe_key_unique")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["user", "read_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id} ({self.status})"


class Preference(models.Model):
    """A user's choice to get (or not) e-mail for one kind; no row means yes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.kind} e-mail {'on' if self.email else 'off'} for {self.user_id}"


class WaitingContact(Intake):
    """For the operators' admin: customers who asked to be told when a mechanic is available."""

    class Meta:
        proxy = True
        verbose_name = "waiting contact"
