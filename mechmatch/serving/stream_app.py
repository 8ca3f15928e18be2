"""`GET /api/events/stream` as a bare ASGI app: server-sent events for one channel.

Same contract as the Django view it replaces in production (mechmatch.dispatch.api):
bearer token or session cookie, the channel's owner or an operator only (404 otherwise),
resume after `Last-Event-ID` (header) or `lastEventId` (query), from now without either,
`retry:` first, comment heartbeats, closed after EVENT_STREAM_SECONDS. On top: at most
EVENT_STREAMS_PER_USER open streams per user in this process (429 beyond).

Authentication and the backlog are two short jobs on the hub's database thread; after
that the stream holds no thread and no connection until it closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.utils.module_loading import import_string

from mechmatch.accounts.services import token_authenticate
from mechmatch.api_errors import error_body
from mechmatch.dispatch import events
from mechmatch.dispatch.models import StreamEvent
from mechmatch.dispatch.selectors import channel_authorized
from mechmatch.monitoring.metrics import OPEN_STREAMS
from mechmatch.serving.hub import DatabaseWorker, Hub, Listener

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

STREAM_PATH = "/api/events/stream"
BACKLOG_BATCH = 200


class Refused(Exception):
    def __init__(self, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or []


def _authenticate(headers: dict[str, str]) -> Any:
    """The user behind a bearer token or a session cookie (same rules as the API's auth)."""
    authorization = headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return token_authenticate(authorization[7:].strip())
    session_key = parse_cookie(headers.get("cookie", "")).get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    request = HttpRequest()
    request.session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    user = get_user(request)  # checks the session's password hash, as AuthenticationMiddleware does
    return user if user.is_authenticated else None


def _admit(headers: dict[str, str], channel: str) -> int:
    user = _authenticate(headers)
    if user is None:
        raise Refused(401, "Authentication required.")
    if not channel_authorized(user=user, channel=channel):
        raise Refused(404, "Channel not found.")
    return int(user.pk)


def requested_last_id(header: str | None, query_value: str | None) -> int | None:
    """Where a stream resumes: the Last-Event-ID header, else lastEventId, else None (now)."""
    if header and header.strip().isdigit():
        return int(header.strip())
    if query_value is not None and query_value.strip().lstrip("-").isdigit():
        return max(0, int(query_value.strip()))
    return None


def _backlog(channel: str, last_id: int | None) -> tuple[int, list[StreamEvent]]:
    if last_id is None:
        return events.latest_id(channel), []
    found: list[StreamEvent] = []
    cursor = last_id
    while True:
        batch = events.fetch(channel, cursor, BACKLOG_BATCH)
        found += batch
        if len(batch) < BACKLOG_BATCH:
            return last_id, found
        cursor = batch[-1].id


async def send_json_error(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(error_body(message)).encode()})


class StreamServer:
    """The ASGI callable. One per process; its hub starts with the first stream."""

    def __init__(self) -> None:
        self.hub: Hub | None = None
        self.db: DatabaseWorker | None = None
        self.open_per_user: Counter[int] = Counter()
        self._start_lock: asyncio.Lock | None = None

    async def ensure_hub(self) -> Hub:
        if self.hub is not None:
            return self.hub
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self.hub is None:
                self.db = DatabaseWorker(int(settings.EVENT_STREAM_DB_THREADS))
                hub = Hub(self.db)
                await hub.start()
                self.hub = hub
        return self.hub

    async def shutdown(self) -> None:
        if self.hub is not None:
            await self.hub.stop()
            self.hub = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if scope["type"] != "http" or scope["path"] != STREAM_PATH:
            await send_json_error(send, 404, "Not found.", [])
            return
        if scope["method"] not in ("GET", "HEAD"):
            await send_json_error(send, 405, "Method not allowed.", [(b"allow", b"GET")])
            return
        await self.stream(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def stream(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        channel = (query.get("channel") or [""])[0]
        last_id = requested_last_id(headers.get("last-event-id"), (query.get("lastEventId") or [None])[0])
        try:
            hub = await self.ensure_hub()
            assert self.db is not None
            user_id = await self.db.run(_admit, headers, channel)
            if self.open_per_user[user_id] >= int(settings.EVENT_STREAMS_PER_USER):
                raise Refused(429, "Too many open event streams for this account.", [(b"retry-after", b"10")])
        except Refused as refused:
            await send_json_error(send, refused.status, refused.message, refused.headers)
            return
        except Exception:  # noqa: BLE001 - the database is away: a clean 503, the client retries
            await send_json_error(send, 503, "Live events are unavailable; retry shortly.", [(b"retry-after", b"2")])
            return
        self.open_per_user[user_id] += 1
        listener = Listener(user_id=user_id, channel=channel)
        hub.add(listener)
        OPEN_STREAMS.inc()
        try:
            await self._serve(hub, listener, last_id, scope, receive, send)
        finally:
            OPEN_STREAMS.dec()
            hub.remove(listener)
            self.open_per_user[user_id] -= 1
            if self.open_per_user[user_id] <= 0:
                del self.open_per_user[user_id]

    async def _serve(
        self, hub: Hub, listener: Listener, last_id: int | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        assert self.db is not None
        try:
            cursor, backlog = await self.db.run(_backlog, listener.channel, last_id)
        except Exception:  # noqa: BLE001
            await send_json_error(send, 503, "Live events are unavailable; retry shortly.", [(b"retry-after", b"2")])
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        first = f"retry: 1000\n: connected {json.dumps(listener.channel)}\n\n"
        body = first + "".join(events.sse_format(e) for e in backlog)
        listener.cursor = max([cursor, *(e.id for e in backlog)])
        hub.positioned(listener)
        await send({"type": "http.response.body", "body": body.encode(), "more_body": True})

        disconnected = asyncio.create_task(_wait_disconnect(receive, listener))
        deadline = time.monotonic() + float(settings.EVENT_STREAM_SECONDS)
        heartbeat = float(settings.EVENT_HEARTBEAT_SECONDS)
        try:
            while not disconnected.done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    event = await asyncio.wait_for(listener.queue.get(), min(heartbeat, remaining))
                except TimeoutError:
                    await send({"type": "http.response.body", "body": b": heartbeat\n\n", "more_body": True})
                    continue
                if event is None:  # dropped (too far behind) or the client left
                    break
                if listener.cursor is not None and event.id <= listener.cursor:
                    continue
                listener.cursor = event.id
                await send({"type": "http.response.body", "body": events.sse_format(event).encode(), "more_body": True})
            with contextlib.suppress(Exception):
                await send({"type": "http.response.body", "body": b""})
        finally:
            disconnected.cancel()


async def _wait_disconnect(receive: Receive, listener: Listener) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            listener.drop()
            return


stream_server = StreamServer()
