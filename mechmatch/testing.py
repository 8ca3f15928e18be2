"""Small factories shared by the test suite and the benchmarks. They go through the
same services as the product where that matters (location, specialisations) and set
server-owned statistics directly, as the server itself would."""

from __future__ import annotations

import itertools
from typing import Any

from django.conf import settings
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.accounts.services import operator_grant
from mechmatch.customers.models import CustomerProfile
from mechmatch.geography.services import location_clean
from mechmatch.journey.models import Waiver
from mechmatch.mechanics.models import Mechanic
from mechmatch.mechanics.services import mechanic_search_name, mechanic_search_rows_sync, profile_completion_compute
from mechmatch.payments.models import Payment
from mechmatch.payments.plans import plan_price_cents

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_user(*, role: str = User.Role.CUSTOMER, email: str | None = None, **extra: Any) -> User:
    n = next(_sequence)
    email = email or f"{role}{n}@example.test"
    user = User.objects.create_user(email=email, password=PASSWORD, role=role, **extra)
    if role == User.Role.OPERATOR:
        operator_grant(user=user)
    return user


def make_customer(
    *, country: str = "CA", postal_code: str = "M5V 2T6", city: str = "", email: str | None = None, **extra: Any
) -> CustomerProfile:
    user = make_user(role=User.Role.CUSTOMER, email=email, first_name=extra.pop("first_name", "Casey"))
    profile = CustomerProfile(user=user, **extra)
    if postal_code or city:
        location = location_clean(country=country, city=city, postal_code=postal_code)
        for key in ("country", "region", "city", "postal_code", "latitude", "longitude", "location_precision"):
            setattr(profile, key, location[key])
    else:
        profile.country = country
    profile.save()
    return profile


def make_mechanic(
    *,
    display_name: str | None = None,
    country: str = "CA",
    postal_code: str = "M5V 2T6",
    city: str = "",
    approved: bool = True,
    on_shift: bool = True,
    brands: list[str] | None = None,
    services: list[str] | None = None,
    years_experience: int = 8,
    rating: float = 4.6,
    reviews: int = 40,
    completed_sessions: int = 60,
    avg_response_seconds: float | None = 120.0,
    red_seal: bool = False,
    email: str | None = None,
    **extra: Any,
) -> Mechanic:
    n = next(_sequence)
    display_name = display_name or f"Mechanic {n}"
    user = make_user(role=User.Role.MECHANIC, email=email, first_name=display_name.split()[0])
    location = location_clean(country=country, city=city, postal_code=postal_code)
    mechanic = Mechanic(
        user=user,
        display_name=display_name,
        search_name=mechanic_search_name(display_name),
        bio=extra.pop("bio", "Experienced technician who loves a tricky electrical fault."),
        years_experience=years_experience,
        brand_specializations=brands or [],
        service_specialities=services or [],
        specialist_tier=Mechanic.SpecialistTier.BRAND if brands else Mechanic.SpecialistTier.GENERAL,
        application_status=Mechanic.ApplicationStatus.APPROVED if approved else Mechanic.ApplicationStatus.PENDING,
        approved_at=timezone.now() if approved else None,
        is_on_shift=on_shift,
        last_seen_at=timezone.now() if on_shift else None,
        rating_average=rating,
        review_count=reviews,
        completed_sessions=completed_sessions,
        avg_response_seconds=avg_response_seconds,
        response_sample_count=completed_sessions,
        red_seal_certified=red_seal,
        red_seal_verified=red_seal,
        **location,
        **extra,
    )
    mechanic.profile_completion = profile_completion_compute(mechanic)
    mechanic.save()
    mechanic_search_rows_sync(mechanic)
    return mechanic


def make_entitlement(user: User, *, plan_code: str = "standard", brand_specialist: bool = False) -> Payment:
    """What a session needs before it is requested: the current waiver accepted (not tied to
    an intake, as the API does) and, for a paid plan, a paid checkout; returns the payment."""
    Waiver.objects.get_or_create(user=user, intake=None, version=settings.WAIVER_VERSION)
    return Payment.objects.create(
        user=user,
        reference=f"api:test-{user.pk}-{Payment.objects.count()}",
        plan_code=plan_code,
        amount_cents=plan_price_cents(plan_code, brand_specialist=brand_specialist),
        currency="CAD",
        provider="test",
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
    )
