"""Routing steps for a request whose row the caller has locked, and the state machine's
one step (`_advance`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services.candidates import _candidates_smart, _candidates_wide, _candidates_workshop
from mechmatch.dispatch.services.common import (
    Routing,
    Stage,
    Status,
    _announce,
    _Change,
    _customer_ref,
    _transition,
    _transitions_apply,
)
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
    _transitions_apply([_expiry(request, reason=reason)])


def _auto_match(request: SessionRequest, now: datetime, *, reason: str, actor: User | None = None) -> None:
    """Top matches first; if none can take it, everyone available; else no mechanic."""
    if _route_broadcast(request, now, stage=Stage.SMART, reason=reason, fallback=True, actor=actor):
        return
    if _route_broadcast(request, now, stage=Stage.WIDE, reason=reason, fallback=True, actor=actor):
        return
    _route_expire(request, now, reason="no_available_mechanic")


@dataclass(frozen=True)
class _Step:
    """What a locked request needs next, decided from its row and its offers alone.

    action: closed | wait | retime | ask_customer | expire (plain state changes), or
    auto_match | widen (a search for mechanics)."""

    action: str
    reason: str = ""
    if_nobody: str = ""  # widen: the expiry reason when nobody can be offered
    due: datetime | None = None  # retime: the next open offer's expiry
    mechanic_id: int | None = None  # ask_customer: the mechanic whose exclusive offer ended

    @property
    def searches(self) -> bool:
        return self.action in ("auto_match", "widen")


def _next_step(request: SessionRequest, offers: list[Offer], now: datetime) -> _Step:
    """The state machine's rule, in one place; `offers` are all of the request's offers as
    they are now (after expiring the due ones)."""
    if request.status not in SessionRequest.WAITING_STATUSES:
        return _Step("closed")
    if request.status == Status.AWAITING_CHOICE:
        if request.fallback_due_at is not None and request.fallback_due_at <= now:
            return _Step("auto_match", reason="no_choice")
        return _Step("wait")
    open_due = [o.expires_at for o in offers if o.status == Offer.Status.OPEN]
    if open_due:
        return _Step("retime", due=min(open_due))
    # The current stage has no open offers left: fall back.
    if request.stage == Stage.EXCLUSIVE:
        last = max((o for o in offers if o.kind == Offer.Kind.EXCLUSIVE), key=lambda o: o.pk, default=None)
        why = last.status if last else "expired"
        if request.routing_type == Routing.PRIORITY_BROADCAST:
            return _Step("auto_match", reason=f"favourite_{why}")
        return _Step("ask_customer", reason=why, mechanic_id=last.mechanic_id if last else None)
    if request.stage == Stage.WORKSHOP:
        if request.routing_type == Routing.HYBRID:
            return _Step("widen", reason="workshop_lapsed", if_nobody="workshop_unavailable")
        return _Step("expire", reason="workshop_unavailable")
    if request.stage == Stage.SMART:
        return _Step("widen", reason="top_matches_lapsed", if_nobody="no_available_mechanic")
    return _Step("expire", reason="no_available_mechanic")


def _settle(request: SessionRequest, step: _Step, now: datetime, *, lapsed: int) -> tuple[_Change | None, str, str]:
    """For a step that searches for nobody: the transition to apply (or None), the outcome,
    and what to tell the waiting room ("" for nothing)."""
    quiet = "lapsed" if lapsed else "idle"
    if step.action == "closed":
        timer_off = _Change(request, None, fields={"fallback_due_at": None})
        return (timer_off if request.fallback_due_at is not None else None), "closed", ""
    if step.action == "wait":
        return None, quiet, ""
    if step.action == "retime":
        retime = _Change(request, None, fields={"fallback_due_at": step.due})
        return (retime if request.fallback_due_at != step.due else None), quiet, ("offer_expired" if lapsed else "")
    if step.action == "ask_customer":
        ask = _Change(
            request,
            "awaiting_choice",
            to_status=Status.AWAITING_CHOICE,
            fields={"fallback_due_at": now + timedelta(seconds=settings.FALLBACK_DELAY_SECONDS)},
            data={"reason": step.reason, "mechanicId": step.mechanic_id},
        )
        return ask, "awaiting_choice", Status.AWAITING_CHOICE
    if step.action == "expire":
        return _expiry(request, reason=step.reason), "expired", Status.EXPIRED
    raise ValueError(f"{step.action} searches for mechanics; it is not settled here")


def _expiry(request: SessionRequest, *, reason: str) -> _Change:
    return _Change(
        request, "no_mechanic", to_status=Status.EXPIRED, fields={"fallback_due_at": None}, data={"reason": reason}
    )


def _offers_of(request: SessionRequest) -> list[Offer]:
    return list(
        Offer.objects.filter(request=request).only("id", "request_id", "mechanic_id", "kind", "status", "expires_at")
    )


def _advance(request: SessionRequest, now: datetime) -> str:
    """The state machine's one step for a locked request: expire its due offers, then take
    the next fallback if the current stage is exhausted. Returns what happened."""
    return _advance_counted(request, now)[0]


def _advance_counted(request: SessionRequest, now: datetime) -> tuple[str, int]:
    """`_advance`, also returning how many offers lapsed (the dispatcher counts them)."""
    lapsed = _expire_due_offers(request, now)
    offers = _offers_of(request) if request.status in SessionRequest.WAITING_STATUSES else []
    step = _next_step(request, offers, now)
    if not step.searches:
        change, outcome, announce = _settle(request, step, now, lapsed=len(lapsed))
        if change is not None:
            _transitions_apply([change])
        if announce:
            _announce(request, announce, now)
        return outcome, len(lapsed)
    if step.action == "auto_match":
        _auto_match(request, now, reason=step.reason)
        outcome = "auto_match"
    elif _route_broadcast(request, now, stage=Stage.WIDE, reason=step.reason, fallback=True):
        outcome = "broadcast"
    else:
        _route_expire(request, now, reason=step.if_nobody)
        outcome = "expired"
    _announce(request, request.status, now)
    return outcome, len(lapsed)
