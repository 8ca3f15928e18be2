"""Offer rows: creating them, expiring the due ones and withdrawing the open ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F

from mechmatch.core.reasons import ReasonKey, reasons_to_json
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.services.candidates import _Candidate
from mechmatch.dispatch.services.common import _customer_ref, _distance, _fold_response_time, _Stale, _tell_mechanic
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_record
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
    return _offers_create(
        request, [candidate], kind=Offer.Kind.EXCLUSIVE, window=settings.OFFER_WINDOW_SECONDS, now=now
    )[0]


def _expire_due_offers(request: SessionRequest, now: datetime) -> list[Offer]:
    due = list(Offer.objects.filter(request=request, status=Offer.Status.OPEN, expires_at__lte=now))
    if not due:
        return []
    updated = Offer.objects.filter(pk__in=[o.pk for o in due], status=Offer.Status.OPEN, expires_at__lte=now).update(
        status=Offer.Status.EXPIRED
    )
    if updated != len(due):
        raise _Stale(request.pk)
    RequestEvent.objects.bulk_create(
        RequestEvent(
            request=request,
            kind="offer_expired",
            from_status=request.status,
            to_status=request.status,
            data={"offerId": o.pk, "mechanicId": o.mechanic_id, "kind": o.kind},
        )
        for o in due
    )
    for offer in due:
        offer.status = Offer.Status.EXPIRED
        event_record(
            FunnelEvent.Name.OFFER_LAPSED,
            request_id=request.pk,
            mechanic_id=offer.mechanic_id,
            kind=offer.kind,
            user=_customer_ref(request),
        )
        _tell_mechanic(offer, "offer_gone", reason="expired")
        if offer.kind == Offer.Kind.EXCLUSIVE:
            # A lapsed personal offer is the slowest possible answer: it counts at the
            # window's length. A lapsed broadcast does not (somebody else is usually faster).
            _fold_response_time(offer.mechanic_id, (offer.expires_at - offer.offered_at).total_seconds())
    return due


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
