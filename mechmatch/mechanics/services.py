"""Writes to mechanics. Mechanic-facing writes accept only MECHANIC_EDITABLE_FIELDS;
everything in Mechanic.SERVER_OWNED_FIELDS is computed here or set by operators."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.accounts.services import user_create
from mechmatch.core.brands import normalize_brand
from mechmatch.core.geo import timezone_for
from mechmatch.core.postal import normalize_region
from mechmatch.core.taxonomy import is_valid_slug
from mechmatch.core.text import fold
from mechmatch.geography.services import location_clean
from mechmatch.mechanics.models import Mechanic, MechanicBrand, MechanicService, Review
from mechmatch.uploads import image_upload_clean

MECHANIC_EDITABLE_FIELDS = frozenset(
    {
        "display_name",
        "bio",
        "country",
        "region",
        "city",
        "postal_code",
        "timezone",
        "years_experience",
        "red_seal_certified",
        "red_seal_province",
        "red_seal_expires_on",
        "brand_specializations",
        "service_specialities",
        "specialist_tier",
    }
)
# "master" is a title operators grant; a mechanic may describe themself as general or brand.
SELF_DECLARED_TIERS = {Mechanic.SpecialistTier.GENERAL, Mechanic.SpecialistTier.BRAND}


def _clean_brands(raw: list[str]) -> list[str]:
    brands: list[str] = []
    for item in raw or []:
        brand = normalize_brand(item)
        if brand is None:
            raise ValidationError(
                {"brand_specializations": _("Unknown vehicle brand: %(brand)r.") % {"brand": str(item)[:40]}}
            )
        if brand not in brands:
            brands.append(brand)
    return brands


def _clean_services(raw: list[str]) -> list[str]:
    """Slugs from the taxonomy (core/taxonomy), deduplicated, in the order given."""
    unknown = [slug for slug in raw or [] if not is_valid_slug(slug)]
    if unknown:
        raise ValidationError(
            {"service_specialities": _("Unknown service: %(service)r.") % {"service": str(unknown[0])[:40]}}
        )
    return list(dict.fromkeys(raw or []))


def profile_completion_compute(mechanic: Mechanic | SimpleNamespace) -> int:
    """From a Mechanic, or from the attributes of a seeded row before it is inserted."""
    checks = [
        bool(mechanic.display_name),
        bool(mechanic.photo),
        len(mechanic.bio or "") >= 40,
        bool(mechanic.postal_code),
        mechanic.years_experience > 0,
        bool(mechanic.brand_specializations or mechanic.service_specialities),
        bool(mechanic.service_specialities),
        not mechanic.red_seal_certified or bool(mechanic.red_seal_province and mechanic.red_seal_expires_on),
        bool(mechanic.timezone),
        mechanic.workshop_id is not None or mechanic.years_experience >= 3,
    ]
    return round(100 * sum(checks) / len(checks))


def mechanic_search_rows_sync(mechanic: Mechanic) -> None:
    """Rewrite the mechanic's indexed brand and service rows (brand rows with a copy of the
    mechanic's cells) after its specialities or its location changed."""
    MechanicBrand.objects.filter(mechanic=mechanic).delete()
    MechanicService.objects.filter(mechanic=mechanic).delete()
    cells = {name: getattr(mechanic, name) for name in MechanicBrand.CELL_FIELDS}
    MechanicBrand.objects.bulk_create(
        MechanicBrand(mechanic=mechanic, brand=b, **cells) for b in mechanic.brand_specializations
    )
    MechanicService.objects.bulk_create(
        MechanicService(mechanic=mechanic, slug=s) for s in mechanic.service_specialities
    )


