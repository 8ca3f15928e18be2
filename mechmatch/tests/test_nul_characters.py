"""NUL characters are refused once, before any view, with a 400 naming the field: PostgreSQL
cannot store them (they were 500s there) and SQLite would store them silently."""

from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.dispatch.models import SessionRequest
from mechmatch.mechanics.models import Mechanic

pytestmark = pytest.mark.django_db

SESSION_REQUEST = {
    "concern": "Brakes squeal when I stop",
    "vehicle": {"year": 2018, "make": "Honda", "model": "Civic"},
    "customerCountry": "CA",
    "customerPostalCode": "M5V 1A1",
    "planCode": "free",
}


def _json(client: Client, method: str, path: str, body: object):
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize("field", ["displayName", "bio", "city", "timezone"])
def test_a_nul_in_the_mechanic_profile_is_refused_naming_the_field(mechanic_api, mechanic, field):
    response = _json(mechanic_api, "patch", "/api/mechanic/profile", {field: "Tor\x00onto"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": field, "message": "NUL characters are not allowed."}]
    assert "\x00" not in str(Mechanic.objects.filter(pk=mechanic.pk).values().get())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SESSION_REQUEST, "concern": "Brakes\x00 squeal"}, "concern"),
        ({**SESSION_REQUEST, "idempotencyKey": "key\x00"}, "idempotencyKey"),
        ({**SESSION_REQUEST, "vehicle": {"year": 2018, "make": "Hon\x00da", "model": "Civic"}}, "vehicle.make"),
    ],
)
def test_a_nul_in_a_session_request_is_refused_naming_the_field(customer_api, customer, body, field):
    response = _json(customer_api, "post", "/api/session-requests", body)
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert response.json()["errors"][0]["field"] == field
    assert not SessionRequest.objects.exists()


def test_a_nul_in_the_sign_in_email_is_refused():
    response = _json(Client(), "post", "/api/auth/token", {"email": "ca\x00sey@example.test", "password": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"


def test_a_nul_in_a_query_string_is_refused_naming_the_parameter():
    response = Client().get("/api/mechanics", {"q": "bra\x00kes"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "q"


def test_a_nul_in_a_list_names_its_index(mechanic_api):
    response = _json(mechanic_api, "patch", "/api/mechanic/profile", {"brandSpecializations": ["Honda", "Kia\x00"]})
    assert response.json()["errors"][0]["field"] == "brandSpecializations.1"


def test_a_nul_in_a_form_is_refused_the_same_way():
    response = Client().post("/accounts/signin/", {"username": "a\x00@example.test", "password": "x"})
    assert response.status_code == 400
    assert response.content.decode() == "username: NUL characters are not allowed."


def test_text_that_only_spells_the_escape_is_not_refused(mechanic_api):
    response = _json(mechanic_api, "patch", "/api/mechanic/profile", {"bio": "Type \\u0000 to see it fail"})
    assert response.status_code == 200
