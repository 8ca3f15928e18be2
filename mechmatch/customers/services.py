from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.accounts.services import user_create
from mechmatch.core.brands import normalize_brand
from mechmatch.core.vin import VinError, normalize_vin
from mechmatch.customers.models import CustomerProfile, Favourite, Vehicle
from mechmatch.funnel.services import event_record
from mechmatch.geography.services import location_clean
from mechmatch.mechanics.models import Mechanic

CUSTOMER_LOCATION_FIELDS = ("country", "region", "city", "postal_code", "latitude", "longitude", "location_precision")


def _location_apply(profile: CustomerProfile, location: dict[str, Any]) -> None:
    for key in CUSTOMER_LOCATION_FIELDS:
        setattr(profile, key, location[key])


@transaction.atomic
def customer_signup(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    country: str = "CA",
    city: str = "",
    postal_code: str = "",
) -> CustomerProfile:
    user = user_create(
        email=email, password=password, role=User.Role.CUSTOMER, first_name=first_name, last_name=last_name
    )
    profile = CustomerProfile(user=user, country=country if country in ("CA", "US") else "CA")
    if city or postal_code:
        _location_apply(profile, location_clean(country=country, city=city, postal_code=postal_code))
    profile.save()
    return profile


def customer_profile_for(user: User) -> CustomerProfile:
    """The customer side of any signed-in user (created on first use, e.g. for operators)."""
    profile, _created = CustomerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def customer_location_update(*, customer: CustomerProfile, **fields: Any) -> CustomerProfile:
    _location_apply(customer, location_clean(**fields))
    customer.save()
    return customer


# Model years a vehicle may have: from this one to next year's models.
MIN_MODEL_YEAR = 1950


def max_model_year() -> int:
    return dt.date.today().year + 1


def vehicle_clean(*, year: Any, make: str, model: str, vin: str = "") -> dict[str, Any]:
    errors: dict[str, str] = {}
    try:
        year_int = int(year)
        if not MIN_MODEL_YEAR <= year_int <= max_model_year():
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = f"Enter a model year between {MIN_MODEL_YEAR} and {max_model_year()}."
        year_int = 0
    brand = normalize_brand(make or "")
    if brand is None:
        errors["make"] = "Enter the vehicle's make, for example Honda or Ford."
    if not (model or "").strip():
        errors["model"] = "Enter the vehicle's model."
    clean_vin = ""
    if vin and vin.strip():
        try:
            clean_vin = normalize_vin(vin)
        except VinError as exc:
            errors["vin"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return {"year": year_int, "make": brand, "model": model.strip()[:60], "vin": clean_vin}


def vehicle_add(*, customer: CustomerProfile, year: Any, make: str, model: str, vin: str = "") -> Vehicle:
    data = vehicle_clean(year=year, make=make, model=model, vin=vin)
    existing = customer.vehicles.filter(year=data["year"], make=data["make"], model__iexact=data["model"]).first()
    if existing is not None:
        if data["vin"] and not existing.vin:
            existing.vin = data["vin"]
            existing.save(update_fields=["vin"])
        return existing
    return Vehicle.objects.create(customer=customer, **data)


def vehicle_update(*, vehicle: Vehicle, **changes: Any) -> Vehicle:
    """Changes some of a saved vehicle's fields (those given), checked as a whole like a new one.
    Requests already made keep their own copy of the vehicle."""
    current = {"year": vehicle.year, "make": vehicle.make, "model": vehicle.model, "vin": vehicle.vin}
    data = vehicle_clean(**{**current, **{k: v for k, v in changes.items() if k in current and v is not None}})
    for key, value in data.items():
        setattr(vehicle, key, value)
    vehicle.save(update_fields=list(data))
    return vehicle


def vehicle_delete(*, vehicle: Vehicle) -> None:
    """Forgets a saved vehicle; intakes and requests that named it keep their copy of it."""
    vehicle.delete()


def favourite_add(*, customer: CustomerProfile, mechanic: Mechanic) -> Favourite:
    try:
        with transaction.atomic():
            return Favourite.objects.create(customer=customer, mechanic=mechanic)
    except IntegrityError:
        return Favourite.objects.get(customer=customer, mechanic=mechanic)


def favourite_remove(*, customer: CustomerProfile, mechanic_id: int) -> bool:
    return bool(Favourite.objects.filter(customer=customer, mechanic_id=mechanic_id).delete()[0])


def favourite_add_for(*, user: User, mechanic_id: int, consultation_id: int | None = None) -> Favourite:
    """Adds an eligible mechanic to the customer's favourites (pages and API alike); the
    funnel hears of it the first time only."""
    mechanic = Mechanic.objects.filter(pk=mechanic_id).first()
    if mechanic is None or not mechanic.is_eligible:
        raise ValidationError({"mechanic_id": _("That mechanic is not available.")})
    profile = customer_profile_for(user)
    already = profile.favourites.filter(mechanic=mechanic).exists()
    favourite = favourite_add(customer=profile, mechanic=mechanic)
    if not already:
        event_record("favourite_added", user=user, mechanic_id=mechanic.pk, consultation_id=consultation_id)
    return favourite
