"""Live events: a durable outbox table (StreamEvent) plus a broker that wakes listeners.

Why both: the table makes streams resumable (a client reconnects with the last id it saw
and misses nothing) and works in every mode; the broker only says "look again now" so an
event reaches a listener in milliseconds instead of at the next poll.

Writing. `publish()` buffers inside `atomic_with_events()` and the buffer is written as the
last statements of the transaction, so an event exists if and only if the state change it
describes was committed. On PostgreSQL each channel's rows are written under a
transaction-level advisory lock taken in sorted channel order: within one channel, commit
order then equals id order, so a reader that advances its cursor to the highest id it has
seen never skips a row that commits later with a lower id. (The guarantee is per channel;
every stream serves one channel.)

Waking. Brokers: in-process (threading.Condition) for the embedded SQLite mode, with a
~250 ms table poll because the dispatcher is another process; PostgreSQL LISTEN/NOTIFY
(NOTIFY is issued inside the transaction, so PostgreSQL delivers it exactly at commit);
Redis pub/sub when REDIS_URL is set. Every broker keeps a slower table poll as a safety
net, so a lost notification only delays an event, never loses it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from mechmatch.dispatch.models import StreamEvent

logger = logging.getLogger(__name__)

PG_CHANNEL = "mechmatch_events"
REDIS_CHANNEL = "mechmatch:events"
_ADVISORY_NAMESPACE = 4242
CHANNEL_RE = re.compile(r"^(request|mechanic)-(\d+)$")


def request_channel(request_id: int) -> str:
    return f"request-{request_id}"


def mechanic_channel(mechanic_id: int) -> str:
    return f"mechanic-{mechanic_id}"


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@dataclass
class _Buffer:
    items: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


_local = threading.local()


@contextlib.contextmanager
def atomic_with_events() -> Iterator[None]:
    """`transaction.atomic()` whose published events are written at its end, in channel
    order. Nested uses share the outer buffer; events of a nested block that raises are
    dropped with its savepoint."""
    outer: _Buffer | None = getattr(_local, "buffer", None)
    if outer is not None:
        mark = len(outer.items)
        try:
            with transaction.atomic():
                yield
        except BaseException:
            del outer.items[mark:]
            raise
        return
    buffer = _Buffer()
    _local.buffer = buffer
    try:
        with transaction.atomic():
            yield
            _local.buffer = None
            _flush(buffer.items)
    finally:
        _local.buffer = None


def publish(channel: str, kind: str, payload: dict[str, Any] | None = None) -> None:
    """Record an event for `channel`, committed with the surrounding transaction."""
    buffer: _Buffer | None = getattr(_local, "buffer", None)
    if buffer is not None:
        buffer.items.append((channel, kind, payload or {}))
        return
    with atomic_with_events():
        publish(channel, kind, payload)


def _flush(items: list[tuple[str, str, dict[str, Any]]]) -> None:
    if not items:
        return
    by_channel: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for channel, kind, payload in items:
        by_channel.setdefault(channel, []).append((kind, payload))
    channels = sorted(by_channel)
    if connection.vendor == "postgresql":
        # Every channel's lock in one statement; its select list is evaluated left to right,
        # so the locks are taken in sorted order as if one by one (no lock-order cycles).
        locks = ", ".join(["pg_advisory_xact_lock(%s, hashtext(%s))"] * len(channels))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {locks}", [p for channel in channels for p in (_ADVISORY_NAMESPACE, channel)])
    # One insert for all channels, after all the locks: within a channel ids still follow
    # commit order.
    StreamEvent.objects.bulk_create(
        [StreamEvent(channel=c, kind=kind, payload=payload) for c in channels for kind, payload in by_channel[c]]
    )
    broker = get_broker()
    broker.notify_in_transaction(channels)
    transaction.on_commit(lambda: broker.notify_committed(channels))


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def fetch(channel: str, after: int, limit: int = 100) -> list[StreamEvent]:
    return list(StreamEvent.objects.filter(channel=channel, id__gt=after).order_by("id")[:limit])


def latest_id(channel: str) -> int:
    row = StreamEvent.objects.filter(channel=channel).order_by("-id").values_list("id", flat=True).first()
    return row or 0


def listen(channels: Iterable[str], last_id: int, timeout: float) -> Iterator[StreamEvent | None]:
    """Yields events with id > last_id as they commit, for up to `timeout` seconds. Yields
    None whenever it wakes without news, so a caller can send heartbeats."""
    channels = list(channels)
    broker = get_broker()
    if isinstance(broker, _ThreadedBroker):
        broker.ensure_started()  # only processes that listen need the subscriber thread
    deadline = time.monotonic() + timeout
    cursor = last_id
    seen = broker.waiters.snapshot(channels)
    while True:
        found = False
        for channel in channels:
            for event in fetch(channel, cursor):
                cursor = max(cursor, event.id)
                found = True
                yield event
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        if not found:
            yield None
        seen = broker.waiters.wait(channels, seen, min(remaining, broker.poll_interval))


# --------------------------------------------------------------------------------------------
# Brokers
# --------------------------------------------------------------------------------------------


class _Waiters:
    """Per-channel counters under one condition: a listener sleeps until a counter of its
    channels moves or its poll interval passes."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._seq: dict[str, int] = {}

    def poke(self, channel: str) -> None:
        with self._cond:
            self._seq[channel] = self._seq.get(channel, 0) + 1
            self._cond.notify_all()

    def snapshot(self, channels: list[str]) -> tuple[int, ...]:
        with self._cond:
            return tuple(self._seq.get(c, 0) for c in channels)

    def wait(self, channels: list[str], seen: tuple[int, ...], timeout: float) -> tuple[int, ...]:
        with self._cond:
            self._cond.wait_for(lambda: tuple(self._seq.get(c, 0) for c in channels) != seen, timeout)
            return tuple(self._seq.get(c, 0) for c in channels)


