"""The booking funnel, as PostHog draws one: of the intakes started in the period, how many
reached each step (intake -> preview -> choice -> payment -> waiver -> accepted -> started
-> completed -> rated), the conversion from the step before, and the median time it took."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from mechmatch.core.percentiles import median, share
from mechmatch.dispatch.models import Consultation
from mechmatch.funnel.kpis.base import Period, filtered_users
from mechmatch.funnel.models import FunnelEvent
from mechmatch.journey.models import Intake, Waiver
from mechmatch.payments.models import Payment

STEPS = ("intake", "preview", "choice", "payment", "waiver", "accepted", "started", "completed", "rated")
_CHOICE_EVENTS = (
    FunnelEvent.Name.TOP_MATCH_ACCEPTED,
    FunnelEvent.Name.MECHANIC_CHOSEN,
    FunnelEvent.Name.FAVOURITE_CHOSEN,
    FunnelEvent.Name.REBOOK,
)


@dataclass(frozen=True)
class Step:
    name: str
    reached: int
    conversion: float | None  # from the step before (1.0 for the first)
    overall: float | None  # from the first step
    median_seconds: float | None  # from the step before, among those who reached both


def _first(times: dict[int, datetime], key: int, when: datetime) -> None:
    if key not in times or when < times[key]:
        times[key] = when


def funnel_steps(period: Period, event_filter: Q | None = None) -> list[Step]:
    intakes = Intake.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    users = filtered_users(event_filter)
    if users is not None:
        intakes = intakes.filter(user_id__in=users)
    rows = list(intakes.values_list("pk", "created_at", "session_request_id"))
    ids = [pk for pk, _, _ in rows]
    free = set(intakes.filter(plan_code="free").values_list("pk", flat=True))
    times: dict[str, dict[int, datetime]] = {step: {} for step in STEPS}
    times["intake"] = {pk: created for pk, created, _ in rows}

    events = FunnelEvent.objects.filter(
        name__in=[FunnelEvent.Name.PREVIEW_SHOWN, *_CHOICE_EVENTS], created_at__gte=period.start
    ).filter(user_id__in=intakes.values("user_id"))
    for name, properties, created in events.values_list("name", "properties", "created_at"):
        intake_id = properties.get("intake_id") if isinstance(properties, dict) else None
        if intake_id in times["intake"]:
            _first(times["preview" if name == FunnelEvent.Name.PREVIEW_SHOWN else "choice"], intake_id, created)

    references = {f"intake:{pk}": pk for pk in ids}
    for reference, paid_at in Payment.objects.filter(reference__in=references, paid_at__isnull=False).values_list(
        "reference", "paid_at"
    ):
        if paid_at is not None:
            _first(times["payment"], references[reference], paid_at)
    for intake_id, accepted_at in Waiver.objects.filter(intake_id__in=ids).values_list("intake_id", "accepted_at"):
        _first(times["waiver"], intake_id, accepted_at)
        if intake_id in free:  # nothing to pay: the step is passed on the way to the waiver
            _first(times["payment"], intake_id, accepted_at)

    by_request = {request_id: pk for pk, _, request_id in rows if request_id}
    consultations = Consultation.objects.filter(request_id__in=by_request).select_related("request")
    by_consultation: dict[int, int] = {}
    for consultation in consultations:
        pk = by_request[consultation.request_id]
        by_consultation[consultation.pk] = pk
        if consultation.request.matched_at:
            times["accepted"][pk] = consultation.request.matched_at
        times["started"][pk] = consultation.started_at
        if consultation.ended_at:
            times["completed"][pk] = consultation.ended_at
    ratings = FunnelEvent.objects.filter(name=FunnelEvent.Name.RATING_GIVEN, request_id__in=by_request)
    for request_id, created in ratings.values_list("request_id", "created_at"):
        if request_id is not None:
            _first(times["rated"], by_request[request_id], created)

    steps: list[Step] = []
    # A step counts an intake only if it also reached every step before it.
    reached = set(times["intake"])
    for i, name in enumerate(STEPS):
        before = reached
        reached = before & set(times[name])
        gaps = [] if i == 0 else [(times[name][k] - times[STEPS[i - 1]][k]).total_seconds() for k in reached]
        steps.append(
            Step(
                name=name,
                reached=len(reached),
                conversion=share(len(reached), len(before)),
                overall=share(len(reached), len(times["intake"])),
                median_seconds=median(gaps) if gaps else None,
            )
        )
    return steps
