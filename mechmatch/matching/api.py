"""Public matching endpoints: keyword extraction, the preview, the directory and profiles.

They work without signing in (the front end calls them before sign-in), and recognise a
signed-in customer when a bearer token or session is present (favourites, saved location,
funnel). Output is built from explicit allow-lists, so private fields cannot leak.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from mechmatch.accounts.auth import request_user
from mechmatch.api_errors import StrictIn, fields_renamed
from mechmatch.api_schema import Flag, WholeNumber, one_of, open_errors
from mechmatch.core.postal import COUNTRY_CODES
from mechmatch.core.ranking import RequestType, ScoredMatch
from mechmatch.customers.services import MIN_MODEL_YEAR, max_model_year
from mechmatch.matching.reasons import reasons_localised, summary_localised
from mechmatch.matching.selectors import mechanic_public_profile, photo_url
from mechmatch.matching.services import (
    MAX_CONCERN_LENGTH,
    MatchQuery,
    concern_analyse,
    keyword_labels,
    match_preview,
    mechanic_directory_list,
)
from mechmatch.throttles import RateLimit

router = Router(tags=["matching"])


# --------------------------------------------------------------------------- helpers

# Text with something in it besides spaces (the schema says so with a pattern).
NON_BLANK = r"\S"
Country: Any = one_of(COUNTRY_CODES)


# --------------------------------------------------------------------------- keywords


class KeywordsIn(StrictIn):
    description: str = Field(min_length=1, max_length=MAX_CONCERN_LENGTH, pattern=NON_BLANK)


class KeywordsOut(Schema):
    keywords: list[str]
    labels: dict[str, str]
    dtcCodes: list[str]
    brands: list[str]
    language: str


@router.post(
    "/keywords/extract",
    response={200: KeywordsOut, **open_errors(400, throttled=True)},
    auth=None,
    throttle=RateLimit("keywords"),
)
def keywords_extract(request: HttpRequest, payload: KeywordsIn) -> dict[str, Any]:
    analysis = concern_analyse(description=payload.description)
    return {
        "keywords": analysis.keywords,
        "labels": keyword_labels(analysis.keywords, analysis.language),
        "dtcCodes": analysis.dtc_codes,
        "brands": analysis.brands,
        "language": analysis.language,
    }


# --------------------------------------------------------------------------- preview


class PreviewVehicleIn(StrictIn):
    make: str | None = Field(default=None, max_length=40)
    model: str | None = Field(default=None, max_length=60)
    year: WholeNumber | None = Field(default=None, ge=MIN_MODEL_YEAR, le=max_model_year())


class PreviewIn(StrictIn):
    concern: str = Field(min_length=1, max_length=MAX_CONCERN_LENGTH, pattern=NON_BLANK)
    vehicle: PreviewVehicleIn | None = None
    requestType: RequestType = RequestType.GENERAL
    requestedBrand: str | None = Field(default=None, max_length=40)
    customerCity: str | None = Field(default=None, max_length=100)
    customerCountry: Country
    customerPostalCode: str | None = Field(default=None, max_length=20)
    customerRegion: str | None = Field(default=None, max_length=40)
    preferLocalMechanic: Flag = True


class MatchOut(Schema):
    mechanicId: int
    mechanicName: str
    profilePhotoUrl: str | None
    matchScore: float
    matchReasons: list[str]
    matchSummary: str
    availability: Literal["online", "offline"]
    yearsExperience: int
    rating: float
    reviewCount: int
    completedSessions: int
    isBrandSpecialist: bool
    brandSpecializations: list[str]
    distance: float | None
    # How exact `distance` is: the vaguer of the customer's and the mechanic's location
    # ('postal_code', 'zip', 'fsa', 'city'); null when there is no distance.
    distancePrecision: str | None
    isLocalMatch: bool
    averageResponseTime: float | None
    bio: str | None
    city: str
    region: str
    country: str
    scoreBreakdown: dict[str, float]
    isNew: bool
    isFavourite: bool


class FallbackOut(Schema):
    scenario: Literal["none", "no_local", "specialist_far", "nobody_available"]
    message: str
    closest: list[MatchOut]
    localAlternatives: list[MatchOut]
    options: list[str]


class PreviewOut(Schema):
    success: bool = True
    matches: list[MatchOut]
    hasLocalMatches: bool
    totalMatches: int
    keywords: list[str]
    requestedBrand: str | None
    locationPrecision: str
    fallback: FallbackOut


def _match_out(match: ScoredMatch, display: dict[int, dict[str, Any]]) -> dict[str, Any]:
    c = match.candidate
    shown = display.get(match.mechanic_id, {})
    # English unless the request activated another language (Accept-Language, via LocaleMiddleware).
    reasons = reasons_localised(match)
    return {
        "mechanicId": match.mechanic_id,
        "mechanicName": shown.get("display_name", c.name),
        "profilePhotoUrl": shown.get("photo_url"),
        "matchScore": match.score,
        "matchReasons": reasons,
        "matchSummary": summary_localised(reasons),
        "availability": "online" if match.is_available else "offline",
        "yearsExperience": c.years_experience,
        "rating": round(c.rating, 2),
        "reviewCount": c.review_count,
        "completedSessions": c.completed_sessions,
        "isBrandSpecialist": match.is_brand_specialist,
        "brandSpecializations": list(c.brands),
        "distance": round(match.distance_km, 1) if match.distance_km is not None else None,
        "distancePrecision": shown.get("distance_precision") if match.distance_km is not None else None,
        "isLocalMatch": match.is_local,
        "averageResponseTime": c.avg_response_seconds,
        "bio": shown.get("bio") or None,
        "city": shown.get("city", ""),
        "region": shown.get("region", ""),
        "country": shown.get("country", c.country),
        "scoreBreakdown": match.breakdown,
        "isNew": match.is_new,
        "isFavourite": match.is_favourite,
    }


_PREVIEW_FIELDS = {
    "description": "concern",
    "country": "customerCountry",
    "city": "customerCity",
    "postal_code": "customerPostalCode",
    "region": "customerRegion",
    "requested_brand": "requestedBrand",
    "request_type": "requestType",
}


@router.post(
    "/matching/preview",
    response={200: PreviewOut, **open_errors(400, throttled=True)},
    auth=None,
    throttle=RateLimit("preview"),
)
def matching_preview(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    vehicle = payload.vehicle or PreviewVehicleIn()
    query = MatchQuery(
        concern=payload.concern,
        make=vehicle.make,
        model=vehicle.model,
        year=vehicle.year,
        request_type=payload.requestType,
        requested_brand=payload.requestedBrand,
        country=payload.customerCountry,
        city=payload.customerCity,
        postal_code=payload.customerPostalCode,
        region=payload.customerRegion,
        prefer_local=payload.preferLocalMechanic,
    )
    try:
        result = match_preview(query, customer_user=request_user(request))
    except ValidationError as exc:
        raise fields_renamed(exc, _PREVIEW_FIELDS) from exc
    display = result.display
    return {
        "success": True,
        "matches": [_match_out(m, display) for m in result.matches],
        "hasLocalMatches": result.has_local_matches,
        "totalMatches": result.total_matches,
        "keywords": result.keywords,
        "requestedBrand": result.requested_brand,
        "locationPrecision": result.location.precision,
        "fallback": {
            "scenario": result.fallback.scenario,
            "message": result.fallback.message,
            "closest": [_match_out(m, display) for m in result.fallback.closest],
            "localAlternatives": [_match_out(m, display) for m in result.fallback.local_alternatives],
            "options": result.fallback.options,
        },
    }


# --------------------------------------------------------------------------- directory


class DirectoryQuery(Schema):
    minRating: float | None = Field(default=None, ge=0, le=5)
    maxDistanceKm: float | None = Field(default=None, gt=0, le=1000)
    brand: str | None = Field(default=None, max_length=40)
    service: str | None = Field(default=None, max_length=40)
    availableNow: bool = False
    q: str | None = Field(default=None, max_length=100)
    sort: Literal["best", "distance", "rating", "experience"] = "best"
    page: int = Field(default=1, ge=1, le=10_000)
    pageSize: int = Field(default=20, ge=1, le=50)
    customerCountry: Country | None = None
    customerPostalCode: str | None = Field(default=None, max_length=20)
    customerCity: str | None = Field(default=None, max_length=100)
    customerRegion: str | None = Field(default=None, max_length=40)


class DirectoryOut(Schema):
    items: list[MatchOut]
    page: int
    pageSize: int
    total: int
    # True when the count stopped at a cap (without a location): "more than `total`".
    totalIsLowerBound: bool
    hasNext: bool


_DIRECTORY_FIELDS = {
    "min_rating": "minRating",
    "max_distance_km": "maxDistanceKm",
    "available_now": "availableNow",
    "page_size": "pageSize",
    "country": "customerCountry",
    "city": "customerCity",
    "postal_code": "customerPostalCode",
    "region": "customerRegion",
}


@router.get(
    "/mechanics",
    response={200: DirectoryOut, **open_errors(400, throttled=True)},
    auth=None,
    throttle=RateLimit("directory"),
)
def mechanic_directory(request: HttpRequest, filters: Query[DirectoryQuery]) -> dict[str, Any]:
    try:
        page = mechanic_directory_list(
            min_rating=filters.minRating,
            max_distance_km=filters.maxDistanceKm,
            brand=filters.brand,
            service=filters.service,
            available_now=filters.availableNow,
            q=filters.q,
            sort=filters.sort,
            page=filters.page,
            page_size=filters.pageSize,
            country=filters.customerCountry,
            postal_code=filters.customerPostalCode,
            city=filters.customerCity,
            region=filters.customerRegion,
            customer_user=request_user(request),
        )
    except ValidationError as exc:
        raise fields_renamed(exc, _DIRECTORY_FIELDS) from exc
    return {
        "items": [_match_out(m, page.display) for m in page.items],
        "page": page.page,
        "pageSize": page.page_size,
        "total": page.total,
        "totalIsLowerBound": page.total_is_lower_bound,
        "hasNext": page.has_next,
    }


# --------------------------------------------------------------------------- profile


class SpecialityOut(Schema):
    slug: str
    label: str
    labelFr: str


class CertificationOut(Schema):
    redSeal: bool
    redSealVerified: bool
    redSealProvince: str | None


class ReviewOut(Schema):
    rating: int
    comment: str
    reviewerName: str
    createdAt: datetime


class WaitingRoomMechanicOut(Schema):
    """What the plan's WaitingRoom reads from `data.mechanic`."""

    id: int
    name: str
    profilePhotoUrl: str | None
    rating: float
    completedSessions: int
    yearsExperience: int
    isBrandSpecialist: bool
    brandSpecializations: list[str]


