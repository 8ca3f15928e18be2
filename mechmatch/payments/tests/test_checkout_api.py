"""POST/GET /api/checkouts, GET/POST /api/waiver, and what POST /api/session-requests needs
from them (journey.booking holds the rule)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mechmatch.dispatch.models import SessionRequest
from mechmatch.payments.models import Payment
from mechmatch.payments.services import payment_test_settle

pytestmark = pytest.mark.django_db

REQUEST = {
    "concern": "Engine light on and rough idle",
    "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
    "customerCountry": "CA",
    "customerPostalCode": "M5V 2T6",
}


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _accept_waiver(client: Client) -> None:
    version = client.get("/api/waiver").json()["version"]
    assert _post(client, "/api/waiver", {"version": version}).status_code == 201


def test_an_unpaid_request_for_a_paid_plan_is_refused_naming_payment_id(customer_api):
    _accept_waiver(customer_api)
    response = _post(customer_api, "/api/session-requests", {**REQUEST, "planCode": "full"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["paymentId"]
    assert not SessionRequest.objects.exists()


@pytest.mark.parametrize("plan_code", ["<b>bogus-plan</b>", ""])
def test_an_unknown_plan_is_a_422_naming_plan_code(customer_api, plan_code):
    _accept_waiver(customer_api)
    response = _post(customer_api, "/api/session-requests", {**REQUEST, "planCode": plan_code})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["planCode"]


def test_without_the_waiver_even_a_free_session_is_refused(customer_api):
    response = _post(customer_api, "/api/session-requests", {**REQUEST, "planCode": "free"})
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (400, ["waiver"])


def test_a_waiver_of_another_version_is_refused_naming_version(customer_api):
    response = _post(customer_api, "/api/waiver", {"version": "1999-01"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "version")


@pytest.mark.parametrize("field", ["selected_mechanic_id", "routing_type"])
def test_a_snake_case_field_is_a_422_naming_it_not_silently_dropped(customer_api, field):
    _accept_waiver(customer_api)
    response = _post(customer_api, "/api/session-requests", {**REQUEST, "planCode": "free", field: 1})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not SessionRequest.objects.exists()


def test_an_unknown_plan_for_checkout_is_a_422_naming_plan_code(customer_api):
    response = _post(customer_api, "/api/checkouts", {"planCode": "bogus"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "planCode")


def test_a_number_is_not_a_boolean_for_checkout(customer_api):
    response = _post(customer_api, "/api/checkouts", {"planCode": "full", "brandSpecialist": 0})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "brandSpecialist")


def test_an_unknown_country_for_checkout_is_a_422_naming_country(customer_api):
    response = _post(customer_api, "/api/checkouts", {"planCode": "full", "country": "ZZ"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "country")


def test_checkout_then_waiver_then_request_spends_the_payment_once(customer, customer_api):
    checkout = _post(customer_api, "/api/checkouts", {"planCode": "full"})
    assert checkout.status_code == 201
    body = checkout.json()
    assert (body["status"], body["amountCents"], body["used"]) == ("pending", 4999, False)
    assert body["checkoutUrl"]
    _accept_waiver(customer_api)
    request_body = {**REQUEST, "planCode": "full", "paymentId": body["paymentId"]}

    refused = _post(customer_api, "/api/session-requests", request_body)
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (400, "paymentId")

    payment_test_settle(payment=Payment.objects.get(pk=body["paymentId"]), user=customer.user, succeed=True)
    assert customer_api.get(f"/api/checkouts/{body['paymentId']}").json()["status"] == "paid"
    created = _post(customer_api, "/api/session-requests", request_body)
    assert created.status_code == 201, created.content
    assert customer_api.get(f"/api/checkouts/{body['paymentId']}").json()["used"] is True

    other_car = {**request_body, "vehicle": {"make": "Toyota", "model": "Corolla", "year": 2015}}
    reused = _post(customer_api, "/api/session-requests", other_car)
    assert (reused.status_code, reused.json()["errors"][0]["field"]) == (400, "paymentId")
    assert SessionRequest.objects.count() == 1


def test_a_checkout_is_visible_only_to_its_customer(customer_api, outsider_api):
    payment_id = _post(customer_api, "/api/checkouts", {"planCode": "quick"}).json()["paymentId"]
    assert outsider_api.get(f"/api/checkouts/{payment_id}").status_code == 404
    assert Client().get(f"/api/checkouts/{payment_id}").status_code == 401
