"""Matching quality: how customers chose, how often a request fell back to a broadcast, and
the score of the mechanic who finally took the session."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from mechmatch.dispatch.models import Offer
from mechmatch.funnel.kpis.base import Distribution, Period, distribution, events_in
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.selectors import MatchingQuality, matching_quality

SCORE_EDGES = (0, 40, 80, 120, 160, 200)


@dataclass(frozen=True)
class MatchingKpis:
    quality: MatchingQuality
    # The alternatives split by where the customer found them: the preview's other
    # matches, or the directory ("browse"). Both are recorded as mechanic_chosen with
    # properties.source telling them apart.
    other_match: int
    browse_pick: int
    chosen_score: Distribution


def matching_kpis(period: Period, event_filter: Q | None = None) -> MatchingKpis:
    events = events_in(period, event_filter)
    alternatives = events.filter(name=FunnelEvent.Name.MECHANIC_CHOSEN)
    browse_pick = alternatives.filter(properties__source="browse").count()
    accepted = events.filter(name=FunnelEvent.Name.OFFER_ACCEPTED, request_id__isnull=False)
    pairs = set(accepted.values_list("request_id", "mechanic_id"))
    scores = [
        float(score or 0)
        for request_id, mechanic_id, score in Offer.objects.filter(
            request_id__in={r for r, _ in pairs}, status=Offer.Status.ACCEPTED, score__isnull=False
        ).values_list("request_id", "mechanic_id", "score")
        if (request_id, mechanic_id) in pairs
    ]
    return MatchingKpis(
        quality=matching_quality(period, event_filter),
        other_match=alternatives.count() - browse_pick,
        browse_pick=browse_pick,
        chosen_score=distribution(scores, SCORE_EDGES),
    )
