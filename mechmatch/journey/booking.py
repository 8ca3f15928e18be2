"""The one rule for starting a session, wherever it starts (the pages' waiver step and
`POST /api/session-requests` both call `session_request_start`; nothing else at the edges
calls dispatch's `request_create`):

- the plan is one of payments.plans (`plan_code` otherwise);
- a paid plan needs a paid payment of this customer, for this plan at its price, for this
  intake when there is one, not yet used by another request (`payment_id` otherwise);
- the customer accepted the waiver at the current version (`waiver` otherwise);
- a customer in the control arm of `preview_and_choose` is routed as the source platform
  did, whatever was asked (experiments.flows.session_request_routing).

A payment is claimed with a conditional UPDATE before the request is created, so two
concurrent requests can never share one payment; a refused creation releases the claim.

Cancelling goes through `session_request_cancel` from the pages and the API alike, so a paid
request nobody accepted is refunded whichever way it is cancelled."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import RequestEvent, SessionRequest
from mechmatch.dispatch.services import (
    request_cancel,
    request_cancel_by_operator,
    request_create,
    request_vehicle_key,
)
from mechmatch.experiments.flows import session_request_routing
from mechmatch.journey.models import Intake, Waiver
from mechmatch.payments.models import Payment, Refund
from mechmatch.payments.plans import Plan, plan_get, plan_price_cents
from mechmatch.payments.selectors import payment_latest
from mechmatch.payments.services import payment_refund


def waiver_accept(*, user: User, version: str, intake: Intake | None = None, ip_address: str | None = None) -> Waiver:
    """Records that `user` accepted the terms at `version`, which must be the current one."""
    if version != settings.WAIVER_VERSION:
        raise ValidationError(
            {"version": _("Accept the current terms (version %(version)s).") % {"version": settings.WAIVER_VERSION}}
        )
    waiver, _created = Waiver.objects.get_or_create(
        user=user, intake=intake, version=version, defaults={"ip_address": ip_address}
    )
    return waiver


def _payment_usable(
    *, user: User, payment_id: int | None, plan_code: str, brand_specialist: bool, reference: str | None
) -> Payment:
    payment = Payment.objects.filter(pk=payment_id, user=user).first() if payment_id else None
    if payment is None:
        raise ValidationError({"payment_id": _("Pay for the plan first.")})
    if reference is not None and payment.reference != reference:
        raise ValidationError({"payment_id": _("That payment is for something else.")})
    if not payment.is_paid:
        raise ValidationError({"payment_id": _("That payment has not been confirmed yet.")})
    if payment.plan_code != plan_code or payment.amount_cents != plan_price_cents(
        plan_code, brand_specialist=brand_specialist
    ):
        raise ValidationError({"payment_id": _("That payment is for another plan or price.")})
    return payment


def _payment_claim(payment: Payment) -> None:
    claimed = Payment.objects.filter(pk=payment.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not claimed:
        raise ValidationError({"payment_id": _("That payment has already been used for a session.")})


def _plan_and_waiver(*, user: User, plan_code: str, intake: Intake | None) -> Plan:
    plan = plan_get(plan_code or "")
    if plan is None:
        raise ValidationError({"plan_code": _("Choose one of the plans.")})
    waivers = Waiver.objects.filter(user=user, version=settings.WAIVER_VERSION, intake=intake)
    if not waivers.exists():
        raise ValidationError(
            {"waiver": _("Accept the terms (version %(version)s) first.") % {"version": settings.WAIVER_VERSION}}
        )
    return plan


def session_entitlement_claim(
    *,
    user: User,
    plan_code: str,
    payment_id: int | None = None,
    intake: Intake | None = None,
    request_type: str = SessionRequest.RequestType.GENERAL,
) -> Payment | None:
    """The same plan, waiver and payment rules for a session started later (a scheduled
    booking): checks them now and claims the payment, which then belongs to the booking
    (None for a free plan). The caller releases the claim (`session_entitlement_release`)
    if its own write fails."""
    plan = _plan_and_waiver(user=user, plan_code=plan_code, intake=intake)
    if plan.is_free:
        return None
    payment = _payment_usable(
        user=user,
        payment_id=payment_id,
        plan_code=plan_code,
        brand_specialist=request_type == SessionRequest.RequestType.BRAND_SPECIALIST,
        reference=intake.reference if intake is not None else None,
    )
    if payment.session_request_id is not None:
        raise ValidationError({"payment_id": _("That payment has already been used for a session.")})
    _payment_claim(payment)
    return payment


def session_entitlement_release(payment: Payment) -> None:
    """Undo a claim no session was made from."""
    Payment.objects.filter(pk=payment.pk, session_request__isnull=True).update(used_at=None)


def session_request_start(
    *,
    user: User,
    plan_code: str,
    payment_id: int | None = None,
    intake: Intake | None = None,
    request_type: str = SessionRequest.RequestType.GENERAL,
    **request_fields: Any,
) -> tuple[SessionRequest, bool]:
    """Checks the plan, payment and waiver, then creates (or resumes) the request through
    dispatch. Returns (request, created) as `request_create` does."""
    plan = _plan_and_waiver(user=user, plan_code=plan_code, intake=intake)
    payment: Payment | None = None
    if not plan.is_free:
        payment = _payment_usable(
            user=user,
            payment_id=payment_id,
            plan_code=plan_code,
            brand_specialist=request_type == SessionRequest.RequestType.BRAND_SPECIALIST,
            reference=intake.reference if intake is not None else None,
        )
        bought = payment.session_request
        if bought is not None:
            # A reload or double submit (same vehicle) answers with the request this payment
            # bought, whatever became of it; anything else would be a second session on one payment.
            if bought.vehicle_key == request_vehicle_key(request_fields.get("vehicle") or {}):
                if intake is not None:
                    _intake_submitted(intake, bought)
                return bought, False
            raise ValidationError({"payment_id": _("That payment has already been used for a session.")})
        _payment_claim(payment)
    routing = session_request_routing(
        customer=user,
        routing_type=request_fields.get("routing_type") or SessionRequest.RoutingType.SMART_BROADCAST,
        selected_mechanic_id=request_fields.get("selected_mechanic_id"),
        workshop_id=request_fields.get("workshop_id"),
    )
    request_fields["routing_type"] = routing.routing_type
    request_fields["selected_mechanic_id"] = routing.selected_mechanic_id
    if "workshop_id" in request_fields or routing.workshop_id is not None:
        request_fields["workshop_id"] = routing.workshop_id
    try:
        request, created = request_create(user=user, plan_code=plan_code, request_type=request_type, **request_fields)
    except BaseException:
        if payment is not None:
            Payment.objects.filter(pk=payment.pk, session_request__isnull=True).update(used_at=None)
        raise
    if intake is not None:
        _intake_submitted(intake, request)
    if payment is not None:
        if created or not Payment.objects.filter(session_request=request).exists():
            Payment.objects.filter(pk=payment.pk).update(session_request=request)
        else:
            # Resumed an existing active request that another payment bought: this one stays unspent.
            Payment.objects.filter(pk=payment.pk, session_request__isnull=True).update(used_at=None)
    return request, created


def _intake_submitted(intake: Intake, request: SessionRequest) -> None:
    """The intake is sent: its photos reach the mechanics the request reaches. An older active
    request for the same vehicle is resumed rather than duplicated; it may already belong to
    another intake, in which case this one only points the way."""
    intake.status = Intake.Status.SUBMITTED
    if not Intake.objects.filter(session_request=request).exists():
        intake.session_request = request
    intake.save(update_fields=["status", "session_request", "updated_at"])


def session_request_cancel(*, user: User, request_id: int) -> Refund | None:
    """Cancels the request (pages and API alike); a paid one nobody accepted is refunded
    (dispatch refuses the cancel once a mechanic joined, so reaching the refund means nobody
    did). Returns the refund, if there is one, for the caller to say so."""
    request = request_cancel(user=user, request_id=request_id)
    return _refund_cancelled(request, requested_by=user, reason="cancelled_before_accept")


def session_request_cancel_by_operator(*, operator: User, request_id: int, reason: str = "") -> Refund | None:
    """An operator cancels a request from the console: the same rule (nobody joined yet) and
    the same refund as the customer's cancel, with the operator recorded in its history."""
    request = request_cancel_by_operator(operator=operator, request_id=request_id, reason=reason)
    return _refund_cancelled(request, requested_by=operator, reason="operator_cancelled")


def _refund_cancelled(request: SessionRequest, *, requested_by: User, reason: str) -> Refund | None:
    refund = None
    # The payment this request used (claimed when it was created); the intake's latest
    # payment for requests made before payments were claimed.
    payment = Payment.objects.filter(session_request=request).first()
    if payment is None:
        intake = Intake.objects.filter(session_request=request).first()
        payment = payment_latest(user=request.customer, reference=intake.reference) if intake is not None else None
    if payment is not None and payment.status == Payment.Status.PAID:
        refund = payment_refund(payment=payment, reason=reason, requested_by=requested_by)
        if refund is not None:
            RequestEvent.objects.create(
                request=request,
                kind="refund_requested",
                actor=requested_by,
                data={"paymentId": payment.pk, "refundId": refund.pk, "amountCents": refund.amount_cents},
            )
    return refund
