"""GET /api/notifications, POST /api/notifications/read and /{notification_id}/read,
GET/PUT /api/notifications/preferences."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mechmatch.notifications.models import Kind, Notification, Preference
from mechmatch.notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(customer) -> Notification:
    notification = notification_enqueue(
        user=customer.user, kind="accepted", context={"mechanic_name": "Morgan", "path": "/app/"}, dedupe_key="t:1"
    )
    assert notification is not None
    return notification


def _put(client: Client, body: object) -> Any:
    return client.put("/api/notifications/preferences", body, content_type="application/json")


def test_the_inbox_lists_the_users_notifications_with_their_text(customer_api, accepted):
    inbox = customer_api.get("/api/notifications").json()
    assert inbox["unread"] == 1
    [item] = inbox["items"]
    assert (item["id"], item["kind"], item["path"], item["readAt"]) == (accepted.pk, "accepted", "/app/", None)
    assert "Morgan" in item["subject"]


def test_the_inbox_is_in_the_readers_language(customer_api, accepted):
    item = customer_api.get("/api/notifications", HTTP_ACCEPT_LANGUAGE="fr-CA").json()["items"][0]
    assert "accepté" in item["subject"]


def test_marking_one_read_and_again_is_harmless(customer_api, accepted):
    assert customer_api.post(f"/api/notifications/{accepted.pk}/read").json() == {"marked": 1}
    assert customer_api.post(f"/api/notifications/{accepted.pk}/read").json() == {"marked": 0}
    assert customer_api.get("/api/notifications").json()["unread"] == 0


def test_marking_all_read(customer_api, customer, accepted):
    notification_enqueue(user=customer.user, kind="broadcast", context={}, dedupe_key="t:2")
    assert customer_api.post("/api/notifications/read").json() == {"marked": 2}


def test_another_users_notification_is_404_and_stays_unread(outsider_api, accepted):
    assert outsider_api.post(f"/api/notifications/{accepted.pk}/read").status_code == 404
    assert outsider_api.get("/api/notifications").json() == {"unread": 0, "items": []}
    accepted.refresh_from_db()
    assert accepted.read_at is None


def test_preferences_default_to_every_kind_by_email_and_are_saved(customer_api, customer):
    assert [p["kind"] for p in customer_api.get("/api/notifications/preferences").json()] == list(Kind.values)
    response = _put(customer_api, {"preferences": [{"kind": "broadcast", "email": False}]})
    assert response.status_code == 200
    chosen = {p["kind"]: p["email"] for p in response.json()}
    assert chosen["broadcast"] is False
    assert chosen["accepted"] is True
    assert Preference.objects.get(user=customer.user).kind == "broadcast"


def test_an_unknown_kind_is_a_400_naming_kind(customer_api):
    response = _put(customer_api, {"preferences": [{"kind": "spam", "email": True}]})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]
    assert not Preference.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "preferences"),
        ({"preferences": [{"kind": "broadcast"}]}, "preferences.0.email"),
        ({"preferences": [], "sms": True}, "sms"),
    ],  # fmt: skip
)
def test_bad_input_is_a_422_naming_the_field(customer_api, body, field):
    response = _put(customer_api, body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_anonymous_callers_get_401(accepted):
    assert Client().get("/api/notifications").status_code == 401
    assert Client().post(f"/api/notifications/{accepted.pk}/read").status_code == 401
    assert _put(Client(), {"preferences": []}).status_code == 401
