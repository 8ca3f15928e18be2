"""The routing rules of dispatch/services/routing.py and requests.py (_route_initial,
_auto_match, _route_broadcast, _next_step), step for step, over the simulator's state.

selected: the customer's chosen mechanic gets an exclusive window; when it lapses or is
  declined the customer is asked, and without an answer within the fallback delay the top
  matches are tried (auto-match), then everyone.
priority_broadcast: the favourite first (exclusive); a lapse goes straight to auto-match.
smart_broadcast: the top matches at once; when they all lapse, everyone, then no mechanic.
broadcast: every available mechanic (capped); when they lapse, no mechanic.
workshop_only / hybrid: the chosen workshop's mechanics; hybrid then widens to everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mechmatch.core.simulation import candidates as pick
from mechmatch.core.simulation.model import (
    AWAITING_CHOICE,
    BROADCAST,
    BROADCASTING,
    EXCLUSIVE,
    HYBRID,
    NO_MECHANIC,
    OPEN,
    PENDING,
    PRIORITY_BROADCAST,
    SELECTED,
    SMART,
    SMART_BROADCAST,
    WAITING,
    WIDE,
    WORKSHOP,
    SimRequest,
)

if TYPE_CHECKING:
    from mechmatch.core.simulation.engine import Engine


def route_initial(engine: Engine, request: SimRequest) -> None:
    routing = request.routing
    arrival = request.arrival
    if routing in (SELECTED, PRIORITY_BROADCAST):
        chosen = arrival.favourite_id if routing == PRIORITY_BROADCAST else arrival.selected_id
        if chosen is None and routing == SELECTED:
            chosen = pick.preview_pick(engine, request)
        if chosen is None:
            expire(engine, request, "no_available_mechanic")
            return
        request.selected_id = chosen
        if engine.is_on_shift(chosen):
            route_exclusive(engine, request, chosen)
        elif routing == PRIORITY_BROADCAST:
            auto_match(engine, request)
        else:
            ask_customer(engine, request)
        return
    if routing == SMART_BROADCAST:
        auto_match(engine, request)
        return
    if routing == BROADCAST:
        if not route_broadcast(engine, request, WIDE):
            expire(engine, request, "no_available_mechanic")
        return
    if route_broadcast(engine, request, WORKSHOP):
        return
    if routing == HYBRID and route_broadcast(engine, request, WIDE):
        return
    expire(engine, request, "workshop_unavailable")


def route_exclusive(engine: Engine, request: SimRequest, mechanic_id: int) -> None:
    offer = engine.offer(request, mechanic_id, kind="exclusive", window=engine.rules.offer_window_seconds)
    request.status, request.stage = PENDING, EXCLUSIVE
    request.stages.add(EXCLUSIVE)
    engine.set_due(request, offer.expires_at)


def route_broadcast(engine: Engine, request: SimRequest, stage: str) -> bool:
    if stage == SMART:
        ids = pick.smart_candidates(engine, request)
    elif stage == WORKSHOP:
        ids = pick.workshop_candidates(engine, request)
    else:
        ids = pick.wide_candidates(engine, request)
    if not ids:
        return False
    window = engine.rules.broadcast_window_seconds
    offers = [engine.offer(request, i, kind="broadcast", window=window) for i in ids]
    request.status, request.stage = BROADCASTING, stage
    request.stages.add(stage)
    engine.set_due(request, offers[0].expires_at)
    return True


def auto_match(engine: Engine, request: SimRequest) -> None:
    if route_broadcast(engine, request, SMART):
        return
    if route_broadcast(engine, request, WIDE):
        return
    expire(engine, request, "no_available_mechanic")


def ask_customer(engine: Engine, request: SimRequest) -> None:
    """The customer is asked; the simulated customer does not answer, so auto-match follows
    after the fallback delay (the dispatcher's "no_choice")."""
    request.status = AWAITING_CHOICE
    request.stage = request.stage or EXCLUSIVE
    request.asked_customer = True
    engine.set_due(request, engine.now + engine.rules.fallback_delay_seconds)


def expire(engine: Engine, request: SimRequest, reason: str) -> None:
    request.status = NO_MECHANIC
    request.ended_reason = reason
    request.fallback_due_at = None
    engine.settled(request)


def advance(engine: Engine, request: SimRequest) -> None:
    """routing._advance_counted: expire the due offers, then take the next step."""
    if request.status not in WAITING:
        return
    engine.expire_due_offers(request)
    now = engine.now
    if request.status == AWAITING_CHOICE:
        if request.fallback_due_at is not None and request.fallback_due_at <= now:
            auto_match(engine, request)
        return
    open_due = [o.expires_at for o in request.offers if o.status == OPEN]
    if open_due:
        engine.set_due(request, min(open_due))
        return
    if request.stage == EXCLUSIVE:
        if request.routing == PRIORITY_BROADCAST:
            auto_match(engine, request)
        else:
            ask_customer(engine, request)
        return
    if request.stage == WORKSHOP:
        if request.routing == HYBRID:
            widen(engine, request)
        else:
            expire(engine, request, "workshop_unavailable")
        return
    if request.stage == SMART:
        widen(engine, request)
        return
    expire(engine, request, "no_available_mechanic")


def widen(engine: Engine, request: SimRequest) -> None:
    if not route_broadcast(engine, request, WIDE):
        expire(engine, request, "no_available_mechanic")
