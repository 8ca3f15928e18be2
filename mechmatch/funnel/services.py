from __future__ import annotations

from typing import Any

from mechmatch.funnel.models import FunnelEvent


def event_record(
    name: str, *, user: Any = None, request_id: int | None = None, mechanic_id: int | None = None, **properties: Any
) -> FunnelEvent:
    if name not in FunnelEvent.Name.values:
        raise ValueError(f"Unknown funnel event {name!r}")
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    return FunnelEvent.objects.create(
        name=name, user_id=user_id, request_id=request_id, mechanic_id=mechanic_id, properties=properties
    )
