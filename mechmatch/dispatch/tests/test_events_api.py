from __future__ import annotations

import json

import pytest

from mechmatch.dispatch import events
from mechmatch.dispatch.tests.factories import request_for

pytestmark = pytest.mark.django_db


def _read_sse(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    found = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in lines:
            item = json.loads(lines["data"])
            assert int(lines["id"]) == item["id"]
            found.append(item)
    return found


def test_poll_returns_the_channel_events_after_an_id(customer, customer_api, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    channel = f"request-{request.pk}"
    response = customer_api.get(f"/api/events/poll?channel={channel}&after=0")
    assert response.status_code == 200
    data = response.json()
    assert data["events"][0]["kind"] == "created"
    assert data["events"][0]["payload"]["status"] == "pending"
    again = customer_api.get(f"/api/events/poll?channel={channel}&after={data['lastId']}").json()
    assert again["events"] == [] and again["lastId"] == data["lastId"]


def test_only_the_channel_owner_and_operators_may_subscribe(
    customer, customer_api, mechanic, mechanic_api, outsider_api, operator_api, windows
):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    for client, channel, expected in (
        (customer_api, f"request-{request.pk}", 200),
        (operator_api, f"request-{request.pk}", 200),
        (outsider_api, f"request-{request.pk}", 404),
        (mechanic_api, f"request-{request.pk}", 404),
        (mechanic_api, f"mechanic-{mechanic.pk}", 200),
        (customer_api, f"mechanic-{mechanic.pk}", 404),
        (customer_api, "anything", 404),
    ):
        assert client.get(f"/api/events/poll?channel={channel}").status_code == expected, (channel, expected)
    assert outsider_api.get(f"/api/events/stream?channel=request-{request.pk}").status_code == 404


def test_the_stream_resumes_after_the_last_event_id(customer, customer_api, mechanic, windows, settings):
    settings.EVENT_STREAM_SECONDS = 1
    request = request_for(customer.user, routing="selected", selected=mechanic)
    channel = f"request-{request.pk}"
    events.publish(channel, "note", {"n": 1})
    events.publish(channel, "note", {"n": 2})
    first_id = events.fetch(channel, 0)[0].id

    response = customer_api.get(f"/api/events/stream?channel={channel}", HTTP_LAST_EVENT_ID=str(first_id))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    got = _read_sse(response)
    assert [e["kind"] for e in got] == ["note", "note"]
    assert [e["payload"]["n"] for e in got] == [1, 2]

    by_query = customer_api.get(f"/api/events/stream?channel={channel}&lastEventId={got[0]['id']}")
    assert [e["payload"]["n"] for e in _read_sse(by_query)] == [2]


def test_the_stream_starts_from_now_without_a_last_id(customer, customer_api, mechanic, windows, settings):
    settings.EVENT_STREAM_SECONDS = 1
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = customer_api.get(f"/api/events/stream?channel=request-{request.pk}")
    assert _read_sse(response) == []


def test_an_event_in_a_rolled_back_transaction_is_never_seen(customer, mechanic, windows):
    from django.db import transaction

    request = request_for(customer.user, routing="selected", selected=mechanic)
    channel = f"request-{request.pk}"
    before = events.latest_id(channel)
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(channel, "ghost", {})
        raise RuntimeError
    assert events.latest_id(channel) == before
