"""Session requests, the offers made for them, and the live session once one is accepted.

The invariants that matter (one winner per request, one active session per mechanic, one
active request per customer and vehicle, no mechanic offered the same request twice) are
database constraints, so they hold whatever code path or process writes the rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mechmatch.core import ranking


class SessionRequest(models.Model):
    class RoutingType(models.TextChoices):
        SELECTED = "selected", _("Selected mechanic")
        PRIORITY_BROADCAST = "priority_broadcast", _("Favourite first")
        SMART_BROADCAST = "smart_broadcast", _("Top matches")
        BROADCAST = "broadcast", _("Every eligible mechanic")
        WORKSHOP_ONLY = "workshop_only", _("One workshop")
        HYBRID = "hybrid", _("Workshop first, then everyone")

    class RequestType(models.TextChoices):
        GENERAL = ranking.RequestType.GENERAL.value, _("General")
        BRAND_SPECIALIST = ranking.RequestType.BRAND_SPECIALIST.value, _("Brand specialist")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the chosen mechanic")
        AWAITING_CHOICE = "awaiting_choice", _("Waiting for the customer's choice")
        BROADCASTING = "broadcasting", _("Offered to several mechanics")
        MATCHED = "matched", _("Matched")
        SCHEDULED = "scheduled", _("Scheduled for later")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("No mechanic available")
        COMPLETED = "completed", _("Completed")

    class Stage(models.TextChoices):
        # Which routing step the request is in; the dispatcher's next move depends on it.
        EXCLUSIVE = "exclusive", _("Exclusive window")
        WORKSHOP = "workshop", _("Workshop mechanics")
        SMART = "smart", _("Top matches")
        WIDE = "wide", _("Every eligible mechanic")
        NONE = "", _("None")

    # Statuses in which the dispatcher may still have work to do for the request.
    WAITING_STATUSES = (Status.PENDING, Status.AWAITING_CHOICE, Status.BROADCASTING)
    # One request per customer and vehicle may be in these at a time.
    ACTIVE_STATUSES = (Status.PENDING, Status.AWAITING_CHOICE, Status.BROADCASTING, Status.MATCHED)

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_requests")
    vehicle = models.ForeignKey(
        "customers.Vehicle", null=True, blank=True, on_delete=models.SET_NULL, related_name="session_requests"
    )
    # A snapshot: the request must say what was asked even if the vehicle is edited later.
    vehicle_year = models.PositiveSmallIntegerField()
    vehicle_make = models.CharField(max_length=40)
    vehicle_model = models.CharField(max_length=60)
    vehicle_vin = models.CharField(max_length=17, blank=True)
    vehicle_key = models.CharField(max_length=120, help_text="Normalised vehicle identity for the one-active rule")

    concern = models.TextField(max_length=4000)
    keywords = models.JSONField(default=list, blank=True)
    request_type = models.CharField(max_length=20, choices=RequestType.choices, default=RequestType.GENERAL)
    requested_brand = models.CharField(max_length=40, blank=True)
    plan_code = models.CharField(max_length=40, blank=True)

    country = models.CharField(max_length=2)
    region = models.CharField(max_length=8, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    prefer_local = models.BooleanField(default=True)

    routing_type = models.CharField(max_length=20, choices=RoutingType.choices, default=RoutingType.SMART_BROADCAST)
    selected_mechanic = models.ForeignKey(
        "mechanics.Mechanic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    workshop = models.ForeignKey("mechanics.Workshop", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    stage = models.CharField(max_length=12, choices=Stage.choices, blank=True, default="")
    # Bumped by every state change; conditional updates on it make each transition happen once.
    version = models.PositiveIntegerField(default=0)
    assigned_mechanic = models.ForeignKey(
        "mechanics.Mechanic", null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    match_scores = models.JSONField(default=dict, blank=True, help_text="What the request was routed on")
    # The durable timer: when the dispatcher must next look at this request.
    fallback_due_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The dispatcher's queue: only waiting requests, walked in due order.
            models.Index(
                fields=["fallback_due_at", "id"],
                condition=Q(status__in=["pending", "awaiting_choice", "broadcasting"]),
                name="sreq_due_waiting",
            ),
            models.Index(fields=["customer", "-created_at"], name="sreq_customer_recent"),
            models.Index(fields=["country", "region", "status"], name="sreq_area_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "vehicle_key"],
                condition=Q(status__in=["pending", "awaiting_choice", "broadcasting", "matched"]),
                name="sreq_one_active_per_vehicle",
            ),
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="sreq_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk} ({self.status})"

    @property
    def vehicle_label(self) -> str:
        return f"{self.vehicle_year} {self.vehicle_make} {self.vehicle_model}"


class Offer(models.Model):
    class Kind(models.TextChoices):
        EXCLUSIVE = "exclusive", _("Exclusive")
        BROADCAST = "broadcast", _("Broadcast")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Taken by another mechanic")

    class DeclineReason(models.TextChoices):
        NOT_MY_BRAND = "not_my_brand", _("Not my brand")
        BUSY = "busy", _("Busy")
        TOO_FAR = "too_far", _("Too far")
        OTHER = "other", _("Other")
        NONE = "", _("No reason")

    request = models.ForeignKey(SessionRequest, on_delete=models.CASCADE, related_name="offers")
    mechanic = models.ForeignKey("mechanics.Mechanic", on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    score = models.FloatField(null=True, blank=True)
    # Why this mechanic was asked, as [{"code", "params"}] (core.reasons), rendered in the reader's language.
    reason_codes = models.JSONField(default=list, blank=True)
    distance_km = models.FloatField(null=True, blank=True)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    extended_count = models.PositiveSmallIntegerField(default=0)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_seconds = models.FloatField(null=True, blank=True)
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True, default="")
    # Set once, when the mechanic is first told; an extension never re-notifies.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "id"]
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(status="open"), name="offer_open_due"),
            models.Index(fields=["mechanic", "status"], name="offer_mechanic_status"),
            models.Index(fields=["mechanic", "offered_at"], name="offer_mechanic_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["request"], condition=Q(status="accepted"), name="offer_one_accepted"),
            models.UniqueConstraint(fields=["mechanic", "request"], name="offer_once_per_mechanic"),
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk} ({self.kind}, {self.status})"


class RequestEvent(models.Model):
    """Append-only history of a request: every state change and every offer outcome."""

    request = models.ForeignKey(SessionRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["request", "id"], name="reqevent_request")]

    def __str__(self) -> str:
        return f"{self.kind} on request {self.request_id}"


class Consultation(models.Model):
    """The live session once a mechanic accepted. Chat, video and rating build on it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    request = models.OneToOneField(SessionRequest, on_delete=models.CASCADE, related_name="consultation")
    mechanic = models.ForeignKey("mechanics.Mechanic", on_delete=models.CASCADE, related_name="consultations")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultations")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    video_room_url = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mechanic"], condition=Q(status="active"), name="consultation_one_active"),
        ]

    def __str__(self) -> str:
        return f"Consultation {self.pk} ({self.status})"


class StreamEvent(models.Model):
    """The durable outbox behind the live streams: a client resumes from the last id it saw."""

    id = models.BigAutoField(primary_key=True)
    channel = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "id"], name="stream_channel_id")]

    def __str__(self) -> str:
        return f"{self.channel}#{self.id} {self.kind}"


class Lapse(Offer):
    """For the operators' console: offers whose window ran out unanswered (status expired)."""

    class Meta:
        proxy = True
        verbose_name = "lapse"
