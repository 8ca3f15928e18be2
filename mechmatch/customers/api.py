"""The customer's favourite mechanics and saved vehicles, for API clients, through the same
services as the pages (`favourite_add_for` checks the mechanic can take sessions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_errors import StrictIn, fields_renamed
from mechmatch.api_schema import KEEP, WholeNumber, object_errors, signed_in_errors
from mechmatch.customers.models import Favourite, Vehicle
from mechmatch.customers.selectors import favourite_list, vehicle_get, vehicle_list
from mechmatch.customers.services import (
    MIN_MODEL_YEAR,
    customer_profile_for,
    favourite_add_for,
    favourite_remove,
    max_model_year,
    vehicle_add,
    vehicle_delete,
    vehicle_update,
)
from mechmatch.matching.selectors import photo_url

router = Router(tags=["customer"], auth=api_auth)

_FAVOURITE_FIELDS = {"mechanic_id": "mechanicId"}


class FavouriteIn(StrictIn):
    mechanicId: WholeNumber = Field(..., ge=1)


class FavouriteOut(Schema):
    mechanicId: int
    name: str
    profilePhotoUrl: str | None
    city: str
    region: str
    rating: float
    completedSessions: int
    isBrandSpecialist: bool
    addedAt: dt.datetime


class SavedVehicleIn(StrictIn):
    year: WholeNumber = Field(..., ge=MIN_MODEL_YEAR, le=max_model_year())
    make: str = Field(..., min_length=1, max_length=40)
    model: str = Field(..., min_length=1, max_length=60)
    vin: str = Field(default="", max_length=17)


class SavedVehiclePatchIn(StrictIn):
    year: WholeNumber = Field(default=KEEP, ge=MIN_MODEL_YEAR, le=max_model_year())
    make: str = Field(default=KEEP, min_length=1, max_length=40)
    model: str = Field(default=KEEP, min_length=1, max_length=60)
    vin: str = Field(default=KEEP, max_length=17)


class SavedVehicleOut(Schema):
    id: int
    year: int
    make: str
    model: str
    vin: str


class RemovedOut(Schema):
    removed: bool


def _favourite_out(favourite: Favourite) -> dict[str, Any]:
    m = favourite.mechanic
    return {
        "mechanicId": m.pk,
        "name": m.display_name,
        "profilePhotoUrl": photo_url(m.photo.name if m.photo else None),
        "city": m.city,
        "region": m.region,
        "rating": round(m.rating_average, 2),
        "completedSessions": m.completed_sessions,
        "isBrandSpecialist": bool(m.brand_specializations),
        "addedAt": favourite.created_at,
    }


def _vehicle_out(v: Vehicle) -> dict[str, Any]:
    return {"id": v.pk, "year": v.year, "make": v.make, "model": v.model, "vin": v.vin}


# --------------------------------------------------------------------------- favourites


@router.get("/favourites", response={200: list[FavouriteOut], **signed_in_errors()}, summary="My favourite mechanics")
def favourites(request: SignedInRequest) -> list[dict[str, Any]]:
    return [_favourite_out(f) for f in favourite_list(customer=customer_profile_for(request.user))]


@router.post(
    "/favourites",
    response={201: FavouriteOut, **signed_in_errors()},
    summary="Add a mechanic to my favourites (again is harmless)",
)
def favourite_create(request: SignedInRequest, payload: FavouriteIn) -> Status:
    try:
        favourite = favourite_add_for(user=request.user, mechanic_id=payload.mechanicId)
    except ValidationError as exc:
        raise fields_renamed(exc, _FAVOURITE_FIELDS) from exc
    return Status(201, _favourite_out(favourite))


@router.delete(
    "/favourites/{mechanic_id}",
    response={200: RemovedOut, **object_errors()},
    summary="Remove a mechanic from my favourites",
)
def favourite_delete(request: SignedInRequest, mechanic_id: int) -> dict[str, Any]:
    if not favourite_remove(customer=customer_profile_for(request.user), mechanic_id=mechanic_id):
        raise Http404("That mechanic is not in your favourites.")
    return {"removed": True}


# --------------------------------------------------------------------------- vehicles


def _own_vehicle(request: SignedInRequest, vehicle_id: int) -> Vehicle:
    vehicle = vehicle_get(customer=customer_profile_for(request.user), vehicle_id=vehicle_id)
    if vehicle is None:
        raise Http404("Vehicle not found.")
    return vehicle


@router.get("/vehicles", response={200: list[SavedVehicleOut], **signed_in_errors()}, summary="My saved vehicles")
def vehicles(request: SignedInRequest) -> list[dict[str, Any]]:
    return [_vehicle_out(v) for v in vehicle_list(customer=customer_profile_for(request.user))]


@router.post(
    "/vehicles",
    response={201: SavedVehicleOut, **signed_in_errors()},
    summary="Save a vehicle (the same year, make and model again answers the saved one)",
)
def vehicle_create(request: SignedInRequest, payload: SavedVehicleIn) -> Status:
    vehicle = vehicle_add(customer=customer_profile_for(request.user), **payload.dict())
    return Status(201, _vehicle_out(vehicle))


@router.patch("/vehicles/{vehicle_id}", response={200: SavedVehicleOut, **object_errors()})
def vehicle_edit(request: SignedInRequest, vehicle_id: int, payload: SavedVehiclePatchIn) -> dict[str, Any]:
    vehicle = _own_vehicle(request, vehicle_id)
    return _vehicle_out(vehicle_update(vehicle=vehicle, **payload.dict(exclude_unset=True)))


@router.delete("/vehicles/{vehicle_id}", response={200: RemovedOut, **object_errors()})
def vehicle_remove(request: SignedInRequest, vehicle_id: int) -> dict[str, Any]:
    vehicle_delete(vehicle=_own_vehicle(request, vehicle_id))
    return {"removed": True}