class ProfileOut(Schema):
    mechanic: WaitingRoomMechanicOut
    mechanicId: int
    mechanicName: str
    profilePhotoUrl: str | None
    bio: str | None
    city: str
    region: str
    country: str
    specialities: list[SpecialityOut]
    brandSpecializations: list[str]
    specialistTier: str
    certification: CertificationOut
    yearsExperience: int
    rating: float
    reviewCount: int
    completedSessions: int
    averageResponseTime: float | None
    availability: Literal["online", "offline"]
    recentReviews: list[ReviewOut]


@router.get("/mechanics/{mechanic_id}/profile", response={200: ProfileOut, **open_errors(404)}, auth=None)
def mechanic_profile(request: HttpRequest, mechanic_id: int) -> dict[str, Any]:
    profile = mechanic_public_profile(mechanic_id=mechanic_id)
    if profile is None:
        raise Http404("Mechanic not found.")
    m = profile["mechanic"]
    photo = photo_url(m.photo.name if m.photo else None)
    brands = list(m.brand_specializations or [])
    return {
        "mechanic": {
            "id": m.pk,
            "name": m.display_name,
            "profilePhotoUrl": photo,
            "rating": round(m.rating_average, 2),
            "completedSessions": m.completed_sessions,
            "yearsExperience": m.years_experience,
            "isBrandSpecialist": bool(brands),
            "brandSpecializations": brands,
        },
        "mechanicId": m.pk,
        "mechanicName": m.display_name,
        "profilePhotoUrl": photo_url(m.photo.name if m.photo else None),
        "bio": m.bio or None,
        "city": m.city,
        "region": m.region,
        "country": m.country,
        "specialities": profile["specialities"],
        "brandSpecializations": list(m.brand_specializations or []),
        "specialistTier": m.specialist_tier,
        "certification": {
            "redSeal": m.red_seal_certified,
            "redSealVerified": m.red_seal_verified,
            "redSealProvince": m.red_seal_province or None,
        },
        "yearsExperience": m.years_experience,
        "rating": round(m.rating_average, 2),
        "reviewCount": m.review_count,
        "completedSessions": m.completed_sessions,
        "averageResponseTime": m.avg_response_seconds,
        "availability": "online" if m.is_on_shift else "offline",
        "recentReviews": profile["reviews"],
    }
