"""One event subscriber per process, fanned out to every open stream of that process.

An idle stream is a coroutine waiting on its own asyncio queue: no thread, no database
connection. The hub alone talks to the database, in short jobs on one worker thread whose
connection is released after each job (the Django setting CONN_MAX_AGE decides):

* SQLite (one writer, so rows commit in id order): the hub polls `id > cursor` every
  EVENT_SQLITE_POLL_SECONDS. That single query is the `max(id)` poll and the fetch at once.
* PostgreSQL: rows of different channels may commit out of id order, so cursors are per
  channel and the hub fetches only the channels a wake named, in one query
  (`unnest(channels, cursors)` joined on the (channel, id) index). Wakes come from LISTEN
  (psycopg async) or Redis pub/sub, and a slower sweep of every listened channel covers
  any lost notification (EVENT_SAFETY_POLL_SECONDS; EVENT_FALLBACK_POLL_SECONDS while the
  subscription is down).

A stream registers before it reads its backlog and drops ids at or below its own cursor,
so an event that commits while it connects is delivered once, never missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections, connection

from mechmatch.dispatch import events
from mechmatch.dispatch.models import StreamEvent

logger = logging.getLogger(__name__)
T = TypeVar("T")
QUEUE_LIMIT = 500  # a client this far behind is dropped; it resumes from the table


@dataclass(eq=False)
class Listener:
    """One open stream: its channel, the last id it has sent, and its pending events."""

    user_id: int
    channel: str
    cursor: int | None = None  # None until its backlog is read: keep everything until then
    queue: asyncio.Queue[StreamEvent | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))

    def offer(self, event: StreamEvent) -> None:
        if self.cursor is not None and event.id <= self.cursor:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.drop()

    def drop(self) -> None:
        """Ends the stream (the client reconnects with Last-Event-ID and misses nothing)."""
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)


class DatabaseWorker:
    """Runs ORM work on its own small pool, releasing the connection after each job."""

    def __init__(self, threads: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="streams-db")

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, _released, func, args)


def _released(func: Callable[..., T], args: tuple[Any, ...]) -> T:
    try:
        return func(*args)
    finally:
        # CONN_MAX_AGE=0 (the default) closes it now; a persistent setting keeps it.
        close_old_connections()
        if connection.in_atomic_block is False and not connection.settings_dict.get("CONN_MAX_AGE"):
            connection.close()


def fetch_after_global(cursor: int, limit: int) -> list[StreamEvent]:
    return list(StreamEvent.objects.filter(id__gt=cursor).order_by("id")[:limit])


def fetch_channels(after: dict[str, int], limit: int) -> list[StreamEvent]:
    """Rows newer than each channel's cursor, for every named channel, in one query."""
    if not after:
        return []
    channels, cursors = list(after), [after[c] for c in after]
    table = StreamEvent._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT e.id, e.channel, e.kind, e.payload, e.created_at FROM {table} e "  # noqa: S608 - table name
            "JOIN unnest(%s::text[], %s::bigint[]) AS c(channel, after) "
            "ON e.channel = c.channel AND e.id > c.after ORDER BY e.id LIMIT %s"
        )
        return list(StreamEvent.objects.raw(sql, [channels, cursors, limit]))
    values = ", ".join(["(%s, %s)"] * len(channels))
    params: list[Any] = [p for pair in zip(channels, cursors, strict=True) for p in pair]
    sql = (
        f"WITH c(channel, after) AS (VALUES {values}) "  # noqa: S608 - placeholders only
        f"SELECT e.id, e.channel, e.kind, e.payload, e.created_at FROM {table} e "
        "JOIN c ON e.channel = c.channel AND e.id > c.after ORDER BY e.id LIMIT %s"
    )
    return list(StreamEvent.objects.raw(sql, [*params, limit]))


def newest_id() -> int:
    return StreamEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


