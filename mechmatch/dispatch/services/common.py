"""Errors the services raise and the helpers every step shares: the request lock, the
versioned transition, and the messages to the waiting room and the mechanic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.core.geo import haversine_km
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.selectors import request_waiting_snapshot
from mechmatch.mechanics.models import Mechanic

Status = SessionRequest.Status
Stage = SessionRequest.Stage
Routing = SessionRequest.RoutingType


class DispatchError(Exception):
    """A request the caller may not make in the current state (the API answers 409; its
    statuses are mapped in mechmatch/api.py)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def messages(self) -> list[str]:
        """As ValidationError.messages, so a page shows either kind of refusal the same way."""
        return [self.message]


class NotFound(DispatchError):
    """The object does not exist or is not the caller's: the two are never told apart."""


class Forbidden(DispatchError):
    """The caller is known but may not do this at all (not merely not now)."""


class _Stale(Exception):
    """Someone else changed the request between our read and our write: drop this step."""


def _lock_request(request_id: int) -> SessionRequest:
    try:
        return SessionRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
    except SessionRequest.DoesNotExist as exc:
        raise NotFound("Session request not found.") from exc


def _transition(
    request: SessionRequest,
    *,
    kind: str | None,
    to_status: str | None = None,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> None:
    """Move the request on with a conditional update on its version; record the event."""
    from_status = request.status
    values = dict(fields)
    if to_status is not None:
        values["status"] = to_status
    updated = SessionRequest.objects.filter(pk=request.pk, version=request.version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if updated != 1:
        raise _Stale(request.pk)
    request.version += 1
    for key, value in values.items():
        setattr(request, key, value)
    if kind:
        RequestEvent.objects.create(
            request=request,
            kind=kind,
            from_status=from_status,
            to_status=request.status,
            actor=actor if actor is not None and actor.is_authenticated else None,
            data=data or {},
        )


def _announce(request: SessionRequest, kind: str, now: datetime, **extra: Any) -> None:
    """Tell the customer's waiting room; the payload is the whole current snapshot, so a
    client that missed an event is still right after the next one."""
    payload = request_waiting_snapshot(request, now)
    payload.update(extra)
    events.publish(events.request_channel(request.pk), kind, payload)


def _tell_mechanic(offer: Offer, kind: str, **extra: Any) -> None:
    payload = {"offerId": offer.pk, "requestId": offer.request_id, "status": offer.status}
    payload.update(extra)
    events.publish(events.mechanic_channel(offer.mechanic_id), kind, payload)


def _fold_response_time(mechanic_id: int, seconds: float) -> None:
    """Running mean, computed by the database so concurrent updates do not lose samples."""
    Mechanic.objects.filter(pk=mechanic_id).update(
        avg_response_seconds=ExpressionWrapper(
            (Coalesce(F("avg_response_seconds"), Value(seconds)) * F("response_sample_count") + Value(seconds))
            / (F("response_sample_count") + Value(1.0)),
            output_field=FloatField(),
        ),
        response_sample_count=F("response_sample_count") + 1,
    )


def _customer_ref(request: SessionRequest) -> User:
    """The request's customer for funnel events without loading the row (only the id is used)."""
    return User(pk=request.customer_id)


def _distance(request: SessionRequest, mechanic: Mechanic) -> float | None:
    lat, lon, mechanic_lat, mechanic_lon = request.latitude, request.longitude, mechanic.latitude, mechanic.longitude
    if lat is None or lon is None or mechanic_lat is None or mechanic_lon is None:
        return None
    return round(haversine_km(lat, lon, mechanic_lat, mechanic_lon), 1)
