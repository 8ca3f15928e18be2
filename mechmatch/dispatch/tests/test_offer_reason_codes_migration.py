"""The data migration that turns stored English reasons into codes, and back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = ("dispatch", "0002_offer_reason_codes")
OLD_TEXTS = [
    "The customer chose you",
    "One of your favourites",
    "BMW master technician",
    "Experienced with Brakes, Steering",
    "1,234 km away",
    "Available now",
    "Usually responds in 2 min",
    "5.0★ from 1 review",
    "12 years experience",
    "New",
    "Something we never wrote",
]
CODES = [
    {"code": "customer_chose_you", "params": {}},
    {"code": "favourite", "params": {}},
    {"code": "brand_master", "params": {"brand": "BMW"}},
    {"code": "experienced_with", "params": {"services": ["brakes", "steering"]}},
    {"code": "distance_km", "params": {"km": 1234}},
    {"code": "available_now", "params": {}},
    {"code": "responds_in", "params": {"minutes": 2}},
    {"code": "rating", "params": {"rating": "5.0", "count": 1}},
    {"code": "years_experience", "params": {"years": 12}},
    {"code": "new", "params": {}},
]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def before_migration() -> Iterator[tuple[Any, list[tuple[str, str]]]]:
    """The historical models just before the migration; the schema is put back at the end."""
    executor = MigrationExecutor(connection)
    before = list(executor.loader.get_migration(*MIGRATION).dependencies)
    latest = executor.loader.graph.leaf_nodes()
    yield _migrate(before), before
    _migrate(latest)


def _old_request(apps: Any) -> tuple[int, int]:
    customer, mechanic = make_customer().user, make_mechanic()
    now = timezone.now()
    request = apps.get_model("dispatch", "SessionRequest").objects.create(
        customer_id=customer.pk,
        vehicle_year=2018,
        vehicle_make="BMW",
        vehicle_model="330i",
        vehicle_key="bmw-330i",
        concern="brakes",
        country="CA",
        match_scores={
            "routedAt": now.isoformat(),
            "candidates": [{"mechanicId": mechanic.pk, "score": 80.0, "reasons": OLD_TEXTS[1:3], "distanceKm": 3.1}],
        },
    )
    offer = apps.get_model("dispatch", "Offer").objects.create(
        request_id=request.pk,
        mechanic_id=mechanic.pk,
        kind="exclusive",
        reasons=OLD_TEXTS,
        offered_at=now,
        expires_at=now,
    )
    return request.pk, offer.pk


def test_stored_english_reasons_become_codes_and_unknown_text_is_dropped(before_migration):
    apps, _ = before_migration
    request_id, offer_id = _old_request(apps)
    _migrate([MIGRATION])
    assert Offer.objects.get(pk=offer_id).reason_codes == CODES
    candidate = SessionRequest.objects.get(pk=request_id).match_scores["candidates"][0]
    assert candidate["reasonCodes"] == CODES[1:3] and "reasons" not in candidate
    assert candidate["score"] == 80.0 and candidate["distanceKm"] == 3.1


def test_reversing_the_migration_writes_the_english_back(before_migration):
    apps, before = before_migration
    request_id, offer_id = _old_request(apps)
    _migrate([MIGRATION])
    old_apps = _migrate(before)
    assert old_apps.get_model("dispatch", "Offer").objects.get(pk=offer_id).reasons == OLD_TEXTS[:-1]
    request = old_apps.get_model("dispatch", "SessionRequest").objects.get(pk=request_id)
    assert request.match_scores["candidates"][0]["reasons"] == OLD_TEXTS[1:3]
