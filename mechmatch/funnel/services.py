from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mechmatch.experiments.selectors import active_experiments, arms_of
from mechmatch.funnel.models import FunnelEvent


def event_build(
    name: str,
    *,
    user: Any = None,
    request_id: int | None = None,
    mechanic_id: int | None = None,
    arms: dict[str, str] | None = None,
    **properties: Any,
) -> FunnelEvent:
    """An unsaved event, checked: for `event_record_many`. `arms` (the customer's experiment
    arms) is filled in when the event is recorded unless given here (non-empty)."""
    if name not in FunnelEvent.Name.values:
        raise ValueError(f"Unknown funnel event {name!r}")
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    event = FunnelEvent(
        name=name, user_id=user_id, request_id=request_id, mechanic_id=mechanic_id, properties=properties
    )
    if arms:
        event.arms = dict(arms)
    return event


def _arms_fill(events: list[FunnelEvent]) -> None:
    """Stamps each event with its customer's arms at this moment (one query for the lot)."""
    pending = [e for e in events if not e.arms and e.user_id is not None]
    if not pending:
        return
    experiments = active_experiments()
    if not experiments:
        return
    for event in pending:
        event.arms = arms_of(event.user_id, experiments)


def event_record(
    name: str,
    *,
    user: Any = None,
    request_id: int | None = None,
    mechanic_id: int | None = None,
    arms: dict[str, str] | None = None,
    **properties: Any,
) -> FunnelEvent:
    event = event_build(name, user=user, request_id=request_id, mechanic_id=mechanic_id, arms=arms, **properties)
    _arms_fill([event])
    event.save()
    return event


def event_record_many(events: Iterable[FunnelEvent]) -> None:
    """Record events made with `event_build` in one insert (the dispatcher's batches)."""
    batch = list(events)
    _arms_fill(batch)
    FunnelEvent.objects.bulk_create(batch)
