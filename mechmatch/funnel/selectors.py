"""KPI reads over funnel events. Every selector takes a period and an optional filter on the
events (a Q), so a later per-experiment-arm split is one more argument, not a new selector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from mechmatch.core.percentiles import share
from mechmatch.funnel.kpis.targets import TARGETS
from mechmatch.funnel.models import FunnelEvent

# The plan's SUCCESS METRICS targets for matching quality (fractions of choices); their home is kpis.targets.
MATCHING_TARGETS = {key: TARGETS[key].value for key in ("top_match", "alternative", "favourite", "fallback_broadcast")}


@dataclass(frozen=True)
class Period:
    """Half-open [start, end)."""

    start: datetime
    end: datetime

    def previous(self) -> Period:
        return Period(self.start - (self.end - self.start), self.start)


@dataclass(frozen=True)
class MatchingQuality:
    choices: int
    top_match: float | None
    alternative: float | None
    favourite: float | None
    requests: int
    fallback_broadcast: float | None


def events_in(period: Period, event_filter: Q | None = None) -> QuerySet[FunnelEvent]:
    events = FunnelEvent.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    return events.filter(event_filter) if event_filter is not None else events


def matching_quality(period: Period, event_filter: Q | None = None) -> MatchingQuality:
    """How customers chose: shares of top match / another match (journey records it as
    mechanic_chosen) / favourite (favourite_chosen or rebook: a mechanic from their history)
    among those choices, and the share of created requests that fell back to a broadcast."""
    Name = FunnelEvent.Name
    counts = dict(
        events_in(period, event_filter)
        .filter(
            name__in=[
                Name.TOP_MATCH_ACCEPTED,
                Name.MECHANIC_CHOSEN,
                Name.FAVOURITE_CHOSEN,
                Name.REBOOK,
                Name.REQUEST_CREATED,
                Name.FALLBACK_BROADCAST,
            ]
        )
        .values_list("name")
        .annotate(n=Count("id"))
        .values_list("name", "n")
    )
    top = counts.get(Name.TOP_MATCH_ACCEPTED, 0)
    alternative = counts.get(Name.MECHANIC_CHOSEN, 0)
    favourite = counts.get(Name.FAVOURITE_CHOSEN, 0) + counts.get(Name.REBOOK, 0)
    choices = top + alternative + favourite
    requests = counts.get(Name.REQUEST_CREATED, 0)
    return MatchingQuality(
        choices=choices,
        top_match=share(top, choices),
        alternative=share(alternative, choices),
        favourite=share(favourite, choices),
        requests=requests,
        fallback_broadcast=share(counts.get(Name.FALLBACK_BROADCAST, 0), requests),
    )
