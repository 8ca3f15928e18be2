from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.accounts.models import ApiToken
from mechmatch.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _issue(client: Client, email: str, password: str):
    return client.post("/api/auth/token", {"email": email, "password": password}, content_type="application/json")


def test_it_issues_a_bearer_token_for_good_credentials(customer):
    response = _issue(Client(), "casey@example.test", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["tokenType"] == "Bearer"
    assert body["role"] == "customer"
    assert body["token"].startswith("mm_")


def test_it_stores_only_a_digest_of_the_token(customer):
    raw = _issue(Client(), "casey@example.test", PASSWORD).json()["token"]
    stored = ApiToken.objects.get(user=customer.user)
    assert raw not in stored.digest
    assert len(stored.digest) == 64


def test_it_refuses_a_wrong_password_with_401(customer):
    response = _issue(Client(), "casey@example.test", "not-the-password")
    assert response.status_code == 401
    assert "incorrect" in response.json()["error"]


def test_it_names_a_missing_field(customer):
    response = Client().post("/api/auth/token", {"email": "casey@example.test"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_a_token_authenticates_api_calls_until_revoked(mechanic):
    raw = _issue(Client(), "morgan@example.test", PASSWORD).json()["token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/mechanic/profile").status_code == 200
    assert client.post("/api/auth/token/revoke").json() == {"success": True, "error": None}
    assert client.get("/api/mechanic/profile").status_code == 401


def test_an_unknown_token_is_refused():
    assert Client(HTTP_AUTHORIZATION="Bearer mm_nope").get("/api/mechanic/profile").status_code == 401


def test_email_matching_is_case_insensitive_at_sign_in(customer):
    assert _issue(Client(), "  CASEY@example.TEST ", PASSWORD).status_code == 200
