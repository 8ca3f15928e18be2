"""GET/POST /api/vehicles, PATCH/DELETE /api/vehicles/{vehicle_id}."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mechmatch.customers.models import Vehicle

pytestmark = pytest.mark.django_db

CIVIC = {"year": 2018, "make": "honda", "model": " Civic ", "vin": ""}


def _create(client: Client, body: object) -> Any:
    return client.post("/api/vehicles", body, content_type="application/json")


def test_a_vehicle_is_saved_with_its_make_normalised_and_listed(customer_api):
    response = _create(customer_api, CIVIC)
    assert response.status_code == 201
    assert {k: v for k, v in response.json().items() if k != "id"} == {
        "year": 2018,
        "make": "Honda",
        "model": "Civic",
        "vin": "",
    }
    assert [v["id"] for v in customer_api.get("/api/vehicles").json()] == [response.json()["id"]]


def test_the_same_vehicle_again_answers_the_saved_one(customer_api):
    first = _create(customer_api, CIVIC).json()
    assert _create(customer_api, CIVIC).json()["id"] == first["id"]
    assert Vehicle.objects.count() == 1


def test_editing_changes_only_the_fields_sent(customer_api):
    vehicle = _create(customer_api, CIVIC).json()
    response = customer_api.patch(f"/api/vehicles/{vehicle['id']}", {"year": 2019}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["year"], response.json()["model"]) == (2019, "Civic")


def test_an_edit_the_service_refuses_is_a_400_naming_the_field(customer_api):
    vehicle = _create(customer_api, CIVIC).json()
    response = customer_api.patch(
        f"/api/vehicles/{vehicle['id']}", {"make": "Notabrand"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["make"]


def test_deleting_forgets_the_vehicle(customer_api):
    vehicle = _create(customer_api, CIVIC).json()
    assert customer_api.delete(f"/api/vehicles/{vehicle['id']}").json() == {"removed": True}
    assert not Vehicle.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CIVIC, "year": 1900}, "year"),
        ({**CIVIC, "year": dt.date.today().year + 2}, "year"),
        ({**CIVIC, "make": ""}, "make"),
        ({**CIVIC, "model": "x" * 61}, "model"),
        ({**CIVIC, "vin": "1" * 18}, "vin"),
        ({**CIVIC, "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(customer_api, body, field):
    response = _create(customer_api, body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_bad_vin_the_schema_allows_is_a_400_naming_vin(customer_api):
    response = _create(customer_api, {**CIVIC, "vin": "NOTAVIN"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["vin"]


def test_another_customers_vehicle_is_404_to_edit_and_delete(customer_api, outsider_api):
    vehicle = _create(customer_api, CIVIC).json()
    path = f"/api/vehicles/{vehicle['id']}"
    assert outsider_api.patch(path, {"year": 2019}, content_type="application/json").status_code == 404
    assert outsider_api.delete(path).status_code == 404
    assert outsider_api.get("/api/vehicles").json() == []
    assert Vehicle.objects.get().year == 2018


def test_anonymous_callers_get_401():
    assert Client().get("/api/vehicles").status_code == 401
    assert _create(Client(), CIVIC).status_code == 401
