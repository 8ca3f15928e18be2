"""Scheduled sessions: a mechanic's weekly availability and time off, and the customers'
bookings. A booking with a mechanic holds one `BookingCell` per 15-minute cell it covers;
the unique (mechanic, cell_start) constraint is what refuses a double booking, on SQLite
and PostgreSQL alike (no exclusion constraint, so no btree_gist)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mechmatch.dispatch.models import SessionRequest
from mechmatch.mechanics.models import Mechanic
from mechmatch.payments.models import Payment


class AvailabilityRule(models.Model):
    """Available every `weekday` (0 = Monday) from `start_time` to `end_time`, in the
    mechanic's own time zone (`Mechanic.timezone`)."""

    mechanic = models.ForeignKey(Mechanic, on_delete=models.CASCADE, related_name="availability_rules")
    weekday = models.PositiveSmallIntegerField()
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_range"),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="availability_end_after"),
        ]

    def __str__(self) -> str:
        return f"{self.mechanic_id} {self.weekday} {self.start_time}-{self.end_time}"


class TimeOff(models.Model):
    """Not available from `first_day` to `last_day` (local dates, both included)."""

    mechanic = models.ForeignKey(Mechanic, on_delete=models.CASCADE, related_name="time_off")
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="time_off_order"),
        ]

    def __str__(self) -> str:
        return f"{self.mechanic_id} off {self.first_day}..{self.last_day}"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        DISPATCHING = "dispatching", _("Starting")  # claimed by a dispatcher at its start
        DISPATCHED = "dispatched", _("Started")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.BOOKED, Status.DISPATCHING)

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    # None: "any matching mechanic", sent to the best-matched mechanics at its start.
    mechanic = models.ForeignKey(Mechanic, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    plan_code = models.CharField(max_length=16)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="booking")
    # What the request is made of when the worker starts it.
    concern = models.TextField()
    vehicle = models.JSONField(default=dict)
    request_type = models.CharField(max_length=20, default=SessionRequest.RequestType.GENERAL)
    country = models.CharField(max_length=2, default="CA")
    region = models.CharField(max_length=8, blank=True)
    city = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=12, blank=True)
    session_request = models.ForeignKey(
        SessionRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_soon_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="booking_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_end_after"),
        ]

    def __str__(self) -> str:
        return f"booking {self.pk} {self.starts_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class BookingCell(models.Model):
    """One 15-minute cell a booking holds on its mechanic's calendar."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="cells")
    mechanic = models.ForeignKey(Mechanic, on_delete=models.CASCADE, related_name="booking_cells")
    cell_start = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mechanic", "cell_start"], name="booking_cell_once_per_mechanic"),
        ]

    def __str__(self) -> str:
        return f"{self.mechanic_id} {self.cell_start:%Y-%m-%d %H:%M}"