class Hub:
    """Per-process fan-out. Call `start()` once inside the event loop."""

    FETCH_LIMIT = 1000

    def __init__(self, db: DatabaseWorker) -> None:
        self.db = db
        self.listeners: dict[str, set[Listener]] = {}
        self.cursors: dict[str, int] = {}  # per channel (PostgreSQL mode)
        self.global_cursor = 0  # SQLite mode
        self.ordered = connection.vendor != "postgresql"
        self.source_healthy = False
        self._pending: set[str] = set()
        self._wake_all = False
        self._woken = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # ---------------------------------------------------------------- streams

    def add(self, listener: Listener) -> None:
        """Register first, read the backlog second, then `positioned()`: nothing slips between."""
        self.listeners.setdefault(listener.channel, set()).add(listener)

    def positioned(self, listener: Listener) -> None:
        """The listener's backlog is read up to its cursor: the hub fetches past it from now on."""
        assert listener.cursor is not None
        if not self.ordered:
            known = self.cursors.get(listener.channel)
            self.cursors[listener.channel] = listener.cursor if known is None else min(known, listener.cursor)
            self.wake([listener.channel])

    def remove(self, listener: Listener) -> None:
        group = self.listeners.get(listener.channel)
        if group is None:
            return
        group.discard(listener)
        if not group:
            del self.listeners[listener.channel]
            self.cursors.pop(listener.channel, None)

    @property
    def stream_count(self) -> int:
        return sum(len(group) for group in self.listeners.values())

    # ---------------------------------------------------------------- waking

    def wake(self, channels: Iterable[str] | None = None) -> None:
        """Look again now: at the named channels, or at all of them (None)."""
        if channels is None:
            self._wake_all = True
        else:
            self._pending.update(channels)
        self._woken.set()

    async def start(self) -> None:
        if not self.ordered:
            broker = events.broker_name()
            subscriber = redis_subscriber if broker == "redis" else postgres_subscriber
            self._tasks.append(asyncio.create_task(self._supervise(subscriber), name="streams-subscriber"))
        else:
            self.global_cursor = await self.db.run(newest_id)
            if events.broker_name() == "redis":  # a nudge before the next poll tick
                self._tasks.append(asyncio.create_task(self._supervise(redis_subscriber), name="streams-subscriber"))
        self._tasks.append(asyncio.create_task(self._timer(), name="streams-timer"))
        self._tasks.append(asyncio.create_task(self._fetch_loop(), name="streams-fetch"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    async def _timer(self) -> None:
        while True:
            if self.ordered:
                await asyncio.sleep(float(settings.EVENT_SQLITE_POLL_SECONDS))
            elif self.source_healthy:
                await asyncio.sleep(float(settings.EVENT_SAFETY_POLL_SECONDS))
            else:
                await asyncio.sleep(float(settings.EVENT_FALLBACK_POLL_SECONDS))
            self.wake(None)

    async def _supervise(self, subscriber: Callable[[Hub], Any]) -> None:
        delay = 0.5
        while True:
            started = time.monotonic()
            try:
                await subscriber(self)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the table sweep covers the gap; retry
                logger.warning("stream subscriber lost (%s); retrying in %.1f s", exc, delay)
            self.source_healthy = False
            if time.monotonic() - started > 30:
                delay = 0.5
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def _fetch_loop(self) -> None:
        while True:
            await self._woken.wait()
            self._woken.clear()
            if not self.listeners:
                self._pending.clear()
                self._wake_all = False
                continue
            try:
                await self._fetch_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - database away: keep streams open, retry on next wake
                logger.warning("stream fetch failed (%s); retrying", exc)
                await asyncio.sleep(0.5)

    async def _fetch_once(self) -> None:
        if self.ordered:
            self._pending.clear()
            self._wake_all = False
            rows = await self.db.run(fetch_after_global, self.global_cursor, self.FETCH_LIMIT)
            for row in rows:
                self.global_cursor = max(self.global_cursor, row.id)
                for listener in list(self.listeners.get(row.channel, ())):
                    listener.offer(row)
            if len(rows) >= self.FETCH_LIMIT:
                self._woken.set()
            return
        channels = set(self.listeners) if self._wake_all else self._pending & set(self.listeners)
        self._pending.clear()
        self._wake_all = False
        if not channels:
            return
        after = {c: self.cursors[c] for c in channels if c in self.cursors}
        rows = await self.db.run(fetch_channels, after, self.FETCH_LIMIT)
        for row in rows:
            if row.channel in self.cursors:
                self.cursors[row.channel] = max(self.cursors[row.channel], row.id)
            for listener in list(self.listeners.get(row.channel, ())):
                listener.offer(row)
        if len(rows) >= self.FETCH_LIMIT:
            self._pending.update(channels)
            self._woken.set()


# -------------------------------------------------------------------- subscribers


async def postgres_subscriber(hub: Hub) -> None:
    import psycopg

    kwargs = events.listen_connection_kwargs(connection.settings_dict)
    async with await psycopg.AsyncConnection.connect(**kwargs) as conn:
        await conn.execute(f"LISTEN {events.PG_CHANNEL}")
        hub.source_healthy = True
        hub.wake(None)  # anything committed while we were not listening
        async for note in conn.notifies():
            hub.wake([note.payload])


async def redis_subscriber(hub: Hub) -> None:
    import redis.asyncio as aioredis

    timeout = float(settings.REDIS_TIMEOUT_SECONDS)
    client = aioredis.Redis.from_url(
        settings.REDIS_URL or "redis://127.0.0.1:6379/0", socket_connect_timeout=timeout, socket_timeout=None
    )
    pubsub = client.pubsub()
    try:
        await asyncio.wait_for(pubsub.subscribe(events.REDIS_CHANNEL), timeout * 4)
        hub.source_healthy = True
        hub.wake(None)
        last_seen = last_ping = time.monotonic()
        while True:
            message = await pubsub.get_message(timeout=1.0)
            now = time.monotonic()
            if message is not None:
                last_seen = now
                if message.get("type") == "message" and isinstance(message.get("data"), bytes):
                    hub.wake([message["data"].decode()])
                continue
            if now - last_seen > 15:
                # A hung broker (SIGSTOP) answers nothing: drop it and fall back to polling.
                raise TimeoutError("redis answered no ping for 15 s")
            if now - last_ping > 5:
                await asyncio.wait_for(pubsub.ping(), timeout * 4)
                last_ping = now
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pubsub.aclose(), timeout)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.aclose(), timeout)
