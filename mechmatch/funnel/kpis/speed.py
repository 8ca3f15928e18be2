"""Speed: intake to session start, the preview's server compute time, and the preview page's
load time as the customer's browser measured it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from mechmatch.dispatch.models import Consultation
from mechmatch.funnel.kpis.base import Distribution, Period, distribution, events_in, filtered_users
from mechmatch.funnel.models import FunnelEvent, PageLoad
from mechmatch.journey.models import Intake

START_EDGES = (0, 60, 120, 180, 300, 600)  # seconds
COMPUTE_EDGES = (0, 50, 100, 250, 500, 1000)  # milliseconds
LOAD_EDGES = (0, 500, 1000, 2000, 4000, 8000)  # milliseconds


@dataclass(frozen=True)
class SpeedKpis:
    intake_to_start: Distribution  # seconds, sessions started in the period
    preview_compute: Distribution  # ms, previews shown in the period
    preview_load: Distribution  # ms, preview pages loaded in the period


def speed_kpis(period: Period, event_filter: Q | None = None) -> SpeedKpis:
    events = events_in(period, event_filter)
    started = events.filter(name=FunnelEvent.Name.SESSION_STARTED, request_id__isnull=False)
    request_ids = set(started.values_list("request_id", flat=True))
    starts = dict(Consultation.objects.filter(request_id__in=request_ids).values_list("request_id", "started_at"))
    intakes = dict(
        Intake.objects.filter(session_request_id__in=request_ids).values_list("session_request_id", "created_at")
    )
    waits = [(starts[r] - intakes[r]).total_seconds() for r in request_ids if r in starts and r in intakes]

    computes = [
        float(ms)
        for ms in events.filter(name=FunnelEvent.Name.PREVIEW_SHOWN).values_list("properties__compute_ms", flat=True)
        if isinstance(ms, int | float)
    ]

    loads = PageLoad.objects.filter(page=PageLoad.Page.PREVIEW, created_at__gte=period.start, created_at__lt=period.end)
    users = filtered_users(event_filter)
    if users is not None:
        loads = loads.filter(user_id__in=users)
    load_ms = [float(ms) for ms in loads.values_list("duration_ms", flat=True)]
    return SpeedKpis(
        intake_to_start=distribution(waits, START_EDGES),
        preview_compute=distribution(computes, COMPUTE_EDGES),
        preview_load=distribution(load_ms, LOAD_EDGES),
    )
