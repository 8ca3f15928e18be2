"""The signed-in mechanic's own profile. Public views of mechanics live in matching."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_errors import StrictIn, fields_renamed
from mechmatch.api_schema import KEEP, Flag, WholeNumber, one_of, signed_in_errors
from mechmatch.core.postal import COUNTRY_CODES
from mechmatch.core.taxonomy import SERVICE_SLUGS
from mechmatch.mechanics.models import Mechanic
from mechmatch.mechanics.selectors import mechanic_for_user_or_404
from mechmatch.mechanics.services import SELF_DECLARED_TIERS, mechanic_photo_set, mechanic_profile_update

router = Router(tags=["mechanic"], auth=api_auth)


class MechanicProfileIn(StrictIn):
    # Unknown keys (rating, approval, counts...) are refused by the schema with a 422 naming
    # them, and the service drops them again: two walls around server-owned fields.

    displayName: str = Field(default=KEEP, max_length=120, pattern=r"\S")
    bio: str = Field(default=KEEP, max_length=2000)
    country: one_of(COUNTRY_CODES) = Field(default=KEEP)  # type: ignore[valid-type]
    region: str = Field(default=KEEP, max_length=40)
    city: str = Field(default=KEEP, max_length=100)
    postalCode: str = Field(default=KEEP, max_length=20)
    timezone: str = Field(default=KEEP, max_length=64)
    yearsExperience: WholeNumber = Field(default=KEEP, ge=0, le=70)
    redSealCertified: Flag = Field(default=KEEP)
    redSealProvince: str = Field(default=KEEP, max_length=40)
    redSealExpiresOn: date = Field(default=KEEP)
    brandSpecializations: list[Annotated[str, Field(max_length=40)]] = Field(default=KEEP, max_length=30)
    serviceSpecialities: list[one_of(sorted(SERVICE_SLUGS))] = Field(  # type: ignore[valid-type]
        default=KEEP, max_length=40
    )
    specialistTier: one_of(sorted(SELF_DECLARED_TIERS)) = Field(default=KEEP)  # type: ignore[valid-type]


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
# The service names the model's fields; errors go back under the names the client sent.
_MODEL_TO_IN = {model: name for name, model in _IN_TO_MODEL.items()}


def _out(m: Mechanic) -> dict[str, Any]:
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


@router.get("/mechanic/profile", response={200: MechanicPrivateOut, **signed_in_errors(404)})
def my_profile(request: SignedInRequest) -> dict[str, Any]:
    return _out(mechanic_for_user_or_404(request.user))


@router.patch("/mechanic/profile", response={200: MechanicPrivateOut, **signed_in_errors(400, 404)})
def my_profile_update(request: SignedInRequest, payload: MechanicProfileIn) -> dict[str, Any]:
    mechanic = mechanic_for_user_or_404(request.user)
    data = {_IN_TO_MODEL[key]: value for key, value in payload.dict(exclude_unset=True).items() if key in _IN_TO_MODEL}
    try:
        return _out(mechanic_profile_update(mechanic=mechanic, data=data))
    except ValidationError as exc:
        raise fields_renamed(exc, _MODEL_TO_IN) from exc


@router.post("/mechanic/profile/photo", response={200: MechanicPrivateOut, **signed_in_errors(400, 404)})
def my_photo_upload(request: SignedInRequest, photo: UploadedFile = File(...)) -> dict[str, Any]:  # noqa: B008
    return _out(mechanic_photo_set(mechanic=mechanic_for_user_or_404(request.user), upload=photo))