class InProcessBroker:
    name = "inprocess"
    # Other processes (the dispatcher) cannot poke this one, so the table is polled often.
    poll_interval = 0.25

    def __init__(self) -> None:
        self.waiters = _Waiters()

    def notify_in_transaction(self, channels: list[str]) -> None:
        return None

    def notify_committed(self, channels: list[str]) -> None:
        for channel in channels:
            self.waiters.poke(channel)


class _ThreadedBroker(InProcessBroker):
    """A broker with one background subscriber thread per process, started on first use."""

    poll_interval = 2.0

    def __init__(self) -> None:
        super().__init__()
        self._started = False
        self._start_lock = threading.Lock()
        self._stopping = threading.Event()
        self.ready = threading.Event()

    def ensure_started(self) -> None:
        if self._started:
            return
        with self._start_lock:
            if not self._started:
                thread = threading.Thread(target=self._run_forever, name=f"{self.name}-events", daemon=True)
                thread.start()
                self._started = True

    def stop(self) -> None:
        """Ends the subscriber within about a second (tests; a changed database)."""
        self._stopping.set()

    def _run_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                self._subscribe()
            except Exception:  # noqa: BLE001 - keep the subscriber alive; the table poll covers the gap
                logger.warning("event broker %s lost its subscription; retrying", self.name, exc_info=True)
            self.ready.clear()
            self._stopping.wait(1.0)

    def _subscribe(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def listen_connection_kwargs(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """psycopg arguments for a LISTEN connection of our own (not one of Django's)."""
    s = settings_dict
    return {
        "dbname": s.get("NAME") or "postgres",
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
        "host": s.get("HOST") or None,
        "port": s.get("PORT") or None,
        "autocommit": True,
        "connect_timeout": int(settings.DB_CONNECT_TIMEOUT_SECONDS),
    }


class PostgresBroker(_ThreadedBroker):
    name = "postgres"

    def __init__(self, settings_dict: dict[str, Any]) -> None:
        super().__init__()
        self.settings_dict = settings_dict

    def notify_in_transaction(self, channels: list[str]) -> None:
        # Delivered by PostgreSQL at commit, and not at all on rollback.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, c) FROM unnest(%s::text[]) AS c", [PG_CHANNEL, channels])

    def _subscribe(self) -> None:
        import psycopg

        with psycopg.connect(**listen_connection_kwargs(self.settings_dict)) as conn:
            conn.execute(f"LISTEN {PG_CHANNEL}")
            self.ready.set()
            while not self._stopping.is_set():
                for note in conn.notifies(timeout=1.0):
                    self.waiters.poke(note.payload)


class RedisBroker(_ThreadedBroker):
    name = "redis"

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        self.url = url
        # Short timeouts: a hung Redis (SIGSTOP) costs one write this long, then publishing is
        # suspended for SUSPEND_SECONDS while listeners find the rows by polling.
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        timeout = float(settings.REDIS_TIMEOUT_SECONDS)
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        self.suspended_until = 0.0

    SUSPEND_SECONDS = 5.0

    def notify_committed(self, channels: list[str]) -> None:
        super().notify_committed(channels)
        if time.monotonic() < self.suspended_until:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for channel in channels:
                pipe.publish(REDIS_CHANNEL, channel)
            pipe.execute()
        except Exception as exc:  # noqa: BLE001 - listeners still find the rows by polling
            self.suspended_until = time.monotonic() + self.SUSPEND_SECONDS
            logger.warning("could not publish to redis (%s); paused for %.0f s", exc, self.SUSPEND_SECONDS)

    def _subscribe(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=float(settings.REDIS_TIMEOUT_SECONDS))
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(REDIS_CHANNEL)
        self.ready.set()
        try:
            while not self._stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                data = message.get("data") if message else None
                if isinstance(data, bytes):
                    self.waiters.poke(data.decode())
        finally:
            pubsub.close()
            client.close()


_broker: InProcessBroker | None = None
_broker_key: tuple[str, str] | None = None
_broker_lock = threading.Lock()


def broker_name() -> str:
    choice = (settings.EVENT_BROKER or "auto").lower()
    if choice != "auto":
        return choice
    if settings.REDIS_URL:
        return "redis"
    if connection.vendor == "postgresql":
        return "postgres"
    return "inprocess"


def get_broker() -> InProcessBroker:
    """The process-wide broker (rebuilt if the database or setting changed, as in tests)."""
    global _broker, _broker_key
    name = broker_name()
    key = (name, str(connection.settings_dict.get("NAME")))
    if _broker is not None and _broker_key == key:
        return _broker
    with _broker_lock:
        if _broker is None or _broker_key != key:
            if isinstance(_broker, _ThreadedBroker):
                _broker.stop()
            broker: InProcessBroker
            if name == "postgres":
                broker = PostgresBroker(dict(connection.settings_dict))
            elif name == "redis":
                broker = RedisBroker(settings.REDIS_URL or "redis://127.0.0.1:6379/0")
            else:
                broker = InProcessBroker()
            _broker, _broker_key = broker, key
    return _broker


def shutdown_broker() -> None:
    """Stop the process's subscriber thread, if any (it restarts on the next listen)."""
    global _broker, _broker_key
    with _broker_lock:
        if isinstance(_broker, _ThreadedBroker):
            _broker.stop()
            thread_wait = 1.5
            deadline = time.monotonic() + thread_wait
            while _broker.ready.is_set() and time.monotonic() < deadline:
                time.sleep(0.05)
        _broker, _broker_key = None, None


def sse_format(event: StreamEvent) -> str:
    import json

    data = json.dumps({"id": event.id, "kind": event.kind, "payload": event.payload}, separators=(",", ":"))
    return f"id: {event.id}\ndata: {data}\n\n"
