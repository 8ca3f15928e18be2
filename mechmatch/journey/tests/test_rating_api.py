"""POST /api/consultations/{consultation_id}/rating."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mechmatch.journey.services import session_end
from mechmatch.mechanics.models import Review

pytestmark = pytest.mark.django_db


def _rate(client: Client, consultation_id: int, body: object) -> Any:
    return client.post(f"/api/consultations/{consultation_id}/rating", body, content_type="application/json")


@pytest.fixture
def ended(customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    return consultation


def test_the_customer_rates_a_finished_session_once(customer_api, ended):
    response = _rate(customer_api, ended.pk, {"rating": 4, "comment": "Helpful"})
    assert response.status_code == 201
    assert (response.json()["rating"], response.json()["comment"]) == (4, "Helpful")
    ended.mechanic.refresh_from_db()
    assert ended.mechanic.review_count == 48


def test_a_second_rating_is_a_409_and_changes_nothing(customer_api, ended):
    _rate(customer_api, ended.pk, {"rating": 4})
    response = _rate(customer_api, ended.pk, {"rating": 1})
    assert response.status_code == 409
    assert response.json()["success"] is False
    assert list(Review.objects.values_list("rating", flat=True)) == [4]


def test_a_session_still_on_is_a_400_naming_rating(customer_api, consultation):
    response = _rate(customer_api, consultation.pk, {"rating": 5})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["rating"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({}, "rating"),
        ({"rating": 5, "stars": 5}, "stars"),
        ({"rating": 5, "comment": "x" * 2001}, "comment"),
    ],  # fmt: skip
)
def test_bad_input_is_a_422_naming_the_field(customer_api, ended, body, field):
    response = _rate(customer_api, ended.pk, body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Review.objects.exists()


def test_nobody_but_the_customer_may_rate(outsider_api, mechanic_api, ended):
    assert _rate(outsider_api, ended.pk, {"rating": 1}).status_code == 404
    assert _rate(mechanic_api, ended.pk, {"rating": 5}).status_code == 404
    assert not Review.objects.exists()


def test_anonymous_callers_get_401(ended):
    assert _rate(Client(), ended.pk, {"rating": 5}).status_code == 401
