"""Writes for dispatch, one module per subject: creating and routing requests, offers and
their outcomes, the customer's fallback choices, and the dispatcher's tick.

Concurrency rules, so that any number of web and dispatcher processes agree:
- Every write that concerns a request takes that request's row lock first
  (`select_for_update` on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the
  database's single write lock). Locks are always taken request -> offers -> mechanic rows,
  so transactions never wait on each other in a cycle.
- The lock is not what guarantees correctness: every state change is a conditional UPDATE
  (`status=<expected>`, `version=<read>`, `expires_at > now`) whose affected-row count says
  whether this caller won, and the database constraints (one accepted offer per request, one
  active session per mechanic, one offer per mechanic per request, one active request per
  customer and vehicle) back them up.
- Timers are rows: `Offer.expires_at` and `SessionRequest.fallback_due_at`. The dispatcher
  expires a batch of requests' offers set-wise in one short transaction and runs each
  search for mechanics in its own, so killing it mid-run rolls back at most the
  transaction in flight, which the next run redoes.

Modules depend one way: common <- candidates <- offers <- routing <- requests, answers,
shifts, lapses, operators <- dispatcher. Callers import from this package, never from its modules.
"""

from mechmatch.dispatch.services.answers import offer_accept, offer_decline
from mechmatch.dispatch.services.common import DispatchError, Forbidden, NotFound
from mechmatch.dispatch.services.dispatcher import TRANSIENT_ERRORS, TickResult, dispatch_tick
from mechmatch.dispatch.services.operators import (
    request_cancel_by_operator,
    request_extend_by_operator,
    request_reassign_by_operator,
)
from mechmatch.dispatch.services.requests import (
    CHOICES,
    request_cancel,
    request_choose,
    request_create,
    request_vehicle_key,
)
from mechmatch.dispatch.services.shifts import (
    ShiftChange,
    consultation_end,
    consultation_end_at_deadline,
    mechanic_shift_set,
)

__all__ = [
    "CHOICES",
    "TRANSIENT_ERRORS",
    "DispatchError",
    "Forbidden",
    "NotFound",
    "ShiftChange",
    "TickResult",
    "consultation_end",
    "consultation_end_at_deadline",
    "dispatch_tick",
    "mechanic_shift_set",
    "offer_accept",
    "offer_decline",
    "request_cancel",
    "request_cancel_by_operator",
    "request_choose",
    "request_create",
    "request_extend_by_operator",
    "request_reassign_by_operator",
    "request_vehicle_key",
]
