"""The dispatcher's tick: expire due offers and apply fallbacks, one request per
transaction, in any number of processes."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from mechmatch.dispatch import events
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.selectors import mechanic_available_qs
from mechmatch.dispatch.services.common import _Stale, _transition
from mechmatch.dispatch.services.routing import _advance, _next_due
from mechmatch.dispatch.services.shifts import _withdraw_offers_of_mechanic

logger = logging.getLogger(__name__)


@dataclass
class TickResult:
    steps: int = 0
    offers_expired: int = 0
    fallbacks: int = 0
    withdrawn: int = 0
    errors: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def _claim_due_request(now: datetime) -> SessionRequest | None:
    qs = SessionRequest.objects.filter(status__in=SessionRequest.WAITING_STATUSES, fallback_due_at__lte=now).order_by(
        "fallback_due_at", "id"
    )
    if connection.vendor == "postgresql":
        # Another dispatcher's row is skipped, not waited on: N dispatchers share the work.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.first()


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


def dispatch_tick(*, batch: int | None = None, now: datetime | None = None, sweep: bool = True) -> TickResult:
    """Process up to `batch` due requests, one transaction each. Safe to run in any number
    of processes at once: a row another dispatcher holds is skipped (PostgreSQL) or waited
    for (SQLite's single writer), and every transition is conditional, so each fallback
    happens exactly once."""
    batch = batch or settings.DISPATCH_BATCH
    result = TickResult()
    fixed_now = now
    if sweep:
        result.withdrawn = _sweep(fixed_now or timezone.now())
    for _ in range(batch):
        step_now = fixed_now or timezone.now()
        outcome: str | None = None
        expired_before = 0
        for attempt in range(3):
            try:
                with events.atomic_with_events():
                    request = _claim_due_request(step_now)
                    if request is None:
                        break
                    outcome = _advance(request, step_now)
                    expired_before = request.lapsed_count
                    if request.status in SessionRequest.WAITING_STATUSES and (
                        request.fallback_due_at is None or request.fallback_due_at <= step_now
                    ):
                        # Never leave a due timer behind: it would spin the loop.
                        _transition(request, kind=None, fallback_due_at=_next_due(request) or None)
                        if request.fallback_due_at is not None and request.fallback_due_at <= step_now:
                            _transition(request, kind=None, fallback_due_at=step_now + timedelta(seconds=5))
                break
            except _Stale:
                outcome = "stale"
                break
            except OperationalError as exc:
                if attempt < 2 and _is_retryable(exc):
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
            except Exception:  # noqa: BLE001 - one bad row must not stop the dispatcher
                logger.exception("dispatch step failed; backing off that request")
                result.errors += 1
                outcome = "error"
                _backoff(step_now)
                break
        if outcome is None:
            break
        result.steps += 1
        result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
        if outcome not in ("stale", "error"):
            result.offers_expired += expired_before
        if outcome in ("awaiting_choice", "auto_match", "broadcast", "expired"):
            result.fallbacks += 1
    return result


def _backoff(now: datetime) -> None:
    """Push the first due request 30 s forward so a poison row cannot block the queue."""
    with transaction.atomic():
        request = _claim_due_request(now)
        if request is not None:
            SessionRequest.objects.filter(pk=request.pk).update(fallback_due_at=now + timedelta(seconds=30))
