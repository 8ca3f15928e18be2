"""What every KPI module shares: the period, the events in it, and how a filter on events
(an experiment arm) narrows the other tables: to the people or requests those events name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from mechmatch.core.percentiles import histogram, nearest_rank
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.selectors import Period, events_in

__all__ = ["Distribution", "Period", "distribution", "events_in", "filtered_users", "filtered_requests"]


def filtered_users(event_filter: Q | None) -> QuerySet[FunnelEvent, Any] | None:
    """User ids of the events the filter keeps (a subquery), or None for everyone."""
    if event_filter is None:
        return None
    return FunnelEvent.objects.filter(event_filter, user__isnull=False).values("user_id")


def filtered_requests(event_filter: Q | None) -> QuerySet[FunnelEvent, Any] | None:
    """Session request ids of the events the filter keeps (a subquery), or None for all."""
    if event_filter is None:
        return None
    return FunnelEvent.objects.filter(event_filter, request_id__isnull=False).values("request_id")


@dataclass(frozen=True)
class Distribution:
    """A sample summarised: count, mean, nearest-rank percentiles and a histogram
    (bins[i] counts values in [edges[i], edges[i+1]); the last bin is open-ended)."""

    count: int
    mean: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    p95: float | None
    edges: tuple[float, ...]
    bins: tuple[int, ...]
    values: tuple[float, ...] = ()  # the sample, sorted (for confidence intervals)


def distribution(values: Sequence[float], edges: Sequence[float]) -> Distribution:
    ordered = sorted(values)
    return Distribution(
        count=len(ordered),
        mean=sum(ordered) / len(ordered) if ordered else None,
        p10=nearest_rank(ordered, 10),
        p50=nearest_rank(ordered, 50),
        p90=nearest_rank(ordered, 90),
        p95=nearest_rank(ordered, 95),
        edges=tuple(edges),
        bins=tuple(histogram(ordered, edges)),
        values=tuple(ordered),
    )
