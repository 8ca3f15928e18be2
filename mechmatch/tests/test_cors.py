"""CORS for the JSON API: only the origins in CORS_ALLOWED_ORIGINS, never with credentials
unless configured, and never for the pages."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

APP = "https://app.example.test"


@pytest.fixture(autouse=True)
def allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]


def _preflight(path: str, origin: str):  # noqa: ANN202
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_a_preflight_from_an_allowed_origin_may_send_a_bearer_token():
    response = _preflight("/api/session-requests", APP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_another_origin_gets_no_cors_headers():
    response = _preflight("/api/session-requests", "https://evil.example.test")
    assert "Access-Control-Allow-Origin" not in response


def test_the_pages_are_not_opened_to_other_origins():
    assert "Access-Control-Allow-Origin" not in _preflight("/app/intake/", APP)


def test_a_plain_api_answer_names_the_allowed_origin():
    response = Client().get("/api/mechanics", HTTP_ORIGIN=APP)
    assert response["Access-Control-Allow-Origin"] == APP
