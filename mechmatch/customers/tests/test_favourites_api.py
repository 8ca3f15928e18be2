"""GET/POST /api/favourites and DELETE /api/favourites/{mechanic_id}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mechmatch.customers.models import Favourite
from mechmatch.funnel.models import FunnelEvent
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def _add(client: Client, body: object) -> Any:
    return client.post("/api/favourites", body, content_type="application/json")


def test_a_customer_adds_lists_and_removes_a_favourite(customer_api, mechanic):
    added = _add(customer_api, {"mechanicId": mechanic.pk})
    assert added.status_code == 201
    assert added.json()["name"] == "Morgan Lee"
    assert added.json()["isBrandSpecialist"] is True
    assert [f["mechanicId"] for f in customer_api.get("/api/favourites").json()] == [mechanic.pk]
    removed = customer_api.delete(f"/api/favourites/{mechanic.pk}")
    assert (removed.status_code, removed.json()) == (200, {"removed": True})
    assert customer_api.get("/api/favourites").json() == []


def test_adding_twice_keeps_one_favourite_and_one_funnel_event(customer_api, mechanic):
    _add(customer_api, {"mechanicId": mechanic.pk})
    assert _add(customer_api, {"mechanicId": mechanic.pk}).status_code == 201
    assert Favourite.objects.count() == 1
    assert FunnelEvent.objects.filter(name="favourite_added").count() == 1


def test_a_mechanic_who_cannot_take_sessions_is_refused_naming_mechanic_id(customer_api):
    unapproved = make_mechanic(display_name="Pat New", approved=False)
    response = _add(customer_api, {"mechanicId": unapproved.pk})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["mechanicId"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "mechanicId"), ({"mechanicId": "x"}, "mechanicId"), ({"mechanicId": 1, "mechanic_id": 1}, "mechanic_id")],
)
def test_bad_input_is_a_422_naming_the_field(customer_api, body, field):
    response = _add(customer_api, body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_removing_a_mechanic_who_is_not_a_favourite_is_404(customer_api, outsider_api, mechanic):
    _add(customer_api, {"mechanicId": mechanic.pk})
    assert outsider_api.delete(f"/api/favourites/{mechanic.pk}").status_code == 404
    assert Favourite.objects.count() == 1


def test_another_customer_sees_only_their_own_favourites(customer_api, outsider_api, mechanic):
    _add(customer_api, {"mechanicId": mechanic.pk})
    assert outsider_api.get("/api/favourites").json() == []


def test_anonymous_callers_get_401(mechanic):
    assert Client().get("/api/favourites").status_code == 401
    assert _add(Client(), {"mechanicId": mechanic.pk}).status_code == 401
