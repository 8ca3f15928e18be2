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
from mechmatch.notifications.services import NotificationDraft, notification_enqueue

_CONCERN_CHARS = 140


def _request_context(request: SessionRequest) -> dict[str, Any]:
    concern = request.concern if len(request.concern) <= _CONCERN_CHARS else request.concern[: _CONCERN_CHARS - 1] + "…"
    return {
        "customer_first_name": request.customer.first_name or "A customer",
        "vehicle": f"{request.vehicle_year} {request.vehicle_make} {request.vehicle_model}",
        "concern": concern,
        "request_id": request.pk,
    }


def _mechanic_name(mechanic_id: int | None, offers: list[Offer] | None = None) -> str:
    if not mechanic_id:
        return "Your mechanic"
    loaded = next((o.mechanic for o in offers or [] if o.mechanic_id == mechanic_id), None)
    mechanic = loaded or Mechanic.objects.filter(pk=mechanic_id).only("display_name").first()
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
    draft = customer_notice_draft(request, announced, extra)
    if draft is not None:
        notification_enqueue(user=request.customer, kind=draft.kind, context=draft.context, dedupe_key=draft.dedupe_key)


def customer_notice_draft(
    request: SessionRequest, announced: str, extra: dict[str, Any], offers: list[Offer] | None = None
) -> NotificationDraft | None:
    """notice_customer's notification, not yet written. `offers`: the request's offers with
    their mechanics, when the caller has them (the chosen mechanic's name is read from them)."""
    waiting_room = reverse("journey:request", args=[request.pk])
    if announced == "matched" and extra.get("consultationId"):
        kind = Kind.ACCEPTED
        context = {
            **_request_context(request),
            "mechanic_name": _mechanic_name(request.assigned_mechanic_id, offers),
            "path": reverse("journey:session", args=[extra["consultationId"]]),
        }
        key = f"{Kind.ACCEPTED}:request:{request.pk}"
    elif announced == SessionRequest.Status.AWAITING_CHOICE:
        kind = Kind.AWAITING_CHOICE
        context = {
            **_request_context(request),
            "mechanic_name": _mechanic_name(request.selected_mechanic_id, offers),
            "path": waiting_room,
        }
        key = f"{Kind.AWAITING_CHOICE}:request:{request.pk}:v{request.version}"
    elif announced == SessionRequest.Status.BROADCASTING:
        kind = Kind.BROADCAST
        context = {**_request_context(request), "path": waiting_room}
        key = f"{Kind.BROADCAST}:request:{request.pk}:{request.stage}"
    else:
        return None
    return NotificationDraft(user_id=request.customer_id, kind=kind, context=context, dedupe_key=key)
