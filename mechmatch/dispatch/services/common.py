"""Errors the services raise and the helpers every step shares: the request lock, the
versioned transition, and the messages to the waiting room and the mechanic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Case, ExpressionWrapper, F, Field, FloatField, PositiveIntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from mechmatch.accounts.models import User
from mechmatch.core.geo import haversine_km
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.selectors import request_waiting_snapshot
from mechmatch.dispatch.services.notices import customer_notice_draft, notice_customer
from mechmatch.mechanics.models import Mechanic
from mechmatch.notifications.services import NotificationDraft

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
    _transitions_apply([_Change(request, kind, to_status=to_status, actor=actor, data=data or {}, fields=fields)])


@dataclass
class _Change:
    """One request's transition, for `_transitions_apply`."""

    request: SessionRequest
    kind: str | None
    to_status: str | None = None
    actor: User | None = None
    data: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {**self.fields, "status": self.to_status} if self.to_status is not None else dict(self.fields)


def _transitions_apply(changes: list[_Change]) -> None:
    """Apply many transitions with one conditional UPDATE per set of changed columns and
    version read (each row matched on its id and that version), then one insert for their
    events. Raises _Stale, changing nothing the caller keeps, if any row moved on meanwhile."""
    groups: dict[tuple[tuple[str, ...], int], list[_Change]] = {}
    for change in changes:
        groups.setdefault((tuple(sorted(change.values())), change.request.version), []).append(change)
    updated_at = timezone.now()
    for (names, version), group in groups.items():
        updated = SessionRequest.objects.filter(pk__in=[c.request.pk for c in group], version=version).update(
            version=F("version") + 1,
            updated_at=updated_at,
            **{name: _per_row_value(name, [(c.request.pk, c.values()[name]) for c in group]) for name in names},
        )
        if updated != len(group):
            raise _Stale(group[0].request.pk)
    recorded = []
    for change in changes:
        request, from_status = change.request, change.request.status
        request.version += 1
        for key, value in change.values().items():
            setattr(request, key, value)
        if change.kind:
            actor = change.actor if change.actor is not None and change.actor.is_authenticated else None
            recorded.append(
                RequestEvent(
                    request=request,
                    kind=change.kind,
                    from_status=from_status,
                    to_status=request.status,
                    actor=actor,
                    data=change.data,
                )
            )
    RequestEvent.objects.bulk_create(recorded)


def _per_row_value(name: str, rows: list[tuple[int, Any]]) -> Any:
    """A column's new value: the value itself when every row gets the same, else a CASE on id."""
    first = rows[0][1]
    if all(value == first for _, value in rows):
        return first
    output = SessionRequest._meta.get_field(name)
    assert isinstance(output, Field)
    return Case(*(When(pk=pk, then=Value(value, output_field=output)) for pk, value in rows), output_field=output)


def _announce(
    request: SessionRequest,
    kind: str,
    now: datetime,
    *,
    loaded_offers: list[Offer] | None = None,
    notices: list[NotificationDraft] | None = None,
    **extra: Any,
) -> None:
    """Tell the customer's waiting room; the payload is the whole current snapshot, so a
    client that missed an event is still right after the next one. `loaded_offers`: the
    request's offers with their mechanics, when the caller has just read them. `notices`:
    collect the customer's notification there for one write of many, instead of writing it."""
    payload = request_waiting_snapshot(request, now, offers=loaded_offers)
    payload.update(extra)
    events.publish(events.request_channel(request.pk), kind, payload)
    if notices is None:
        notice_customer(request, kind, extra)
    elif (draft := customer_notice_draft(request, kind, extra, loaded_offers)) is not None:
        notices.append(draft)


def _tell_mechanic(offer: Offer, kind: str, **extra: Any) -> None:
    payload = {"offerId": offer.pk, "requestId": offer.request_id, "status": offer.status}
    payload.update(extra)
    events.publish(events.mechanic_channel(offer.mechanic_id), kind, payload)


def _fold_response_time(mechanic_id: int, seconds: float) -> None:
    _fold_response_times({mechanic_id: [seconds]})


def _fold_response_times(samples: dict[int, list[float]]) -> None:
    """Running means, computed by the database so concurrent updates do not lose samples:
    each mechanic's k new samples with sum S give (mean * n + S) / (n + k). One UPDATE
    (one statement, so two dispatchers lock the rows in the same order), with a CASE arm
    per distinct (S, k): lapses of same-length windows share one."""
    groups: dict[tuple[float, int], list[int]] = {}
    for mechanic_id, found in samples.items():
        if found:
            groups.setdefault((sum(found), len(found)), []).append(mechanic_id)
    if not groups:
        return
    means, counts = [], []
    for (total, k), mechanic_ids in sorted(groups.items()):
        mean = (Coalesce(F("avg_response_seconds"), Value(total / k)) * F("response_sample_count") + Value(total)) / (
            F("response_sample_count") + Value(float(k))
        )
        means.append(When(pk__in=mechanic_ids, then=ExpressionWrapper(mean, output_field=FloatField())))
        counts.append(When(pk__in=mechanic_ids, then=F("response_sample_count") + k))
    Mechanic.objects.filter(pk__in=sorted(m for ids in groups.values() for m in ids)).update(
        avg_response_seconds=Case(*means, output_field=FloatField()),
        response_sample_count=Case(*counts, output_field=PositiveIntegerField()),
    )


def _customer_ref(request: SessionRequest) -> User:
    """The request's customer for funnel events without loading the row (only the id is used)."""
    return User(pk=request.customer_id)


def _distance(request: SessionRequest, mechanic: Mechanic) -> float | None:
    lat, lon, mechanic_lat, mechanic_lon = request.latitude, request.longitude, mechanic.latitude, mechanic.longitude
    if lat is None or lon is None or mechanic_lat is None or mechanic_lon is None:
        return None
    return round(haversine_km(lat, lon, mechanic_lat, mechanic_lon), 1)
