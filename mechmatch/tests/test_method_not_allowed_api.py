"""A method a path does not serve (405) answers in the one error shape, with `Allow`."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_method_the_path_does_not_serve_answers_405_in_the_error_shape():
    response = Client().delete("/api/matching/preview")
    assert response.status_code == 405
    assert response.json() == {
        "success": False,
        "error": "Method DELETE not allowed here (allowed: POST).",
        "errors": [],
    }
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("application/json")


def test_a_served_method_on_the_same_path_is_untouched(customer_api):
    response = customer_api.get("/api/auth/tokens")
    assert response.status_code == 200


def test_a_post_without_a_csrf_token_still_reaches_a_bearer_operation(customer_api):
    # The wrapper keeps ninja's csrf_exempt mark: a bearer client needs no CSRF token.
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=customer_api.defaults["HTTP_AUTHORIZATION"])
    assert client.post("/api/auth/token/revoke").status_code == 200
