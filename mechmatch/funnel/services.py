from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mechmatch.funnel.models import FunnelEvent


def event_build(
    name: str, *, user: Any = None, request_id: int | None = None, mechanic_id: int | None = None, **properties: Any
) -> FunnelEvent:
    """An unsaved event, checked: for `event_record_many`."""
    if name not in FunnelEvent.Name.values:
        raise ValueError(f"Unknown funnel event {name!r}")
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    return FunnelEvent(
        name=name, user_id=user_id, request_id=request_id, mechanic_id=mechanic_id, properties=properties
    )


def event_record(
    name: str, *, user: Any = None, request_id: int | None = None, mechanic_id: int | None = None, **properties: Any
) -> FunnelEvent:
    event = event_build(name, user=user, request_id=request_id, mechanic_id=mechanic_id, **properties)
    event.save()
    return event


def event_record_many(events: Iterable[FunnelEvent]) -> None:
    """Record events made with `event_build` in one insert (the dispatcher's batches)."""
    FunnelEvent.objects.bulk_create(list(events))