@transaction.atomic
def mechanic_apply(
    *,
    email: str,
    password: str,
    display_name: str,
    country: str,
    region: str,
    city: str,
    postal_code: str = "",
    years_experience: int = 0,
    brand_specializations: list[str] | None = None,
    service_specialities: list[str] | None = None,
    bio: str = "",
) -> Mechanic:
    """A new applicant: a mechanic account whose profile waits for an operator's approval."""
    if not display_name.strip():
        raise ValidationError({"display_name": _("Enter the name customers will see.")})
    location = location_clean(country=country, region=region, city=city, postal_code=postal_code)
    user = user_create(email=email, password=password, role=User.Role.MECHANIC, first_name=display_name.split()[0])
    mechanic = Mechanic(
        user=user,
        display_name=display_name.strip()[:120],
        search_name=mechanic_search_name(display_name.strip()[:120]),
        bio=bio.strip(),
        years_experience=max(0, min(int(years_experience or 0), 70)),
        brand_specializations=_clean_brands(brand_specializations or []),
        service_specialities=_clean_services(service_specialities or []),
        timezone=timezone_for(location["country"], location["region"], location["longitude"]),
        **location,
    )
    mechanic.specialist_tier = (
        Mechanic.SpecialistTier.BRAND if mechanic.brand_specializations else Mechanic.SpecialistTier.GENERAL
    )
    mechanic.profile_completion = profile_completion_compute(mechanic)
    mechanic.save()
    mechanic_search_rows_sync(mechanic)
    return mechanic


def mechanic_search_name(display_name: str) -> str:
    """What a name search compares against: the name folded like every other text we match."""
    return fold(display_name)[:120]


@transaction.atomic
def mechanic_profile_update(*, mechanic: Mechanic, data: dict[str, Any]) -> Mechanic:
    """The only write path open to mechanics themselves. Keys outside
    MECHANIC_EDITABLE_FIELDS are ignored, so a crafted request cannot touch ratings,
    counts, approval or verification."""
    changes = {key: value for key, value in data.items() if key in MECHANIC_EDITABLE_FIELDS and value is not None}
    mechanic = Mechanic.objects.select_for_update().get(pk=mechanic.pk)
    claim_before = (mechanic.red_seal_certified, mechanic.red_seal_province, mechanic.red_seal_expires_on)

    if {"country", "region", "city", "postal_code"} & changes.keys():
        location = location_clean(
            country=changes.get("country", mechanic.country),
            region=changes.get("region", mechanic.region),
            city=changes.get("city", mechanic.city),
            postal_code=changes.get("postal_code", mechanic.postal_code),
        )
        for key, value in location.items():
            setattr(mechanic, key, value)
    if "display_name" in changes:
        name = str(changes["display_name"]).strip()
        if not name:
            raise ValidationError({"display_name": _("Enter the name customers will see.")})
        mechanic.display_name = name[:120]
        mechanic.search_name = mechanic_search_name(mechanic.display_name)
    if "bio" in changes:
        mechanic.bio = str(changes["bio"]).strip()[:2000]
    if "timezone" in changes:
        mechanic.timezone = str(changes["timezone"])[:64]
    if "years_experience" in changes:
        years = int(changes["years_experience"])
        if not 0 <= years <= 70:
            raise ValidationError({"years_experience": _("Years of experience must be between 0 and 70.")})
        mechanic.years_experience = years
    if "red_seal_certified" in changes:
        mechanic.red_seal_certified = bool(changes["red_seal_certified"])
    if "red_seal_province" in changes:
        province = str(changes["red_seal_province"]).strip()
        try:
            mechanic.red_seal_province = normalize_region(province, "CA") if province else ""
        except ValueError as exc:
            raise ValidationError({"red_seal_province": str(exc)}) from exc
    if "red_seal_expires_on" in changes:
        expires = changes["red_seal_expires_on"]
        if expires is not None and not isinstance(expires, date):
            raise ValidationError({"red_seal_expires_on": _("Enter a date.")})
        mechanic.red_seal_expires_on = expires
    if "brand_specializations" in changes:
        mechanic.brand_specializations = _clean_brands(changes["brand_specializations"])
    if "service_specialities" in changes:
        mechanic.service_specialities = _clean_services(changes["service_specialities"])
    if "specialist_tier" in changes and mechanic.specialist_tier != Mechanic.SpecialistTier.MASTER:
        tier = changes["specialist_tier"]
        if tier not in SELF_DECLARED_TIERS:
            raise ValidationError({"specialist_tier": _("Choose general or brand specialist.")})
        mechanic.specialist_tier = tier
    # A changed claim needs verifying again; re-saving the same claim keeps the verification.
    if (mechanic.red_seal_certified, mechanic.red_seal_province, mechanic.red_seal_expires_on) != claim_before:
        mechanic.red_seal_verified = False

    mechanic.profile_completion = profile_completion_compute(mechanic)
    mechanic.save()
    mechanic_search_rows_sync(mechanic)
    return mechanic


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 800


