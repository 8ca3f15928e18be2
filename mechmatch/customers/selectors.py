from __future__ import annotations

from mechmatch.customers.models import CustomerProfile, Favourite, Vehicle


def favourite_list(*, customer: CustomerProfile) -> list[Favourite]:
    return list(customer.favourites.select_related("mechanic"))


def favourite_mechanic_ids(*, customer: CustomerProfile) -> list[int]:
    return list(customer.favourites.values_list("mechanic_id", flat=True))


def vehicle_list(*, customer: CustomerProfile) -> list[Vehicle]:
    return list(customer.vehicles.all())


def vehicle_get(*, customer: CustomerProfile, vehicle_id: int) -> Vehicle | None:
    """One of the customer's own vehicles; None for anyone else's."""
    return customer.vehicles.filter(pk=vehicle_id).first()
