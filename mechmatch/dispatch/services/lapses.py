"""The dispatcher's set-wise step: claim a batch of due requests, expire all their due
offers with one conditional `UPDATE … RETURNING`, and apply in bulk the fallbacks that are
plain state changes (ask the customer, move the timer, no mechanic left).

Fallbacks that search for mechanics (auto-match, widening a broadcast) are handed back, to
run one request per transaction after this one: a search takes milliseconds per request,
and a batch of them would hold SQLite's one write lock too long. Their offers' expiry is
already recorded here; the request's timer stays due, so the search step finds it (or, if
this process dies first, the next dispatcher does).

Exactly once: the claimed rows are locked for the whole transaction (FOR UPDATE SKIP LOCKED
on PostgreSQL, so concurrent dispatchers take disjoint batches; SQLite's single write lock
otherwise), the offer expiry is conditional and says which rows it changed, and every
transition is matched on the version read, raising _Stale (the batch rolls back as a whole)
if any row moved on. A kill rolls back at most the batch in flight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services.common import _announce, _Change, _transitions_apply
from mechmatch.dispatch.services.offers import _lapses_record, _offers_expire_due
from mechmatch.dispatch.services.routing import _next_step, _settle
from mechmatch.notifications.services import NotificationDraft, notifications_enqueue_many


@dataclass
class LapseBatch:
    claimed: int = 0
    offers_expired: dict[int, int] = field(default_factory=dict)  # request id -> offers it lapsed
    outcomes: dict[int, str] = field(default_factory=dict)  # request id -> outcome, settled here
    searching: list[int] = field(default_factory=list)  # request ids left for a search step


def _claim_due(now: datetime, *, limit: int, pk: int | None = None) -> list[SessionRequest]:
    """Lock up to `limit` waiting requests whose timer is due, oldest first (or the one `pk`)."""
    qs = SessionRequest.objects.filter(status__in=SessionRequest.WAITING_STATUSES, fallback_due_at__lte=now)
    qs = qs.select_related("customer")  # the notifications name them
    if pk is not None:
        qs = qs.filter(pk=pk)
    qs = qs.order_by("fallback_due_at", "id")
    if connection.vendor == "postgresql":
        # Another dispatcher's rows are skipped, not waited on: N dispatchers share the work.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs[:limit])


def lapses_apply(now: datetime, *, limit: int) -> LapseBatch:
    """One transaction (the caller's `atomic_with_events`) over up to `limit` due requests."""
    batch = LapseBatch()
    requests = _claim_due(now, limit=limit)
    if not requests:
        return batch
    batch.claimed = len(requests)
    by_id = {r.pk: r for r in requests}
    lapsed = _offers_expire_due(list(by_id), now)
    _lapses_record(by_id, lapsed)
    for offer in lapsed:
        batch.offers_expired[offer.request_id] = batch.offers_expired.get(offer.request_id, 0) + 1

    # Read after the expiry and the response-time fold, so the snapshots below are current.
    offers: dict[int, list[Offer]] = {pk: [] for pk in by_id}
    for offer in Offer.objects.filter(request_id__in=list(by_id)).select_related("mechanic").order_by("id"):
        offers[offer.request_id].append(offer)

    changes: list[_Change] = []
    announcements: list[tuple[SessionRequest, str]] = []
    for request in requests:
        step = _next_step(request, offers[request.pk], now)
        if step.searches:
            batch.searching.append(request.pk)
            continue
        change, outcome, announce = _settle(request, step, now, lapsed=batch.offers_expired.get(request.pk, 0))
        if change is not None:
            changes.append(change)
        if announce:
            announcements.append((request, announce))
        batch.outcomes[request.pk] = outcome
    _transitions_apply(changes)
    notices: list[NotificationDraft] = []
    for request, kind in announcements:
        _announce(request, kind, now, loaded_offers=offers[request.pk], notices=notices)
    notifications_enqueue_many(notices)
    return batch
