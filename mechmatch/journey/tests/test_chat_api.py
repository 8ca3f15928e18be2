"""GET/POST /api/consultations/{consultation_id}/messages, for the session's two parties."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mechmatch.accounts.services import token_create
from mechmatch.journey.models import ChatMessage
from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


def _send(client: Client, consultation_id: int, body: object) -> Any:
    return client.post(f"/api/consultations/{consultation_id}/messages", body, content_type="application/json")


@pytest.fixture
def morgan_api(consultation) -> Client:
    _, raw = token_create(user=consultation.mechanic.user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_both_parties_send_and_read_the_same_chat(customer_api, morgan_api, consultation):
    assert _send(customer_api, consultation.pk, {"body": "Hello"}).status_code == 201
    sent = _send(morgan_api, consultation.pk, {"body": "Hi, what's up?"})
    assert sent.status_code == 201
    assert sent.json()["fromMechanic"] is True
    for client in (customer_api, morgan_api):
        lines = client.get(f"/api/consultations/{consultation.pk}/messages").json()
        assert [(m["fromMechanic"], m["body"]) for m in lines] == [(False, "Hello"), (True, "Hi, what's up?")]


def test_after_returns_only_newer_messages(customer_api, consultation):
    first = _send(customer_api, consultation.pk, {"body": "one"}).json()["id"]
    _send(customer_api, consultation.pk, {"body": "two"})
    lines = customer_api.get(f"/api/consultations/{consultation.pk}/messages?after={first}").json()
    assert [m["body"] for m in lines] == ["two"]


def test_an_ended_session_takes_no_more_messages(customer_api, customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = _send(customer_api, consultation.pk, {"body": "Still there?"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "body"), ({"body": ""}, "body"), ({"body": "x" * 1001}, "body"), ({"body": "a", "to": 1}, "to")],
)
def test_bad_input_is_a_422_naming_the_field(customer_api, consultation, body, field):
    response = _send(customer_api, consultation.pk, body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_blank_message_is_a_400_naming_body(customer_api, consultation):
    response = _send(customer_api, consultation.pk, {"body": "   "})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


def test_outsiders_get_404_and_see_nothing(outsider_api, mechanic_api, customer_api, consultation):
    _send(customer_api, consultation.pk, {"body": "private"})
    for client in (outsider_api, mechanic_api):  # `mechanic` is not this session's mechanic
        assert client.get(f"/api/consultations/{consultation.pk}/messages").status_code == 404
        assert _send(client, consultation.pk, {"body": "hi"}).status_code == 404
    assert ChatMessage.objects.count() == 1


def test_sending_is_rate_limited_with_the_chat_limit(customer_api, consultation, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "2/m"}
    assert [_send(customer_api, consultation.pk, {"body": "x"}).status_code for _ in range(3)] == [201, 201, 429]


def test_anonymous_callers_get_401(consultation):
    assert Client().get(f"/api/consultations/{consultation.pk}/messages").status_code == 401
    assert _send(Client(), consultation.pk, {"body": "hi"}).status_code == 401
