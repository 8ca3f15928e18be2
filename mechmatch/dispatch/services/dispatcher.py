"""The dispatcher's tick: expire due offers and apply fallbacks, a batch of requests per
transaction and each search for mechanics in its own, in any number of processes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import RedisError

from mechmatch.dispatch import events
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.selectors import mechanic_available_qs
from mechmatch.dispatch.services.common import _Stale, _transition
from mechmatch.dispatch.services.lapses import LapseBatch, _claim_due, lapses_apply
from mechmatch.dispatch.services.routing import _advance_counted, _next_due
from mechmatch.dispatch.services.shifts import _withdraw_offers_of_mechanic
from mechmatch.monitoring.metrics import FALLBACKS, OFFERS_EXPIRED

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

# Failures of the database connection or the broker, never of our logic: the dispatcher's
# loop closes the connection, backs off and tries again; a tick never swallows them.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, RedisError)


@dataclass
class TickResult:
    steps: int = 0
    offers_expired: int = 0
    fallbacks: int = 0
    withdrawn: int = 0
    errors: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.steps += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if outcome in _FALLBACKS:
            self.fallbacks += 1


_FALLBACKS = ("awaiting_choice", "auto_match", "broadcast", "expired")
_RETRIES = 3


def _sweep(now: datetime) -> int:
    """Self-healing: a due open offer whose request's timer says "later" pulls the timer in,
    and open offers to mechanics who may no longer receive them are withdrawn."""
    SessionRequest.objects.filter(
        status__in=SessionRequest.WAITING_STATUSES,
        offers__status=Offer.Status.OPEN,
        offers__expires_at__lte=now,
    ).filter(Q(fallback_due_at__isnull=True) | Q(fallback_due_at__gt=now)).update(fallback_due_at=now)
    stale = (
        Offer.objects.filter(status=Offer.Status.OPEN)
        .exclude(mechanic__in=mechanic_available_qs())
        .order_by()  # the model's ordering would make DISTINCT keep one row per offer
        .values_list("mechanic_id", flat=True)
        .distinct()
    )
    withdrawn = 0
    for mechanic_id in list(stale):
        withdrawn += _withdraw_offers_of_mechanic(mechanic_id, reason="unavailable", now=now)
    return withdrawn


def _is_retryable(exc: Exception) -> bool:
    text = str(exc).lower()
    return "deadlock" in text or "locked" in text or "could not serialize" in text


def _with_retries(work: Callable[[], _T]) -> _T:
    """Run one transaction, again after a lock conflict (SQLite busy, PostgreSQL deadlock)."""
    for attempt in range(_RETRIES):
        try:
            return work()
        except OperationalError as exc:
            if attempt == _RETRIES - 1 or not _is_retryable(exc):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def dispatch_tick(
    *, batch: int | None = None, now: datetime | None = None, sweep: bool = True, scheduled: bool = True
) -> TickResult:
    """`_tick`, counted for /metrics once its transactions are over."""
    result = _tick(batch=batch, now=now, sweep=sweep, scheduled=scheduled)
    if result.offers_expired:
        OFFERS_EXPIRED.inc(result.offers_expired)
    for outcome, times in result.outcomes.items():
        if outcome in _FALLBACKS:
            FALLBACKS.labels(outcome).inc(times)
    return result


def _tick(*, batch: int | None, now: datetime | None, sweep: bool, scheduled: bool) -> TickResult:
    """Process up to `batch` due requests: their offer expiries and plain fallbacks set-wise
    in one transaction (see lapses), then each fallback that searches for mechanics in a
    transaction of its own. Safe to run in any number of processes at once: a row another
    dispatcher holds is skipped (PostgreSQL) or waited for (SQLite's single writer), and
    every transition is conditional, so each fallback happens exactly once."""
    batch = batch or settings.DISPATCH_BATCH
    result = TickResult()
    if sweep:
        result.withdrawn = _sweep(now or timezone.now())
    step_now = now or timezone.now()
    if scheduled:
        _scheduled(result, step_now, batch)

    def set_wise() -> LapseBatch:
        with events.atomic_with_events():
            return lapses_apply(step_now, limit=batch)

    try:
        lapses = _with_retries(set_wise)
    except _Stale:
        lapses = None  # cannot happen while the rows are locked; settle them one by one
    except TRANSIENT_ERRORS:
        raise  # the database or the broker itself: the caller's loop backs off
    except Exception:  # noqa: BLE001 - e.g. one bad row: the one-by-one path isolates it
        logger.exception("set-wise dispatch step failed; taking the requests one at a time")
        lapses = None
    if lapses is None:
        for _ in range(batch):
            if not _step(result, now):
                break
        return result
    result.offers_expired += sum(lapses.offers_expired.values())
    for outcome in lapses.outcomes.values():
        result.count(outcome)
    for request_id in lapses.searching:
        if not _step(result, now, pk=request_id):
            result.count("stale")  # another dispatcher took it since
    return result


def _scheduled(result: TickResult, now: datetime, batch: int) -> None:
    """Scheduled bookings: their reminders and, at their start, their session requests.
    Imported here because scheduling builds on dispatch (it creates requests through
    `request_create`), never the other way round at import time."""
    from mechmatch.scheduling.services import scheduled_step

    step = _with_retries(lambda: scheduled_step(now, limit=batch))
    for _ in step.started:
        result.count("scheduled_started")
    for _ in range(step.reminders):
        result.count("scheduled_reminded")
    result.errors += step.errors


def _step(result: TickResult, fixed_now: datetime | None, *, pk: int | None = None) -> bool:
    """One due request (the oldest, or `pk`) in its own transaction. False if none was due."""
    step_now = fixed_now or timezone.now()

    def one() -> tuple[str, int] | None:
        with events.atomic_with_events():
            claimed = _claim_due(step_now, limit=1, pk=pk)
            if not claimed:
                return None
            request = claimed[0]
            outcome, lapsed = _advance_counted(request, step_now)
            if request.status in SessionRequest.WAITING_STATUSES and (
                request.fallback_due_at is None or request.fallback_due_at <= step_now
            ):
                # Never leave a due timer behind: it would spin the loop.
                _transition(request, kind=None, fallback_due_at=_next_due(request) or None)
                if request.fallback_due_at is not None and request.fallback_due_at <= step_now:
                    _transition(request, kind=None, fallback_due_at=step_now + timedelta(seconds=5))
            return outcome, lapsed

    try:
        done = _with_retries(one)
    except _Stale:
        result.count("stale")
        return True
    except TRANSIENT_ERRORS:
        raise  # the database or the broker itself: the caller's loop backs off
    except Exception:  # noqa: BLE001 - one bad row must not stop the dispatcher
        logger.exception("dispatch step failed; backing off that request")
        result.errors += 1
        result.count("error")
        _backoff(step_now, pk=pk)
        return True
    if done is None:
        return False
    outcome, lapsed = done
    result.offers_expired += lapsed
    result.count(outcome)
    return True


def _backoff(now: datetime, *, pk: int | None = None) -> None:
    """Push the failing request (the first due one) 30 s forward so a poison row cannot
    block the queue."""
    with transaction.atomic():
        claimed = _claim_due(now, limit=1, pk=pk)
        if claimed:
            SessionRequest.objects.filter(pk=claimed[0].pk).update(fallback_due_at=now + timedelta(seconds=30))
