from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Workshop(models.Model):
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, choices=[("CA", "Canada"), ("US", "United States")])
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


# Who may be shown to customers and receive offers: the one definition, used by
# mechanic_eligible_qs and by the partial indexes below (a partial index only serves queries
# whose WHERE states its condition, so the two must not drift apart).
ELIGIBLE_CONDITION = models.Q(application_status="approved", account_status="active")


class Mechanic(models.Model):
    """A mechanic's profile. Fields in SERVER_OWNED_FIELDS are computed by the server or
    set by operators; no mechanic-facing form or API may write them."""

    class ApplicationStatus(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class AccountStatus(models.TextChoices):
        # "Compte : actif" (masculine), unlike a session, "Active".
        ACTIVE = "active", pgettext_lazy("account status", "Active")
        SUSPENDED = "suspended", _("Suspended")

    class SpecialistTier(models.TextChoices):
        GENERAL = "general", _("General")
        BRAND = "brand", _("Brand specialist")
        MASTER = "master", _("Master technician")

    class LocationPrecision(models.TextChoices):
        # The values are mechmatch.core.geo.PRECISIONS, finest first.
        POSTAL_CODE = "postal_code", _("Postal code")
        ZIP = "zip", _("ZIP code")
        FSA = "fsa", _("Postal area (FSA)")
        CITY = "city", _("City")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mechanic")
    display_name = models.CharField(max_length=120)
    # display_name folded (lower case, no accents) so "eleonore" finds "Éléonore" the same way
    # on SQLite and PostgreSQL; written with display_name by mechanic_search_name.
    search_name = models.CharField(max_length=120, blank=True, default="", editable=False)
    photo = models.ImageField(upload_to="mechanics/", blank=True)
    bio = models.TextField(blank=True, max_length=2000)

    country = models.CharField(max_length=2, choices=[("CA", "Canada"), ("US", "United States")])
    region = models.CharField(max_length=8, help_text="Province or state code")
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10, blank=True, help_text="Private: never shown publicly")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_precision = models.CharField(max_length=12, choices=LocationPrecision.choices, blank=True)
    # H3 cells as integers so the same indexed lookups work on SQLite and PostgreSQL.
    h3_r3 = models.BigIntegerField(null=True, blank=True)
    h3_r5 = models.BigIntegerField(null=True, blank=True)
    h3_r7 = models.BigIntegerField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="America/Toronto")

    years_experience = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(70)])
    red_seal_certified = models.BooleanField(default=False, help_text="Claimed by the mechanic")
    red_seal_province = models.CharField(max_length=2, blank=True)
    red_seal_expires_on = models.DateField(null=True, blank=True)
    red_seal_verified = models.BooleanField(default=False, help_text="Set by operators only")

    brand_specializations = models.JSONField(default=list, blank=True)
    service_specialities = models.JSONField(default=list, blank=True)
    specialist_tier = models.CharField(max_length=8, choices=SpecialistTier.choices, default=SpecialistTier.GENERAL)
    workshop = models.ForeignKey(Workshop, null=True, blank=True, on_delete=models.SET_NULL, related_name="mechanics")

    application_status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    account_status = models.CharField(max_length=12, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    approved_at = models.DateTimeField(null=True, blank=True)

    is_on_shift = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    profile_completion = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    rating_average = models.FloatField(default=0.0, validators=[MinValueValidator(0), MaxValueValidator(5)])
    review_count = models.PositiveIntegerField(default=0)
    completed_sessions = models.PositiveIntegerField(default=0)
    avg_response_seconds = models.FloatField(null=True, blank=True)
    response_sample_count = models.PositiveIntegerField(default=0)
    offers_received = models.PositiveIntegerField(default=0)
    offers_accepted = models.PositiveIntegerField(default=0)
    offers_declined = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Computed by the server from sessions, offers, reviews and geocoding: nobody edits them.
    COMPUTED_FIELDS = (
        "search_name",
        "rating_average",
        "review_count",
        "completed_sessions",
        "avg_response_seconds",
        "response_sample_count",
        "offers_received",
        "offers_accepted",
        "offers_declined",
        "approved_at",
        "profile_completion",
        "latitude",
        "longitude",
        "location_precision",
        "h3_r3",
        "h3_r5",
        "h3_r7",
    )
    # Set by operators (Django admin), never by the mechanic.
    OPERATOR_FIELDS = ("application_status", "account_status", "red_seal_verified")
    SERVER_OWNED_FIELDS = COMPUTED_FIELDS + OPERATOR_FIELDS

    class Meta:
        indexes = [
            # The cell indexes cover the candidate search's filter and sort (CANDIDATE_ORDER),
            # so picking the best 150 of the 5,000 mechanics in a dense downtown disk reads the
            # index only, then 150 rows (22 ms -> 7.5 ms on SQLite at 1M mechanics).
            # The two coarser ones (the directory's "within N km" reads, _LEAN_COLUMNS in
            # matching.services) also carry position, reviews and experience, so reading
            # 4,600 mechanics within 50 km of Montréal touches no table row (47 -> 36 ms at 100k).
            *(
                models.Index(
                    fields=[cell, "is_on_shift", "rating_average", "application_status", "account_status", *lean],
                    include=["id"],  # PostgreSQL only (SQLite's rowid is always in the index)
                    name=f"mechanic_{cell}_cover",
                )
                for cell, lean in (
                    ("h3_r3", ("latitude", "longitude", "review_count", "years_experience")),
                    ("h3_r5", ("latitude", "longitude", "review_count", "years_experience")),
                    ("h3_r7", ()),
                )
            ),
            # Not (application_status, account_status, is_on_shift): SQLite's planner chose that
            # index for every eligible query and then sorted 90k rows, ignoring the sort indexes.
            models.Index(fields=["is_on_shift"], name="mechanic_eligible_on_shift", condition=ELIGIBLE_CONDITION),
            # The directory's sorts without a location: ORDER BY ... LIMIT walks one of these
            # and stops after a page, instead of sorting every eligible mechanic.
            models.Index(
                fields=["-rating_average", "-review_count", "-id"],
                name="mechanic_by_rating",
                condition=ELIGIBLE_CONDITION,
            ),
            models.Index(
                fields=["-years_experience", "-id"], name="mechanic_by_experience", condition=ELIGIBLE_CONDITION
            ),
            models.Index(
                fields=["-is_on_shift", "-rating_average", "-review_count", "-id"],
                name="mechanic_by_best",
                condition=ELIGIBLE_CONDITION,
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_eligible(self) -> bool:
        return (
            self.application_status == self.ApplicationStatus.APPROVED
            and self.account_status == self.AccountStatus.ACTIVE
        )

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name else ""

    @property
    def photo_url(self) -> str | None:
        return self.photo.url if self.photo else None


class MechanicBrand(models.Model):
    """Indexed copy of brand_specializations so brand specialists outside the spatial
    search can be found without scanning every mechanic.

    It carries a copy of its mechanic's H3 cells so "this brand's specialists in these cells"
    is one index range: at 1M mechanics PostgreSQL over-estimated sparse rural cells and drove
    from every specialist of a common brand nationwide (18k key lookups, 110 ms). The copy is
    written with the brand rows by mechanic_search_rows_sync, the only writer besides seeding."""

    mechanic = models.ForeignKey(Mechanic, on_delete=models.CASCADE, related_name="brand_rows")
    brand = models.CharField(max_length=40)
    h3_r3 = models.BigIntegerField(null=True, blank=True)
    h3_r5 = models.BigIntegerField(null=True, blank=True)
    h3_r7 = models.BigIntegerField(null=True, blank=True)

    CELL_FIELDS = ("h3_r3", "h3_r5", "h3_r7")  # copied from Mechanic, same names

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "mechanic"], name="mechanic_brand_unique")]
        indexes = [
            models.Index(fields=["brand", "h3_r3"], name="mechanic_brand_r3"),
            models.Index(fields=["brand", "h3_r5"], name="mechanic_brand_r5"),
            models.Index(fields=["brand", "h3_r7"], name="mechanic_brand_r7"),
        ]

    def __str__(self) -> str:
        return f"{self.mechanic_id}: {self.brand}"


class MechanicService(models.Model):
    """Indexed copy of service_specialities (taxonomy slugs) for directory filters."""

    mechanic = models.ForeignKey(Mechanic, on_delete=models.CASCADE, related_name="service_rows")
    slug = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug", "mechanic"], name="mechanic_service_unique")]

    def __str__(self) -> str:
        return f"{self.mechanic_id}: {self.slug}"


class Review(models.Model):
    """One rating per completed session, by that session's customer. The mechanic's
    aggregate is recomputed from these rows, never written by a mechanic."""

    mechanic = models.ForeignKey(Mechanic, on_delete=models.CASCADE, related_name="reviews")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written")
    session_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="The session this review is for"
    )
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mechanic", "-created_at"], name="review_mechanic_recent")]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ for {self.mechanic_id}"
