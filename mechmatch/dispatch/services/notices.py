"""Which dispatch changes notify whom: each helper here enqueues through the outbox in the
transaction of the change, so a rolled-back change notifies nobody. The dedupe keys name
the event, so a retried or repeated step never writes a second notification for it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.mechanics.models import Mechanic
from mechmatch.notifications.models import Kind
from mechmatch.notifications.services import notification_enqueue

_CONCERN_CHARS = 140


def _request_context(request: SessionRequest) -> dict[str, Any]:
    concern = request.concern if len(request.concern) <= _CONCERN_CHARS else request.concern[: _CONCERN_CHARS - 1] + "…"
    return {
        "customer_first_name": request.customer.first_name or "A customer",
        "vehicle": f"{request.vehicle_year} {request.vehicle_make} {request.vehicle_model}",
        "concern": concern,
        "request_id": request.pk,
    }


def _mechanic_name(mechanic_id: int | None) -> str:
    mechanic = Mechanic.objects.select_related("user").filter(pk=mechanic_id).first() if mechanic_id else None
    return mechanic.first_name if mechanic is not None else "Your mechanic"


def notice_exclusive_offer(offer: Offer, request: SessionRequest, now: datetime, *, favourite: bool) -> None:
    mechanic = Mechanic.objects.select_related("user").get(pk=offer.mechanic_id)
    kind = Kind.FAVOURITE_REQUEST if favourite else Kind.EXCLUSIVE_OFFER
    notification_enqueue(
        user=mechanic.user,
        kind=kind,
        context={
            **_request_context(request),
            "minutes_left": max(1, round((offer.expires_at - now).total_seconds() / 60)),
            "offer_id": offer.pk,
            "path": reverse("dispatch:offers") + f"#offer-{offer.pk}",
        },
        dedupe_key=f"{kind}:offer:{offer.pk}",
    )


def notice_window_extended(offer: Offer, request: SessionRequest, now: datetime) -> None:
    mechanic = Mechanic.objects.select_related("user").get(pk=offer.mechanic_id)
    notification_enqueue(
        user=mechanic.user,
        kind=Kind.WINDOW_EXTENDED,
        context={
            **_request_context(request),
            "minutes_left": max(1, round((offer.expires_at - now).total_seconds() / 60)),
            "offer_id": offer.pk,
            "path": reverse("dispatch:offers") + f"#offer-{offer.pk}",
        },
        dedupe_key=f"{Kind.WINDOW_EXTENDED}:offer:{offer.pk}:{offer.extended_count}",
    )


def notice_customer(request: SessionRequest, announced: str, extra: dict[str, Any]) -> None:
    """The customer's notification for a waiting-room announcement, if it is one that matters
    off the page: accepted, awaiting their choice, sent to other mechanics."""
    waiting_room = reverse("journey:request", args=[request.pk])
    if announced == "matched" and extra.get("consultationId"):
        notification_enqueue(
            user=request.customer,
            kind=Kind.ACCEPTED,
            context={
                **_request_context(request),
                "mechanic_name": _mechanic_name(request.assigned_mechanic_id),
                "path": reverse("journey:session", args=[extra["consultationId"]]),
            },
            dedupe_key=f"{Kind.ACCEPTED}:request:{request.pk}",
        )
    elif announced == SessionRequest.Status.AWAITING_CHOICE:
        notification_enqueue(
            user=request.customer,
            kind=Kind.AWAITING_CHOICE,
            context={
                **_request_context(request),
                "mechanic_name": _mechanic_name(request.selected_mechanic_id),
                "path": waiting_room,
            },
            dedupe_key=f"{Kind.AWAITING_CHOICE}:request:{request.pk}:v{request.version}",
        )
    elif announced == SessionRequest.Status.BROADCASTING:
        notification_enqueue(
            user=request.customer,
            kind=Kind.BROADCAST,
            context={**_request_context(request), "path": waiting_room},
            dedupe_key=f"{Kind.BROADCAST}:request:{request.pk}:{request.stage}",
        )
