"""During a database outage every request gets a clean 503 with Retry-After: JSON in the
project's error shape under /api/, a page that needs no database elsewhere. Other errors
stay 500s. (The real outage, a PostgreSQL cluster stopped for 10 s, is in
test_database_outage.py.)"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from mechmatch.serving.outage import is_database_outage

pytestmark = pytest.mark.django_db


def _database_down():
    return mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("connection refused")
    )


def test_an_api_call_during_an_outage_gets_a_503_in_the_error_shape(mechanic):
    client = Client(raise_request_exception=False)
    with _database_down():
        response = client.get("/api/mechanics?customerCountry=CA&customerPostalCode=M5V2T6")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["success"] is False and "unavailable" in response.json()["error"]
    assert int(response["Retry-After"]) > 0


def test_a_signed_in_page_during_an_outage_gets_a_503_page(customer):
    client = Client(raise_request_exception=False)
    client.force_login(customer.user)
    with _database_down():
        response = client.get("/app/")
    assert response.status_code == 503
    assert b"Back in a moment" in response.content
    assert response["Retry-After"]


def test_other_errors_are_still_500s():
    assert not is_database_outage(ValueError("bug"))
    assert is_database_outage(OperationalError("database is locked"))
    try:
        try:
            raise OperationalError("server closed the connection")
        except OperationalError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_database_outage(outer)
