"""The signed-in mechanic's own profile. Public views of mechanics live in matching."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from mechmatch.accounts.auth import api_auth
from mechmatch.mechanics.selectors import mechanic_for_user
from mechmatch.mechanics.services import mechanic_photo_set, mechanic_profile_update

router = Router(tags=["mechanic"], auth=api_auth)


class MechanicProfileIn(Schema):
    # Unknown keys (rating, approval, counts...) are dropped by the schema, and the
    # service drops them again: two independent walls around server-owned fields.
    model_config = ConfigDict(extra="ignore")

    displayName: str | None = Field(default=None, max_length=120)
    bio: str | None = Field(default=None, max_length=2000)
    country: str | None = Field(default=None, max_length=40)
    region: str | None = Field(default=None, max_length=40)
    city: str | None = Field(default=None, max_length=100)
    postalCode: str | None = Field(default=None, max_length=20)
    timezone: str | None = Field(default=None, max_length=64)
    yearsExperience: int | None = Field(default=None, ge=0, le=70)
    redSealCertified: bool | None = None
    redSealProvince: str | None = Field(default=None, max_length=40)
    redSealExpiresOn: date | None = None
    brandSpecializations: list[str] | None = Field(default=None, max_length=30)
    serviceSpecialities: list[str] | None = Field(default=None, max_length=40)
    specialistTier: str | None = Field(default=None, max_length=10)


class MechanicPrivateOut(Schema):
    id: int
    displayName: str
    bio: str
    country: str
    region: str
    city: str
    postalCode: str
    timezone: str
    yearsExperience: int
    redSealCertified: bool
    redSealVerified: bool
    redSealProvince: str
    redSealExpiresOn: date | None
    brandSpecializations: list[str]
    serviceSpecialities: list[str]
    specialistTier: str
    applicationStatus: str
    accountStatus: str
    isOnShift: bool
    profileCompletion: int
    rating: float
    reviewCount: int
    completedSessions: int
    averageResponseTime: float | None
    profilePhotoUrl: str | None


class ErrorOut(Schema):
    success: bool = False
    error: str


_IN_TO_MODEL = {
    "displayName": "display_name",
    "bio": "bio",
    "country": "country",
    "region": "region",
    "city": "city",
    "postalCode": "postal_code",
    "timezone": "timezone",
    "yearsExperience": "years_experience",
    "redSealCertified": "red_seal_certified",
    "redSealProvince": "red_seal_province",
    "redSealExpiresOn": "red_seal_expires_on",
    "brandSpecializations": "brand_specializations",
    "serviceSpecialities": "service_specialities",
    "specialistTier": "specialist_tier",
}


def _out(m) -> dict:  # noqa: ANN001
    return {
        "id": m.pk,
        "displayName": m.display_name,
        "bio": m.bio,
        "country": m.country,
        "region": m.region,
        "city": m.city,
        "postalCode": m.postal_code,
        "timezone": m.timezone,
        "yearsExperience": m.years_experience,
        "redSealCertified": m.red_seal_certified,
        "redSealVerified": m.red_seal_verified,
        "redSealProvince": m.red_seal_province,
        "redSealExpiresOn": m.red_seal_expires_on,
        "brandSpecializations": m.brand_specializations,
        "serviceSpecialities": m.service_specialities,
        "specialistTier": m.specialist_tier,
        "applicationStatus": m.application_status,
        "accountStatus": m.account_status,
        "isOnShift": m.is_on_shift,
        "profileCompletion": m.profile_completion,
        "rating": m.rating_average,
        "reviewCount": m.review_count,
        "completedSessions": m.completed_sessions,
        "averageResponseTime": m.avg_response_seconds,
        "profilePhotoUrl": m.photo_url,
    }


@router.get("/mechanic/profile", response={200: MechanicPrivateOut, 404: ErrorOut})
def my_profile(request: HttpRequest):
    mechanic = mechanic_for_user(request.user)
    if mechanic is None:
        return Status(404, {"error": "You do not have a mechanic profile."})
    return Status(200, _out(mechanic))


@router.patch("/mechanic/profile", response={200: MechanicPrivateOut, 404: ErrorOut})
def my_profile_update(request: HttpRequest, payload: MechanicProfileIn):
    mechanic = mechanic_for_user(request.user)
    if mechanic is None:
        return Status(404, {"error": "You do not have a mechanic profile."})
    data = {_IN_TO_MODEL[key]: value for key, value in payload.dict(exclude_unset=True).items() if key in _IN_TO_MODEL}
    return Status(200, _out(mechanic_profile_update(mechanic=mechanic, data=data)))


@router.post("/mechanic/profile/photo", response={200: MechanicPrivateOut, 404: ErrorOut})
def my_photo_upload(request: HttpRequest, photo: UploadedFile = File(...)):  # noqa: B008
    mechanic = mechanic_for_user(request.user)
    if mechanic is None:
        return Status(404, {"error": "You do not have a mechanic profile."})
    return Status(200, _out(mechanic_photo_set(mechanic=mechanic, upload=photo)))
