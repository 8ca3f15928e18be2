from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mechmatch.mechanics.models import Mechanic
from mechmatch.scheduling.selectors import mechanic_free_slots


def signed_in(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customer_client(customer) -> Client:
    return signed_in(customer.user)


@pytest.fixture
def mechanic_client(mechanic) -> Client:
    return signed_in(mechanic.user)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return signed_in(outsider)


def slot_after(mechanic: Mechanic, *, hours: float, plan_code: str = "standard", skip: int = 0):  # noqa: ANN201
    """A free slot of the mechanic at least `hours` from now (real time, as the pages use)."""
    later = timezone.now() + timedelta(hours=hours)
    return [s for s in mechanic_free_slots(mechanic, plan_code=plan_code) if s >= later][skip]
