"""The stream server (mechmatch.serving.stream_app) keeps the live-event contract: owners
only, resume from Last-Event-ID, live delivery through the per-process hub, heartbeats,
and a per-user cap."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from mechmatch.accounts.services import token_create
from mechmatch.api_errors import error_body
from mechmatch.dispatch import events
from mechmatch.serving.stream_app import STREAM_PATH, StreamServer
from mechmatch.serving.tests.asgi_client import call, get
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def short_streams(settings):
    settings.EVENT_STREAM_SECONDS = 2
    settings.EVENT_HEARTBEAT_SECONDS = 0.3
    settings.EVENT_SQLITE_POLL_SECONDS = 0.05
    settings.EVENT_SAFETY_POLL_SECONDS = 0.5
    settings.EVENT_FALLBACK_POLL_SECONDS = 0.2
    settings.EVENT_BROKER = "auto"
    settings.REDIS_URL = ""
    return settings


def _bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user=user, name='tests')[1]}"}


def _run(coro):
    # A thread of its own: a session-wide Playwright may keep an event loop running here.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _with_server(body):
    server = StreamServer()
    try:
        return await body(server)
    finally:
        await server.shutdown()


def test_the_stream_resumes_after_the_last_event_id(short_streams):
    mechanic = make_mechanic()
    channel = f"mechanic-{mechanic.pk}"
    events.publish(channel, "note", {"n": 1})
    events.publish(channel, "note", {"n": 2})
    first = events.fetch(channel, 0)[0].id
    headers = _bearer(mechanic.user)

    async def body(server):
        by_header = await get(server, STREAM_PATH, f"channel={channel}", {**headers, "Last-Event-ID": str(first)})
        by_query = await get(server, STREAM_PATH, f"channel={channel}&lastEventId={first - 1}", headers)
        return by_header, by_query

    by_header, by_query = _run(_with_server(body))
    assert by_header.status == 200
    assert by_header.headers["content-type"] == "text/event-stream"
    assert by_header.text.startswith("retry: 1000\n")
    assert [e["payload"]["n"] for e in by_header.events()] == [2]
    assert [e["payload"]["n"] for e in by_query.events()] == [1, 2]


def test_without_a_last_id_the_stream_starts_from_now_and_delivers_what_commits_later(short_streams):
    customer = make_customer()
    mechanic = make_mechanic()
    channel = f"mechanic-{mechanic.pk}"
    events.publish(channel, "old", {})
    headers = _bearer(mechanic.user)

    async def body(server):
        result, task = await call(server, STREAM_PATH, f"channel={channel}", headers)
        await asyncio.wait_for(result.started.wait(), 30)
        # another writer commits while the stream is open
        await asyncio.get_running_loop().run_in_executor(None, _publish_and_close, channel, customer.pk)
        await asyncio.wait_for(task, 60)
        return result

    result = _run(_with_server(body))
    assert [e["kind"] for e in result.events()] == ["new"]
    assert result.events()[0]["payload"] == {"customer": customer.pk}
    assert ": heartbeat" in result.text


def _publish_and_close(channel: str, customer_id: int) -> None:
    from django.db import connection

    try:
        events.publish(channel, "new", {"customer": customer_id})
    finally:
        connection.close()


def test_a_signed_in_browser_streams_with_its_session_cookie(short_streams):
    mechanic = make_mechanic()
    browser = Client()
    browser.force_login(mechanic.user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"

    async def body(server):
        return await get(server, STREAM_PATH, f"channel=mechanic-{mechanic.pk}&lastEventId=0", {"Cookie": cookie})

    assert _run(_with_server(body)).status == 200


def test_strangers_get_404_and_anonymous_callers_401_in_the_error_shape(short_streams):
    customer = make_customer()
    mechanic = make_mechanic()
    stranger = _bearer(customer.user)

    async def body(server):
        return (
            await get(server, STREAM_PATH, f"channel=mechanic-{mechanic.pk}", stranger),
            await get(server, STREAM_PATH, "channel=anything", stranger),
            await get(server, STREAM_PATH, f"channel=mechanic-{mechanic.pk}"),
            await get(server, STREAM_PATH, f"channel=mechanic-{mechanic.pk}", {"Authorization": "Bearer mm_wrong"}),
        )

    other, malformed, anonymous, bad_token = _run(_with_server(body))
    assert (other.status, malformed.status, anonymous.status, bad_token.status) == (404, 404, 401, 401)
    assert other.json() == error_body("Channel not found.")
    assert anonymous.json()["success"] is False


def test_streams_beyond_the_per_user_cap_are_refused_with_429(short_streams):
    short_streams.EVENT_STREAMS_PER_USER = 2
    mechanic = make_mechanic()
    headers = _bearer(mechanic.user)
    query = f"channel=mechanic-{mechanic.pk}"

    async def body(server):
        first, first_task = await call(server, STREAM_PATH, query, headers)
        second, second_task = await call(server, STREAM_PATH, query, headers)
        await asyncio.wait_for(first.started.wait(), 30)
        await asyncio.wait_for(second.started.wait(), 30)
        third = await get(server, STREAM_PATH, query, headers)
        await asyncio.gather(first_task, second_task)
        after_close = await get(server, STREAM_PATH, query, headers)
        return first, third, after_close

    first, third, after_close = _run(_with_server(body))
    assert first.status == 200
    assert third.status == 429
    assert third.headers["retry-after"]
    assert third.json()["success"] is False and "Too many" in third.json()["error"]
    assert after_close.status == 200  # closed streams give their place back


def test_a_client_that_hangs_up_frees_its_place(short_streams):
    short_streams.EVENT_STREAM_SECONDS = 600
    short_streams.EVENT_STREAMS_PER_USER = 1
    mechanic = make_mechanic()
    headers = _bearer(mechanic.user)
    query = f"channel=mechanic-{mechanic.pk}"

    async def body(server):
        result, task = await call(server, STREAM_PATH, query, headers, hang_up_after=0.5)
        await asyncio.wait_for(task, 60)  # ends on the disconnect, long before its lifetime
        return result, server.open_per_user.copy(), server.hub.stream_count

    result, open_per_user, streams = _run(_with_server(body))
    assert result.status == 200
    assert open_per_user == {} and streams == 0
