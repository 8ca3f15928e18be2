"""Routing steps for a request whose row the caller has locked, and the state machine's
one step (`_advance`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services.candidates import _candidates_smart, _candidates_wide, _candidates_workshop
from mechmatch.dispatch.services.common import Routing, Stage, Status, _announce, _customer_ref, _transition
from mechmatch.dispatch.services.offers import _expire_due_offers, _offer_exclusive, _offers_create
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_record
from mechmatch.mechanics.models import Mechanic


def _next_due(request: SessionRequest) -> datetime | None:
    return (
        Offer.objects.filter(request=request, status=Offer.Status.OPEN)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )


def _route_exclusive(
    request: SessionRequest, mechanic: Mechanic, now: datetime, *, kind: str, actor: User | None = None
) -> None:
    why = "customer_chose_you" if request.routing_type == Routing.SELECTED else "customer_favourite"
    offer = _offer_exclusive(request, mechanic, now, [(why, {})])
    _transition(
        request,
        kind=kind,
        to_status=Status.PENDING,
        stage=Stage.EXCLUSIVE,
        selected_mechanic=mechanic,
        fallback_due_at=offer.expires_at,
        actor=actor,
        data={"mechanicId": mechanic.pk, "offerId": offer.pk},
    )


def _route_broadcast(
    request: SessionRequest,
    now: datetime,
    *,
    stage: str,
    reason: str,
    fallback: bool,
    actor: User | None = None,
) -> bool:
    """Offer to a group; returns False when nobody could be offered."""
    if stage == Stage.SMART:
        candidates = _candidates_smart(request, now)
    elif stage == Stage.WORKSHOP:
        candidates = _candidates_workshop(request, now)
    else:
        candidates = _candidates_wide(request, now)
    offers = _offers_create(
        request, candidates, kind=Offer.Kind.BROADCAST, window=settings.BROADCAST_WINDOW_SECONDS, now=now
    )
    if not offers:
        return False
    _transition(
        request,
        kind="broadcast",
        to_status=Status.BROADCASTING,
        stage=stage,
        fallback_due_at=offers[0].expires_at,
        actor=actor,
        data={"stage": stage, "reason": reason, "offered": len(offers)},
    )
    if fallback:
        event_record(
            FunnelEvent.Name.FALLBACK_BROADCAST,
            user=_customer_ref(request),
            request_id=request.pk,
            stage=stage,
            reason=reason,
            offered=len(offers),
        )
    return True


def _route_expire(request: SessionRequest, now: datetime, *, reason: str) -> None:
    _transition(request, kind="no_mechanic", to_status=Status.EXPIRED, fallback_due_at=None, data={"reason": reason})


def _auto_match(request: SessionRequest, now: datetime, *, reason: str, actor: User | None = None) -> None:
    """Top matches first; if none can take it, everyone available; else no mechanic."""
    if _route_broadcast(request, now, stage=Stage.SMART, reason=reason, fallback=True, actor=actor):
        return
    if _route_broadcast(request, now, stage=Stage.WIDE, reason=reason, fallback=True, actor=actor):
        return
    _route_expire(request, now, reason="no_available_mechanic")


def _advance(request: SessionRequest, now: datetime) -> str:
    """The state machine's one step for a locked request: expire its due offers, then take
    the next fallback if the current stage is exhausted. Returns what happened."""
    lapsed = _expire_due_offers(request, now)
    request.lapsed_count = len(lapsed)
    if request.status not in SessionRequest.WAITING_STATUSES:
        if request.fallback_due_at is not None:
            _transition(request, kind=None, fallback_due_at=None)
        return "closed"

    if request.status == Status.AWAITING_CHOICE:
        if request.fallback_due_at is not None and request.fallback_due_at <= now:
            _auto_match(request, now, reason="no_choice")
            _announce(request, request.status, now)
            return "auto_match"
        return "lapsed" if lapsed else "idle"

    next_due = _next_due(request)
    if next_due is not None:
        if request.fallback_due_at != next_due:
            _transition(request, kind=None, fallback_due_at=next_due)
        if lapsed:
            _announce(request, "offer_expired", now)
        return "lapsed" if lapsed else "idle"

    # The current stage has no open offers left: fall back.
    outcome: str
    if request.stage == Stage.EXCLUSIVE:
        last = Offer.objects.filter(request=request, kind=Offer.Kind.EXCLUSIVE).order_by("-id").first()
        why = last.status if last else "expired"
        if request.routing_type == Routing.PRIORITY_BROADCAST:
            _auto_match(request, now, reason=f"favourite_{why}")
            outcome = "auto_match"
        else:
            _transition(
                request,
                kind="awaiting_choice",
                to_status=Status.AWAITING_CHOICE,
                fallback_due_at=now + timedelta(seconds=settings.FALLBACK_DELAY_SECONDS),
                data={"reason": why, "mechanicId": last.mechanic_id if last else None},
            )
            outcome = "awaiting_choice"
    elif request.stage == Stage.WORKSHOP:
        if request.routing_type == Routing.HYBRID and _route_broadcast(
            request, now, stage=Stage.WIDE, reason="workshop_lapsed", fallback=True
        ):
            outcome = "broadcast"
        else:
            _route_expire(request, now, reason="workshop_unavailable")
            outcome = "expired"
    elif request.stage == Stage.SMART:
        if _route_broadcast(request, now, stage=Stage.WIDE, reason="top_matches_lapsed", fallback=True):
            outcome = "broadcast"
        else:
            _route_expire(request, now, reason="no_available_mechanic")
            outcome = "expired"
    else:
        _route_expire(request, now, reason="no_available_mechanic")
        outcome = "expired"
    _announce(request, request.status, now)
    return outcome
