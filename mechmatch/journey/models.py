from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mechmatch.dispatch.models import SessionRequest


class Intake(models.Model):
    """The customer's booking in progress: everything typed on the intake page (kept even
    while invalid, so nothing is lost between steps), then the mechanic chosen, the plan and
    the payment, and finally the session request dispatch created from it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready for matching")
        SUBMITTED = "submitted", _("Request created")

    # What the request will ask dispatch for: the same choices, spelled once.
    RequestType = SessionRequest.RequestType

    class Routing(models.TextChoices):
        SELECTED = "selected", _("Customer chose a mechanic")
        PRIORITY_BROADCAST = "priority_broadcast", _("Favourite first")
        SMART_BROADCAST = "smart_broadcast", _("Match me automatically")

    class Source(models.TextChoices):
        TOP_MATCH = "top_match", _("Top match")
        OTHER_MATCH = "other_match", _("Another match")
        BROWSE = "browse", _("Browse")
        FAVOURITE = "favourite", _("Favourite")
        REBOOK = "rebook", _("Rebook")
        AUTO = "auto", _("Automatic")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intakes")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)

    vehicle = models.ForeignKey("customers.Vehicle", null=True, blank=True, on_delete=models.SET_NULL)
    year = models.CharField(max_length=8, blank=True)
    make = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=60, blank=True)
    vin = models.CharField(max_length=20, blank=True)
    concern = models.TextField(blank=True, max_length=2000)

    country = models.CharField(max_length=2, default="CA")
    region = models.CharField(max_length=8, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    prefer_local = models.BooleanField(default=True)

    request_type = models.CharField(max_length=20, choices=RequestType.choices, default=RequestType.GENERAL)
    requested_brand = models.CharField(max_length=40, blank=True)

    chosen_mechanic = models.ForeignKey(
        "mechanics.Mechanic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    routing = models.CharField(max_length=20, choices=Routing.choices, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    plan_code = models.CharField(max_length=16, blank=True)
    # "Nobody available": the customer left a way to reach them, or asked to be scheduled.
    contact_phone = models.CharField(max_length=32, blank=True)
    contact_note = models.CharField(max_length=300, blank=True)
    rebook_of = models.ForeignKey(
        "dispatch.Consultation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_request = models.OneToOneField(
        "dispatch.SessionRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="intake"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "status"], name="intake_user_status")]

    def __str__(self) -> str:
        return f"Intake {self.pk} ({self.status})"

    @property
    def reference(self) -> str:
        """What its payment is for (payments.Payment.reference)."""
        return f"intake:{self.pk}"

    @property
    def is_brand_specialist(self) -> bool:
        return self.request_type == self.RequestType.BRAND_SPECIALIST


def _photo_path(instance: IntakePhoto, filename: str) -> str:
    # Random names: nothing the customer typed ends up in a file path.
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"intake/{uuid.uuid4().hex}.{extension}"


class IntakePhoto(models.Model):
    """Only re-encoded images are stored (see services.intake_photo_add): the upload is
    decoded by Pillow and written out again, so no original bytes or metadata survive."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=20)
    size_bytes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Photo {self.pk} of intake {self.intake_id}"


class Waiver(models.Model):
    """The customer accepted version `version` of the terms for this intake, at this time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waivers")
    intake = models.ForeignKey(Intake, null=True, blank=True, on_delete=models.SET_NULL, related_name="waivers")
    version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["intake", "version"], name="waiver_once_per_intake")]

    def __str__(self) -> str:
        return f"Waiver {self.version} by {self.user_id} at {self.accepted_at:%Y-%m-%d %H:%M}"


def _chat_photo_path(instance: ChatMessage, filename: str) -> str:
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"chat/{uuid.uuid4().hex}.{extension}"


class ChatMessage(models.Model):
    """Chat inside a consultation, between its customer and its mechanic: a line of text, or a
    photo (re-encoded like intake photos, see services.chat_photo_send) with an optional line."""

    consultation = models.ForeignKey("dispatch.Consultation", on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000, blank=True)
    photo = models.ImageField(
        upload_to=_chat_photo_path, blank=True, width_field="photo_width", height_field="photo_height"
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    photo_content_type = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["consultation", "id"], name="chat_consultation_id")]

    def __str__(self) -> str:
        return f"Message {self.pk} in consultation {self.consultation_id}"


class WaitingMessage(models.Model):
    """A note the customer leaves for the mechanic while waiting (before a consultation exists)."""

    session_request = models.ForeignKey("dispatch.SessionRequest", on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Waiting message {self.pk} on request {self.session_request_id}"


class SessionNotes(models.Model):
    """What the mechanic concluded, written during or after the session; the customer reads it
    on the completion page and in the downloadable report."""

    class NextStep(models.TextChoices):
        DRIVE_ON = "drive_on", _("Safe to drive on")
        BOOK_REPAIR = "book_repair", _("Book a repair")
        URGENT = "urgent", _("Urgent: do not drive")

    consultation = models.OneToOneField("dispatch.Consultation", on_delete=models.CASCADE, related_name="session_notes")
    diagnosis = models.TextField(max_length=2000, blank=True)
    likely_causes = models.TextField(max_length=2000, blank=True)
    next_step = models.CharField(max_length=12, choices=NextStep.choices, blank=True)
    parts_to_check = models.TextField(max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notes on consultation {self.consultation_id}"
