"""Factories for scheduling tests: a mechanic's week and a booking made through the service."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from mechmatch.accounts.models import User
from mechmatch.mechanics.models import Mechanic
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.services import availability_set, booking_create
from mechmatch.testing import make_entitlement

VEHICLE = {"year": 2018, "make": "Honda", "model": "Civic"}


def make_week(mechanic: Mechanic, *, start: time = time(9), end: time = time(17), tz: str | None = None) -> None:
    """Available every day of the week from `start` to `end`, local time."""
    rules = [{"weekday": d, "start": start.isoformat(), "end": end.isoformat()} for d in range(7)]
    availability_set(mechanic=mechanic, rules=rules, timezone=tz)


def make_booking(
    user: User,
    mechanic: Mechanic | None,
    starts_at: datetime,
    *,
    now: datetime,
    plan_code: str = "standard",
    **extra: Any,
) -> Booking:
    payment = make_entitlement(user, plan_code=plan_code)
    return booking_create(
        user=user,
        mechanic_id=mechanic.pk if mechanic is not None else None,
        starts_at=starts_at,
        plan_code=plan_code,
        payment_id=payment.pk,
        concern=extra.pop("concern", "Engine light on and rough idle"),
        vehicle=extra.pop("vehicle", VEHICLE),
        postal_code=extra.pop("postal_code", "M5V 2T6"),
        now=now,
        **extra,
    )
