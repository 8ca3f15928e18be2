"""The mechanic answers an offer: accept (exactly one can win) or decline."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.dispatch import events
from mechmatch.dispatch.models import Consultation, Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.services.common import (
    DispatchError,
    NotFound,
    Status,
    _announce,
    _customer_ref,
    _fold_response_time,
    _lock_request,
    _tell_mechanic,
)
from mechmatch.dispatch.services.offers import _withdraw_open_offers
from mechmatch.dispatch.services.routing import _advance
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_record
from mechmatch.mechanics.models import Mechanic

_OPEN_REQUEST_STATUSES = (Status.PENDING, Status.BROADCASTING)


def _why_not_open(offer_id: int, now: datetime) -> str:
    offer = Offer.objects.select_related("request").get(pk=offer_id)
    request = offer.request
    if offer.status == Offer.Status.ACCEPTED:
        return "You already accepted this offer."
    if offer.status == Offer.Status.SUPERSEDED or (
        request.assigned_mechanic_id is not None and request.assigned_mechanic_id != offer.mechanic_id
    ):
        return "Another mechanic already accepted this request."
    if request.status == Status.CANCELLED:
        return "The customer cancelled this request."
    if offer.status == Offer.Status.DECLINED:
        return "You declined this offer."
    if offer.status == Offer.Status.WITHDRAWN:
        return "This offer was withdrawn."
    if offer.status == Offer.Status.EXPIRED or offer.expires_at <= now:
        return "This offer expired."
    return "This request is no longer open."


def offer_accept(*, mechanic: Mechanic, offer_id: int, now: datetime | None = None) -> Consultation:
    """Accept an offer. Exactly one accept per request can win, whatever the concurrency:
    the offer flips open->accepted and the request unassigned->matched by conditional
    updates, and the database refuses a second accepted offer or a second active session."""
    now = now or timezone.now()
    offer = Offer.objects.filter(pk=offer_id, mechanic=mechanic).only("pk", "request_id", "offered_at").first()
    if offer is None:
        raise NotFound("Offer not found.")
    mechanic.refresh_from_db(fields=["application_status", "account_status"])
    if not mechanic.is_eligible:
        raise DispatchError(_("Your account cannot accept offers right now."))
    if Consultation.objects.filter(mechanic=mechanic, status=Consultation.Status.ACTIVE).exists():
        raise DispatchError(_("You already have an active session."))
    response_seconds = max(0.0, (now - offer.offered_at).total_seconds())
    try:
        with events.atomic_with_events():
            request = _lock_request(offer.request_id)
            won = Offer.objects.filter(
                pk=offer.pk,
                mechanic=mechanic,
                status=Offer.Status.OPEN,
                expires_at__gt=now,
                request__status__in=_OPEN_REQUEST_STATUSES,
            ).update(status=Offer.Status.ACCEPTED, responded_at=now, response_seconds=response_seconds)
            if won != 1:
                raise DispatchError(_why_not_open(offer.pk, now))
            claimed = SessionRequest.objects.filter(
                pk=request.pk, assigned_mechanic__isnull=True, status__in=_OPEN_REQUEST_STATUSES
            ).update(
                status=Status.MATCHED,
                assigned_mechanic=mechanic,
                matched_at=now,
                fallback_due_at=None,
                version=F("version") + 1,
                updated_at=now,
            )
            if claimed != 1:
                raise DispatchError(_("Another mechanic already accepted this request."))
            from_status = request.status
            request.refresh_from_db()
            # Inserted before touching the mechanic row: a concurrent accept by the same
            # mechanic then fails on the constraint instead of waiting on us in a cycle.
            consultation = Consultation.objects.create(
                request=request, mechanic=mechanic, customer=request.customer, started_at=now
            )
            superseded = _withdraw_open_offers(request, reason="taken", exclude_pk=offer.pk)
            Mechanic.objects.filter(pk=mechanic.pk).update(offers_accepted=F("offers_accepted") + 1)
            _fold_response_time(mechanic.pk, response_seconds)
            RequestEvent.objects.create(
                request=request,
                kind="accepted",
                from_status=from_status,
                to_status=Status.MATCHED,
                actor=mechanic.user,
                data={
                    "offerId": offer.pk,
                    "mechanicId": mechanic.pk,
                    "responseSeconds": round(response_seconds, 1),
                    "superseded": len(superseded),
                },
            )
            event_record(
                FunnelEvent.Name.OFFER_ACCEPTED,
                user=_customer_ref(request),
                request_id=request.pk,
                mechanic_id=mechanic.pk,
                response_seconds=round(response_seconds, 1),
                routing_type=request.routing_type,
            )
            event_record(
                FunnelEvent.Name.SESSION_STARTED,
                user=_customer_ref(request),
                request_id=request.pk,
                mechanic_id=mechanic.pk,
                consultation_id=consultation.pk,
            )
            accepted = Offer.objects.get(pk=offer.pk)
            _tell_mechanic(accepted, "offer_accepted", consultationId=consultation.pk)
            _announce(request, "matched", now, consultationId=consultation.pk)
    except IntegrityError as exc:
        text = str(exc)
        if "consultation_one_active" in text or ("consultation" in text and "mechanic_id" in text):
            raise DispatchError(_("You already have an active session.")) from exc
        raise DispatchError(_("Another mechanic already accepted this request.")) from exc
    return consultation


def offer_decline(*, mechanic: Mechanic, offer_id: int, reason: str = "", now: datetime | None = None) -> Offer:
    """Decline with an optional reason. A reasoned decline is a considered answer, not
    slowness, so only an unexplained decline feeds the response-time average."""
    now = now or timezone.now()
    reason = reason or ""
    if reason not in Offer.DeclineReason.values:
        raise ValidationError({"reason": _("Choose not_my_brand, busy, too_far or other.")})
    offer = Offer.objects.filter(pk=offer_id, mechanic=mechanic).only("pk", "request_id", "offered_at").first()
    if offer is None:
        raise NotFound("Offer not found.")
    response_seconds = max(0.0, (now - offer.offered_at).total_seconds())
    with events.atomic_with_events():
        request = _lock_request(offer.request_id)
        done = Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN, expires_at__gt=now).update(
            status=Offer.Status.DECLINED, responded_at=now, response_seconds=response_seconds, decline_reason=reason
        )
        if done != 1:
            raise DispatchError(_why_not_open(offer.pk, now))
        Mechanic.objects.filter(pk=mechanic.pk).update(offers_declined=F("offers_declined") + 1)
        if not reason:
            _fold_response_time(mechanic.pk, response_seconds)
        RequestEvent.objects.create(
            request=request,
            kind="offer_declined",
            from_status=request.status,
            to_status=request.status,
            actor=mechanic.user,
            data={"offerId": offer.pk, "mechanicId": mechanic.pk, "reason": reason},
        )
        declined = Offer.objects.get(pk=offer.pk)
        _tell_mechanic(declined, "offer_gone", reason="declined")
        outcome = _advance(request, now)
        if outcome in ("idle", "lapsed"):
            _announce(request, "offer_declined", now)
    return declined
