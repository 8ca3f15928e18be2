"""The first experiment, `preview_and_choose`: the plan's own question.

- treatment (and everyone not enrolled): today's flow, preview the matches and choose;
- control: the source platform's flow, pay first, then an unnamed smart broadcast to the
  top matches (no preview, no pick, no favourite-first, no workshop).

`session_request_routing` is the one rule; `journey.booking.session_request_start` applies it,
so the pages and `POST /api/session-requests` behave the same. The pages also skip the
preview for control customers (`pays_first`) so they never see what they cannot choose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mechmatch.core.experiments import CONTROL
from mechmatch.experiments.selectors import PREVIEW_AND_CHOOSE
from mechmatch.experiments.services import exposure_record

CONTROL_ROUTING = "smart_broadcast"


def pays_first(customer: Any) -> bool:
    """Whether the customer is in the control arm (records their first exposure)."""
    return exposure_record(experiment_name=PREVIEW_AND_CHOOSE, customer=customer) == CONTROL


@dataclass(frozen=True, slots=True)
class Routing:
    routing_type: str
    selected_mechanic_id: int | None
    workshop_id: int | None
    arm: str | None


def session_request_routing(
    *, customer: Any, routing_type: str, selected_mechanic_id: int | None = None, workshop_id: int | None = None
) -> Routing:
    """How a new request of this customer is routed: as asked, except in the control arm."""
    arm = exposure_record(experiment_name=PREVIEW_AND_CHOOSE, customer=customer)
    if arm == CONTROL:
        return Routing(CONTROL_ROUTING, None, None, arm)
    return Routing(routing_type, selected_mechanic_id, workshop_id, arm)