def mechanic_photo_set(*, mechanic: Mechanic, upload: UploadedFile) -> Mechanic:
    """Stores a re-encoded copy of the upload (never the uploaded bytes) as the profile photo.

    No transaction is open while the image is decoded and the file written (that can take
    seconds on a busy machine, and SQLite has one writer): the row changes in one UPDATE."""
    content, _content_type = image_upload_clean(
        upload, field="photo", max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE
    )
    old = mechanic.photo.name if mechanic.photo else ""
    mechanic.photo.save(f"mechanic-{mechanic.pk}-{content.name}", content, save=False)
    mechanic.profile_completion = profile_completion_compute(mechanic)
    mechanic.save(update_fields=["photo", "profile_completion", "updated_at"])
    # Demo mechanics share a pool of drawn avatars: a file another mechanic still shows stays.
    if old and old != mechanic.photo.name and not Mechanic.objects.filter(photo=old).exists():
        mechanic.photo.storage.delete(old)
    return mechanic


def mechanic_approve(*, mechanic: Mechanic, operator: User) -> Mechanic:
    if not operator.is_operator:
        raise PermissionError("Only operators approve mechanics.")
    mechanic.application_status = Mechanic.ApplicationStatus.APPROVED
    mechanic.approved_at = mechanic.approved_at or timezone.now()
    mechanic.save(update_fields=["application_status", "approved_at", "updated_at"])
    return mechanic


def mechanic_suspend(*, mechanic: Mechanic, operator: User) -> Mechanic:
    if not operator.is_operator:
        raise PermissionError("Only operators suspend mechanics.")
    mechanic.account_status = Mechanic.AccountStatus.SUSPENDED
    mechanic.is_on_shift = False
    mechanic.save(update_fields=["account_status", "is_on_shift", "updated_at"])
    return mechanic


@transaction.atomic
def mechanic_rating_recompute(*, mechanic_id: int) -> None:
    stats = Review.objects.filter(mechanic_id=mechanic_id).aggregate(avg=Avg("rating"), count=Count("id"))
    Mechanic.objects.filter(pk=mechanic_id).update(
        rating_average=round(stats["avg"] or 0.0, 3), review_count=stats["count"] or 0
    )


class AlreadyRated(ValidationError):
    """The session has its review already: a conflict (409), not a mistake in the input."""

    def __init__(self) -> None:
        super().__init__({"rating": "This session has already been rated."})


@transaction.atomic
def review_create(*, mechanic: Mechanic, customer: User, rating: int, comment: str = "", session_key: str) -> Review:
    """Stores a review and folds it into the mechanic's aggregate at once."""
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("Rating must be between 1 and 5 stars.")})
    if Review.objects.filter(session_key=session_key).exists():
        raise AlreadyRated()
    try:
        # A savepoint: two submits can both pass the check above, and the unique session_key
        # lets only one insert win; the caller's transaction goes on for the other.
        with transaction.atomic():
            review = Review.objects.create(
                mechanic=mechanic,
                customer=customer,
                rating=int(rating),
                comment=comment.strip()[:2000],
                session_key=session_key,
            )
    except IntegrityError:
        if not Review.objects.filter(session_key=session_key).exists():
            raise
        raise AlreadyRated() from None
    # Folded in with one UPDATE so concurrent reviews cannot overwrite each other; the
    # aggregate may predate the Review table (imported history), so it is not recomputed.
    Mechanic.objects.filter(pk=mechanic.pk).update(
        rating_average=(F("rating_average") * F("review_count") + int(rating)) / (F("review_count") + 1.0),
        review_count=F("review_count") + 1,
    )
    return review
