"""Going on and off shift, and ending a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Consultation, Offer, RequestEvent
from mechmatch.dispatch.services.common import (
    DispatchError,
    Forbidden,
    NotFound,
    Status,
    _announce,
    _customer_ref,
    _lock_request,
    _Stale,
    _tell_mechanic,
    _transition,
)
from mechmatch.dispatch.services.routing import _advance
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_record
from mechmatch.mechanics.models import Mechanic
from mechmatch.notifications.available import waiting_contacts_notify


@dataclass(frozen=True, slots=True)
class ShiftChange:
    online: bool
    withdrawn_offers: int


def mechanic_shift_set(*, mechanic: Mechanic, online: bool, now: datetime | None = None) -> ShiftChange:
    """Go on or off shift. Going off withdraws the mechanic's open offers (each request then
    moves to its fallback at once instead of waiting for the window)."""
    now = now or timezone.now()
    mechanic.refresh_from_db(fields=["application_status", "account_status", "is_on_shift"])
    if online and not mechanic.is_eligible:
        raise Forbidden("Only approved, active mechanics can go on shift.")
    Mechanic.objects.filter(pk=mechanic.pk).update(is_on_shift=online, last_seen_at=now)
    mechanic.is_on_shift = online
    withdrawn = 0 if online else _withdraw_offers_of_mechanic(mechanic.pk, reason="off_shift", now=now)
    events.publish(events.mechanic_channel(mechanic.pk), "shift", {"online": online, "withdrawn": withdrawn})
    if online:
        waiting_contacts_notify(mechanic)
    return ShiftChange(online=online, withdrawn_offers=withdrawn)


def _withdraw_offers_of_mechanic(mechanic_id: int, *, reason: str, now: datetime) -> int:
    count = 0
    for offer_id, request_id in Offer.objects.filter(mechanic_id=mechanic_id, status=Offer.Status.OPEN).values_list(
        "pk", "request_id"
    ):
        try:
            with events.atomic_with_events():
                request = _lock_request(request_id)
                if not Offer.objects.filter(pk=offer_id, status=Offer.Status.OPEN).update(
                    status=Offer.Status.WITHDRAWN
                ):
                    continue
                offer = Offer.objects.get(pk=offer_id)
                RequestEvent.objects.create(
                    request=request,
                    kind="offer_withdrawn",
                    from_status=request.status,
                    to_status=request.status,
                    data={"offerId": offer_id, "mechanicId": mechanic_id, "reason": reason},
                )
                _tell_mechanic(offer, "offer_gone", reason=reason)
                if _advance(request, now) in ("idle", "lapsed"):
                    _announce(request, "offer_withdrawn", now)
                count += 1
        except _Stale:
            continue
    return count


def consultation_end(*, user: User, consultation_id: int, notes: str = "", now: datetime | None = None) -> Consultation:
    now = now or timezone.now()
    consultation = Consultation.objects.filter(pk=consultation_id).select_related("mechanic").first()
    if consultation is None or not (
        user.is_operator or consultation.customer_id == user.pk or consultation.mechanic.user_id == user.pk
    ):
        raise NotFound("Session not found.")
    return _consultation_close(consultation, actor=user, notes=notes, now=now)


def consultation_end_at_deadline(*, consultation_id: int, deadline: datetime, now: datetime | None = None) -> bool:
    """Ends a live session whose plan time (`deadline`, worked out by the caller from the plan
    and any paid extension) has passed, for both sides, with no one as its actor. Returns
    whether this call ended it (False: not due yet, or already ended by someone else)."""
    now = now or timezone.now()
    if now < deadline:
        return False
    consultation = Consultation.objects.filter(pk=consultation_id).select_related("mechanic").first()
    if consultation is None or consultation.status != Consultation.Status.ACTIVE:
        return False
    try:
        _consultation_close(consultation, actor=None, notes="", now=deadline)
    except DispatchError:
        return False
    return True


def _consultation_close(consultation: Consultation, *, actor: User | None, notes: str, now: datetime) -> Consultation:
    with events.atomic_with_events():
        request = _lock_request(consultation.request_id)
        ended = Consultation.objects.filter(pk=consultation.pk, status=Consultation.Status.ACTIVE).update(
            status=Consultation.Status.ENDED, ended_at=now, notes=(notes or consultation.notes)[:4000]
        )
        if ended != 1:
            raise DispatchError(_("This session has already ended."))
        Mechanic.objects.filter(pk=consultation.mechanic_id).update(completed_sessions=F("completed_sessions") + 1)
        _transition(request, kind="completed", to_status=Status.COMPLETED, actor=actor)
        event_record(
            FunnelEvent.Name.SESSION_COMPLETED,
            user=_customer_ref(request),
            request_id=request.pk,
            mechanic_id=consultation.mechanic_id,
            seconds=round((now - consultation.started_at).total_seconds()),
        )
        events.publish(
            events.mechanic_channel(consultation.mechanic_id), "session_ended", {"consultationId": consultation.pk}
        )
        _announce(request, "completed", now, consultationId=consultation.pk)
    consultation.refresh_from_db()
    return consultation
