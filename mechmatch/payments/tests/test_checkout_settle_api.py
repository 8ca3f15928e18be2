"""POST /api/checkouts/{payment_id}/settle: the test checkout's buttons for API clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mechmatch.payments.models import Payment

pytestmark = pytest.mark.django_db


def _checkout(client: Client) -> int:
    response = client.post("/api/checkouts", {"planCode": "standard"}, content_type="application/json")
    assert response.status_code == 201
    return response.json()["paymentId"]


def _settle(client: Client, payment_id: int, body: object) -> Any:
    return client.post(f"/api/checkouts/{payment_id}/settle", body, content_type="application/json")


def test_paying_in_test_mode_marks_the_checkout_paid(customer_api):
    payment_id = _checkout(customer_api)
    response = _settle(customer_api, payment_id, {"outcome": "pay"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["checkoutUrl"]) == ("paid", "")
    assert Payment.objects.get(pk=payment_id).is_paid


def test_declining_in_test_mode_marks_the_checkout_failed(customer_api):
    payment_id = _checkout(customer_api)
    assert _settle(customer_api, payment_id, {"outcome": "decline"}).json()["status"] == "failed"


def test_with_stripe_configured_the_door_is_closed_with_a_404(customer_api, settings):
    payment_id = _checkout(customer_api)
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    assert _settle(customer_api, payment_id, {"outcome": "pay"}).status_code == 404
    assert not Payment.objects.get(pk=payment_id).is_paid


@pytest.mark.parametrize(
    ("body", "field"), [({}, "outcome"), ({"outcome": "steal"}, "outcome"), ({"outcome": "pay", "amount": 0}, "amount")]
)
def test_bad_input_is_a_422_naming_the_field(customer_api, body, field):
    response = _settle(customer_api, _checkout(customer_api), body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_someone_elses_checkout_is_404(customer_api, outsider_api):
    payment_id = _checkout(customer_api)
    assert _settle(outsider_api, payment_id, {"outcome": "pay"}).status_code == 404
    assert not Payment.objects.get(pk=payment_id).is_paid


def test_anonymous_callers_get_401(customer_api):
    assert _settle(Client(), _checkout(customer_api), {"outcome": "pay"}).status_code == 401
