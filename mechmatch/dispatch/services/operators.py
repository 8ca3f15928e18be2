"""Operators steering a live request from the console (the Django admin): cancel it, give
its mechanics longer to answer, or hand it to a chosen mechanic. Each takes the request's
lock, moves it with a versioned transition and so lands in the request's history
(RequestEvent) with the operator as its actor. Refunds are journey.booking's
(`session_request_cancel_by_operator`), which calls `request_cancel_by_operator` here."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.selectors import mechanic_available_qs
from mechmatch.dispatch.services.common import (
    DispatchError,
    Forbidden,
    Routing,
    Status,
    _announce,
    _lock_request,
    _Stale,
    _tell_mechanic,
    _transition,
)
from mechmatch.dispatch.services.offers import _withdraw_open_offers
from mechmatch.dispatch.services.routing import _route_exclusive

MAX_EXTEND_SECONDS = 3600
CANCELLABLE = (*SessionRequest.WAITING_STATUSES, Status.SCHEDULED, Status.EXPIRED)


def _require_operator(user: User | None) -> User:
    if user is None or not user.is_authenticated or not user.is_staff:
        raise Forbidden("Only operators may do this.")
    return user


def request_cancel_by_operator(
    *, operator: User, request_id: int, reason: str = "", now: datetime | None = None
) -> SessionRequest:
    """Cancels a request nobody has joined yet, as its customer could."""
    _require_operator(operator)
    now = now or timezone.now()
    with events.atomic_with_events():
        request = _lock_request(request_id)
        if request.status == Status.CANCELLED:
            return request
        if request.status not in CANCELLABLE:
            raise DispatchError(_("A mechanic has already joined; end the session instead."))
        _withdraw_open_offers(request, reason="cancelled")
        _transition(
            request,
            kind="operator_cancelled",
            to_status=Status.CANCELLED,
            fallback_due_at=None,
            actor=operator,
            data={"reason": reason[:200]},
        )
        _announce(request, "cancelled", now)
    return request


def request_extend_by_operator(
    *, operator: User, request_id: int, seconds: int, now: datetime | None = None
) -> SessionRequest:
    """Gives the request's open offers (and its timer) `seconds` more from now; a request
    waiting for the customer's choice gets that long before it is matched automatically."""
    _require_operator(operator)
    if not 0 < seconds <= MAX_EXTEND_SECONDS:
        raise ValidationError({"seconds": _("Extend by 1 to %(n)s seconds.") % {"n": MAX_EXTEND_SECONDS}})
    now = now or timezone.now()
    until = now + timedelta(seconds=seconds)
    with events.atomic_with_events():
        request = _lock_request(request_id)
        if request.status not in SessionRequest.WAITING_STATUSES:
            raise DispatchError(_("Only a request still waiting for a mechanic can be extended."))
        offers = list(Offer.objects.filter(request=request, status=Offer.Status.OPEN, expires_at__lt=until))
        Offer.objects.filter(pk__in=[o.pk for o in offers], status=Offer.Status.OPEN).update(expires_at=until)
        for offer in offers:
            offer.expires_at = until
            _tell_mechanic(offer, "offer_extended", expiresAt=until.isoformat())
        due = request.fallback_due_at
        _transition(
            request,
            kind="operator_extended",
            fallback_due_at=until if due is None or due < until else due,
            actor=operator,
            data={"seconds": seconds, "until": until.isoformat(), "offerIds": [o.pk for o in offers]},
        )
        _announce(request, request.status, now)
    return request


def request_reassign_by_operator(
    *, operator: User, request_id: int, mechanic_id: int, now: datetime | None = None
) -> SessionRequest:
    """Withdraws the request's open offers and gives the chosen mechanic an exclusive
    window, as if the customer had picked them; the usual fallbacks follow if they lapse."""
    _require_operator(operator)
    now = now or timezone.now()
    mechanic = mechanic_available_qs().filter(pk=mechanic_id).first()
    if mechanic is None:
        raise ValidationError({"mechanic_id": _("That mechanic is not available right now.")})
    try:
        with events.atomic_with_events():
            request = _lock_request(request_id)
            if request.status not in (*SessionRequest.WAITING_STATUSES, Status.EXPIRED):
                raise DispatchError(_("Only a request still waiting for a mechanic can be reassigned."))
            if Offer.objects.filter(request=request, mechanic=mechanic).exists():
                raise ValidationError({"mechanic_id": _("That mechanic has already had this request.")})
            _withdraw_open_offers(request, reason="reassigned")
            request.routing_type = Routing.SELECTED
            SessionRequest.objects.filter(pk=request.pk).update(routing_type=Routing.SELECTED)
            _route_exclusive(request, mechanic, now, kind="operator_reassigned", actor=operator)
            _announce(request, request.status, now)
    except IntegrityError as exc:
        raise DispatchError(_("The customer already has another active request for this vehicle.")) from exc
    except _Stale as exc:
        raise DispatchError(_("The request changed meanwhile; try again.")) from exc
    return request
