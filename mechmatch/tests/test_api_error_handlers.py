"""Every refusal the API makes reaches the client in the one documented error shape."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client, RequestFactory
from ninja.errors import AuthenticationError, HttpError, Throttled

from mechmatch.api import DISPATCH_ERROR_STATUSES, api
from mechmatch.api_errors import NON_FIELD
from mechmatch.dispatch.services import DispatchError, Forbidden, NotFound
from mechmatch.dispatch.tests.factories import client_for, request_for
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def _answer(exc: Exception) -> tuple[int, dict]:
    """What the API sends when an operation raises `exc` (the handler the API looks up)."""
    response = api.on_exception(RequestFactory().get("/api/anything"), exc)
    return response.status_code, json.loads(response.content)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


@pytest.mark.parametrize(("exc_class", "status"), [(DispatchError, 409), (NotFound, 404), (Forbidden, 403)])
def test_each_dispatch_refusal_answers_its_status_with_the_one_shape(exc_class, status):
    assert _answer(exc_class("Not now.")) == (status, {"success": False, "error": "Not now.", "errors": []})


def test_every_dispatch_error_subclass_has_a_status_of_its_own():
    assert _subclasses(DispatchError) <= set(DISPATCH_ERROR_STATUSES)


def test_a_subclass_without_a_status_answers_409_like_its_parent():
    class Later(DispatchError):
        pass

    assert _answer(Later("Later."))[0] == 409


def test_a_service_validation_error_names_every_field_and_sums_them_up():
    status, body = _answer(ValidationError({"postal_code": "Unknown.", "city": ["Too long.", "Odd."]}))
    assert status == 400
    assert body == {
        "success": False,
        "error": "postal_code: Unknown.; city: Too long. Odd.",
        "errors": [{"field": "postal_code", "message": "Unknown."}, {"field": "city", "message": "Too long. Odd."}],
    }


def test_a_validation_error_without_a_field_is_about_the_whole_request():
    status, body = _answer(ValidationError("Not like this."))
    assert (status, body["errors"]) == (400, [{"field": NON_FIELD, "message": "Not like this."}])


@pytest.mark.parametrize(
    ("exc", "status", "message"),
    [
        (Http404("Offer not found."), 404, "Offer not found."),
        (Http404(), 404, "Not found."),
        (AuthenticationError(), 401, "Unauthorized"),
        (HttpError(403, "CSRF check Failed"), 403, "CSRF check Failed"),
        (Throttled(wait=30), 429, "Too many requests."),
    ],
)
def test_ninjas_own_refusals_have_the_same_shape(exc, status, message):
    assert _answer(exc) == (status, {"success": False, "error": message, "errors": []})


def test_a_schema_error_is_a_422_naming_the_field_the_client_sent(customer_api):
    response = customer_api.post(
        "/api/session-requests", {"concern": "Brakes", "planCode": "free"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False and body["error"].startswith("vehicle: ")
    assert [e["field"] for e in body["errors"]] == ["vehicle"]


def test_an_anonymous_call_is_a_401_in_the_shape():
    response = Client().get("/api/mechanic/offers")
    assert (response.status_code, response.json()) == (401, {"success": False, "error": "Unauthorized", "errors": []})


def test_another_customers_request_is_a_404_in_the_shape(customer, outsider_api, mechanic):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = outsider_api.post(f"/api/session-requests/{request.pk}/cancel")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session request not found.", "errors": []}


def test_an_unapproved_mechanic_going_on_shift_is_a_403_in_the_shape():
    pending = make_mechanic(approved=False, on_shift=False)
    response = client_for(pending.user).post("/api/mechanic/shift", {"online": True}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "error": "Only approved, active mechanics can go on shift.",
        "errors": [],
    }


def test_a_customer_asking_for_mechanic_pages_gets_a_404_in_the_shape(customer_api):
    for url in ("/api/mechanic/offers", "/api/mechanic/stats", "/api/mechanic/session", "/api/mechanic/profile"):
        response = customer_api.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"success": False, "error": "You do not have a mechanic profile.", "errors": []}


def test_every_error_status_in_the_openapi_is_documented_with_the_one_schema():
    schema = json.loads(Client().get("/api/openapi.json").content)
    documented = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if int(code) >= 400}
            assert errors, f"{method} {path} documents no error"
            if operation.get("security"):
                assert "401" in errors, f"{method} {path} may answer 401"
            for code, response in errors.items():
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut", f"{method} {path} {code}"
                documented += 1
    assert documented > 40
    error_out = schema["components"]["schemas"]["ErrorOut"]
    assert set(error_out["required"]) == {"success", "error", "errors"}


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/session-requests/1/teleport", "/api/v2/mechanics"])
def test_a_path_under_api_that_names_no_operation_is_a_404_in_the_shape(path):
    response = Client().post(path)
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "No such API operation.", "errors": []}
