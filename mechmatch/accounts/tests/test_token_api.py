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


def test_a_user_lists_their_live_tokens_and_sees_which_one_is_calling(customer, outsider):
    first = _issue(Client(), "casey@example.test", PASSWORD).json()["token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {first}")
    _issue(Client(), "casey@example.test", PASSWORD)
    _issue(Client(), "outsider@example.test", PASSWORD)
    listed = client.get("/api/auth/tokens").json()
    assert len(listed) == 2
    assert [t["current"] for t in listed].count(True) == 1
    current = next(t for t in listed if t["current"])
    assert current["prefix"] == first[3:11]
    assert set(current) == {"id", "name", "prefix", "createdAt", "lastUsedAt", "expiresAt", "current"}
    assert "token" not in str(listed) and first not in str(listed)


def test_a_user_revokes_one_of_their_tokens_and_it_stops_working(customer):
    keep = _issue(Client(), "casey@example.test", PASSWORD).json()["token"]
    lost = _issue(Client(), "casey@example.test", PASSWORD).json()["token"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {keep}")
    lost_id = next(t["id"] for t in client.get("/api/auth/tokens").json() if not t["current"])
    assert client.delete(f"/api/auth/tokens/{lost_id}").json() == {"success": True, "error": None}
    assert Client(HTTP_AUTHORIZATION=f"Bearer {lost}").get("/api/auth/tokens").status_code == 401
    assert [t["current"] for t in client.get("/api/auth/tokens").json()] == [True]


def test_nobody_revokes_another_users_token(customer, outsider):
    theirs = _issue(Client(), "outsider@example.test", PASSWORD).json()["token"]
    their_id = ApiToken.objects.get(user=outsider).pk
    mine = _issue(Client(), "casey@example.test", PASSWORD).json()["token"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {mine}").delete(f"/api/auth/tokens/{their_id}").status_code == 404
    assert Client(HTTP_AUTHORIZATION=f"Bearer {theirs}").get("/api/auth/tokens").status_code == 200


def test_listing_tokens_needs_a_signed_in_caller():
    assert Client().get("/api/auth/tokens").status_code == 401
