"""Builders for a known history, back-dated, for the KPI tests and the dashboard's browser
test: rows are written directly (as the services would have), then their automatic
timestamps are moved to when the story says they happened."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Model

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import Consultation, Offer, SessionRequest
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_record
from mechmatch.journey.models import Intake
from mechmatch.mechanics.models import Mechanic

_keys = itertools.count(1)


def _move(obj: Model, **times: datetime) -> None:
    type(obj)._default_manager.filter(pk=obj.pk).update(**times)
    for field, value in times.items():
        setattr(obj, field, value)


def make_event_at(name: str, when: datetime, **kwargs: Any) -> FunnelEvent:
    event = event_record(name, **kwargs)
    _move(event, created_at=when)
    return event


def make_request_at(
    customer: User,
    when: datetime,
    *,
    country: str = "CA",
    postal_code: str = "M5V 2T6",
    candidate_km: list[float] | None = None,
    status: str = SessionRequest.Status.COMPLETED,
) -> SessionRequest:
    """A request created at `when`, routed on candidates at these distances (km)."""
    request = SessionRequest.objects.create(
        customer=customer,
        vehicle_year=2018,
        vehicle_make="Honda",
        vehicle_model="Civic",
        vehicle_key=f"kpi|{next(_keys)}",
        concern="Brakes squeal",
        country=country,
        postal_code=postal_code,
        status=status,
        match_scores={"candidates": [{"mechanicId": 0, "distanceKm": km} for km in (candidate_km or [])]},
    )
    _move(request, created_at=when)
    return request


def make_offer(
    request: SessionRequest,
    mechanic: Mechanic,
    *,
    status: str,
    offered_at: datetime,
    response_seconds: float | None = None,
    decline_reason: str = "",
    score: float | None = None,
) -> Offer:
    return Offer.objects.create(
        request=request,
        mechanic=mechanic,
        kind=Offer.Kind.BROADCAST,
        status=status,
        score=score,
        offered_at=offered_at,
        expires_at=offered_at + timedelta(minutes=2),
        response_seconds=response_seconds,
        responded_at=offered_at + timedelta(seconds=response_seconds) if response_seconds is not None else None,
        decline_reason=decline_reason,
    )


def make_consultation(
    request: SessionRequest, mechanic: Mechanic, *, started_at: datetime, ended_at: datetime | None = None
) -> Consultation:
    SessionRequest.objects.filter(pk=request.pk).update(matched_at=started_at)
    request.matched_at = started_at
    return Consultation.objects.create(
        request=request,
        mechanic=mechanic,
        customer=request.customer,
        status=Consultation.Status.ENDED if ended_at else Consultation.Status.ACTIVE,
        started_at=started_at,
        ended_at=ended_at,
    )


def make_intake_at(
    user: User, when: datetime, *, session_request: SessionRequest | None = None, plan_code: str = "standard"
) -> Intake:
    intake = Intake.objects.create(
        user=user,
        status=Intake.Status.SUBMITTED if session_request else Intake.Status.READY,
        year="2018",
        make="Honda",
        model="Civic",
        concern="Brakes squeal",
        postal_code="M5V 2T6",
        plan_code=plan_code,
        session_request=session_request,
    )
    _move(intake, created_at=when)
    return intake
