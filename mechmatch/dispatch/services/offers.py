"""Offer rows: creating them, expiring the due ones and withdrawing the open ones."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Field

from mechmatch.core.reasons import ReasonKey, reasons_to_json
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.services.candidates import _Candidate
from mechmatch.dispatch.services.common import (
    _customer_ref,
    _distance,
    _fold_response_times,
    _Stale,
    _tell_mechanic,
)
from mechmatch.dispatch.services.notices import notice_exclusive_offer
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_build, event_record_many
from mechmatch.mechanics.models import Mechanic


def _offers_create(
    request: SessionRequest, candidates: list[_Candidate], *, kind: str, window: int, now: datetime
) -> list[Offer]:
    if not candidates:
        return []
    expires = now + timedelta(seconds=window)
    offers = [
        Offer(
            request=request,
            mechanic_id=c.mechanic_id,
            kind=kind,
            score=c.score,
            reason_codes=reasons_to_json(c.reasons),
            distance_km=c.distance_km,
            offered_at=now,
            expires_at=expires,
            notified_at=now,
        )
        for c in candidates
    ]
    # One insert; the (mechanic, request) constraint makes a repeat offer impossible.
    Offer.objects.bulk_create(offers)
    if any(o.pk is None for o in offers):  # backends without RETURNING: read the ids back
        by_mechanic = dict(
            Offer.objects.filter(request=request, mechanic_id__in=[c.mechanic_id for c in candidates]).values_list(
                "mechanic_id", "pk"
            )
        )
        for o in offers:
            o.pk = by_mechanic[o.mechanic_id]
    Mechanic.objects.filter(pk__in=sorted(c.mechanic_id for c in candidates)).update(
        offers_received=F("offers_received") + 1
    )
    RequestEvent.objects.create(
        request=request,
        kind="offers_sent",
        from_status=request.status,
        to_status=request.status,
        data={"kind": kind, "mechanicIds": [c.mechanic_id for c in candidates], "expiresAt": expires.isoformat()},
    )
    for offer in offers:
        _tell_mechanic(offer, "offer_new", offerKind=kind, expiresAt=expires.isoformat())
    return offers


def _offer_exclusive(request: SessionRequest, mechanic: Mechanic, now: datetime, reasons: list[ReasonKey]) -> Offer:
    """The personal offer, with `reasons` first and then what the routing's ranking said of them."""
    scored = next(
        (c for c in (request.match_scores or {}).get("candidates", []) if c.get("mechanicId") == mechanic.pk), None
    )
    candidate = _Candidate.from_match_score(scored) if scored else _Candidate(mechanic_id=mechanic.pk)
    candidate.reasons = [*reasons, *candidate.reasons]
    if candidate.distance_km is None:
        candidate.distance_km = _distance(request, mechanic)
    offer = _offers_create(
        request, [candidate], kind=Offer.Kind.EXCLUSIVE, window=settings.OFFER_WINDOW_SECONDS, now=now
    )[0]
    notice_exclusive_offer(offer, request, now, favourite=any(key == "customer_favourite" for key, _ in reasons))
    return offer


def _expire_due_offers(request: SessionRequest, now: datetime) -> list[Offer]:
    """Expire one locked request's due offers and record each lapse."""
    due = _offers_expire_due([request.pk], now)
    _lapses_record({request.pk: request}, due)
    return due


# The columns an expiry reads back: enough to record the lapse without another query.
_EXPIRY_RETURNED = ("id", "request_id", "mechanic_id", "kind", "status", "offered_at", "expires_at")


def _offers_expire_due(request_ids: list[int], now: datetime) -> list[Offer]:
    """Expire every due open offer of these (locked) requests in one conditional UPDATE.
    RETURNING says exactly which rows this statement changed, so each lapse is recorded
    once whoever else runs. PostgreSQL and SQLite >= 3.35 have it; older SQLite selects
    first, which its single writer makes equivalent."""
    if not request_ids:
        return []
    if _update_can_return():
        q = connection.ops.quote_name
        column = {name: q(_column(name)) for name in _EXPIRY_RETURNED}
        sql = (
            f"UPDATE {q(Offer._meta.db_table)} SET {column['status']} = %s"
            f" WHERE {column['request_id']} IN ({', '.join(['%s'] * len(request_ids))})"
            f" AND {column['status']} = %s AND {column['expires_at']} <= %s"
            f" RETURNING {', '.join(column.values())}"
        )
        # raw() adapts the parameters and converts the returned columns like any query; it
        # is read to the end at once, so the statement runs exactly once.
        return list(Offer.objects.raw(sql, [Offer.Status.EXPIRED.value, *request_ids, Offer.Status.OPEN.value, now]))
    due = list(
        Offer.objects.filter(request_id__in=request_ids, status=Offer.Status.OPEN, expires_at__lte=now).only(
            *_EXPIRY_RETURNED
        )
    )
    updated = Offer.objects.filter(pk__in=[o.pk for o in due], status=Offer.Status.OPEN).update(
        status=Offer.Status.EXPIRED
    )
    if updated != len(due):
        raise _Stale(request_ids[0])
    for offer in due:
        offer.status = Offer.Status.EXPIRED
    return due


def _column(name: str) -> str:
    field = Offer._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return field.column


def _update_can_return() -> bool:
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)


def _lapses_record(requests: dict[int, SessionRequest], lapsed: list[Offer]) -> None:
    """The history, funnel, mechanic messages and response times of expired offers, in bulk."""
    if not lapsed:
        return
    RequestEvent.objects.bulk_create(
        RequestEvent(
            request_id=o.request_id,
            kind="offer_expired",
            from_status=requests[o.request_id].status,
            to_status=requests[o.request_id].status,
            data={"offerId": o.pk, "mechanicId": o.mechanic_id, "kind": o.kind},
        )
        for o in lapsed
    )
    event_record_many(
        event_build(
            FunnelEvent.Name.OFFER_LAPSED,
            request_id=o.request_id,
            mechanic_id=o.mechanic_id,
            kind=o.kind,
            user=_customer_ref(requests[o.request_id]),
        )
        for o in lapsed
    )
    # A lapsed personal offer is the slowest possible answer: it counts at the window's
    # length. A lapsed broadcast does not (somebody else is usually faster).
    samples: dict[int, list[float]] = {}
    for offer in lapsed:
        _tell_mechanic(offer, "offer_gone", reason="expired")
        if offer.kind == Offer.Kind.EXCLUSIVE:
            samples.setdefault(offer.mechanic_id, []).append((offer.expires_at - offer.offered_at).total_seconds())
    _fold_response_times(samples)


def _withdraw_open_offers(request: SessionRequest, *, reason: str, exclude_pk: int | None = None) -> list[Offer]:
    qs = Offer.objects.filter(request=request, status=Offer.Status.OPEN)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    gone = list(qs)
    if gone:
        new_status = Offer.Status.SUPERSEDED if reason == "taken" else Offer.Status.WITHDRAWN
        Offer.objects.filter(pk__in=[o.pk for o in gone], status=Offer.Status.OPEN).update(status=new_status)
        for offer in gone:
            offer.status = new_status
            _tell_mechanic(offer, "offer_gone", reason=reason)
    return gone
