"""Supply: how evenly sessions spread over mechanics, how many offers a request costs them,
how offers end (lapsed, declined and why), how fast mechanics answer, and the postal areas
(FSA / ZIP3) where requests found no local mechanic."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from mechmatch.core.percentiles import gini, share
from mechmatch.core.postal import postal_area
from mechmatch.dispatch.models import Consultation, Offer, SessionRequest
from mechmatch.funnel.kpis.base import Distribution, Period, distribution, filtered_requests
from mechmatch.matching.selectors import scoring_policy
from mechmatch.mechanics.models import Mechanic

SESSION_EDGES = (0, 1, 2, 5, 10, 20)  # sessions per mechanic in the period
RESPONSE_EDGES = (0, 30, 60, 120, 300, 600)  # seconds


@dataclass(frozen=True)
class GapRow:
    country: str
    area: str
    requests: int
    without_local: int


@dataclass(frozen=True)
class SupplyKpis:
    mechanics: int  # approved mechanics
    sessions_per_mechanic: Distribution  # utilisation: sessions started in the period, per mechanic
    utilisation_gini: float | None
    requests: int  # created in the period
    offers: int  # made for those requests
    offers_per_request: float | None
    lapse_rate: float | None  # of those offers, expired unanswered
    decline_rate: float | None
    decline_reasons: list[tuple[str, int]]  # most frequent first; "" = no reason given
    response_seconds: Distribution  # accepted or declined offers, seconds to answer
    supply_gap: list[GapRow]  # areas with at least one request that found no local mechanic


def supply_kpis(period: Period, event_filter: Q | None = None) -> SupplyKpis:
    in_period = Q(created_at__gte=period.start, created_at__lt=period.end)
    requests = SessionRequest.objects.filter(in_period)
    request_filter = filtered_requests(event_filter)
    if request_filter is not None:
        requests = requests.filter(pk__in=request_filter)

    mechanic_ids = list(
        Mechanic.objects.filter(application_status=Mechanic.ApplicationStatus.APPROVED).values_list("pk", flat=True)
    )
    consultations = Consultation.objects.filter(started_at__gte=period.start, started_at__lt=period.end)
    if request_filter is not None:
        consultations = consultations.filter(request_id__in=request_filter)
    sessions = dict(consultations.values_list("mechanic_id").annotate(n=Count("id")).values_list("mechanic_id", "n"))
    per_mechanic = [float(sessions.get(m, 0)) for m in mechanic_ids]

    offers = Offer.objects.filter(request__in=requests)
    status_counts = dict(offers.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    total_offers = sum(status_counts.values())
    reasons = Counter(offers.filter(status=Offer.Status.DECLINED).values_list("decline_reason", flat=True))
    responses = [
        float(s or 0)
        for s in offers.filter(
            status__in=[Offer.Status.ACCEPTED, Offer.Status.DECLINED], response_seconds__isnull=False
        ).values_list("response_seconds", flat=True)
    ]

    radius = scoring_policy().local_radius_km
    gap: dict[tuple[str, str], list[int]] = {}
    request_count = 0
    for country, code, scores in requests.values_list("country", "postal_code", "match_scores"):
        request_count += 1
        candidates = (scores or {}).get("candidates", [])
        local = any(c.get("distanceKm") is not None and c["distanceKm"] <= radius for c in candidates)
        row = gap.setdefault((country, postal_area(code)), [0, 0])
        row[0] += 1
        row[1] += 0 if local else 1
    gap_rows = sorted(
        (GapRow(country, area, n, missing) for (country, area), (n, missing) in gap.items() if missing),
        key=lambda r: (-r.without_local, -r.requests, r.country, r.area),
    )
    return SupplyKpis(
        mechanics=len(mechanic_ids),
        sessions_per_mechanic=distribution(per_mechanic, SESSION_EDGES),
        utilisation_gini=gini(per_mechanic),
        requests=request_count,
        offers=total_offers,
        offers_per_request=share(total_offers, request_count),
        lapse_rate=share(status_counts.get(Offer.Status.EXPIRED, 0), total_offers),
        decline_rate=share(status_counts.get(Offer.Status.DECLINED, 0), total_offers),
        decline_reasons=sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
        response_seconds=distribution(responses, RESPONSE_EDGES),
        supply_gap=gap_rows,
    )
