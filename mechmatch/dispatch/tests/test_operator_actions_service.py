"""Operators steering a live request: cancel with refund, extend, reassign. Each is recorded
in the request's history with the operator as its actor, and refused to non-staff."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.services import (
    DispatchError,
    Forbidden,
    offer_accept,
    request_extend_by_operator,
    request_reassign_by_operator,
)
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.journey.booking import session_request_cancel_by_operator, session_request_start
from mechmatch.payments.models import Payment, Refund
from mechmatch.testing import make_entitlement, make_mechanic

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_request(customer, mechanic, windows) -> SessionRequest:
    payment = make_entitlement(customer.user)
    request, _ = session_request_start(
        user=customer.user,
        plan_code="standard",
        payment_id=payment.pk,
        concern="Engine light on and rough idle",
        vehicle={"make": "Honda", "model": "Civic", "year": 2018},
        country="CA",
        postal_code="M5V 2T6",
        routing_type="selected",
        selected_mechanic_id=mechanic.pk,
    )
    return request


def _history(request: SessionRequest) -> list[tuple[str, int | None]]:
    return list(RequestEvent.objects.filter(request=request).order_by("pk").values_list("kind", "actor_id"))


def test_an_operator_cancels_a_paid_request_and_the_customer_is_refunded(paid_request, operator):
    refund = session_request_cancel_by_operator(operator=operator, request_id=paid_request.pk, reason="duplicate")
    paid_request.refresh_from_db()
    assert paid_request.status == "cancelled"
    assert refund is not None and refund.reason == "operator_cancelled"
    assert Payment.objects.get(session_request=paid_request).status == Payment.Status.REFUNDED
    assert ("operator_cancelled", operator.pk) in _history(paid_request)
    assert ("refund_requested", operator.pk) in _history(paid_request)
    assert RequestEvent.objects.get(kind="operator_cancelled").data == {"reason": "duplicate"}
    assert not Offer.objects.filter(request=paid_request, status=Offer.Status.OPEN).exists()


def test_cancelling_twice_refunds_once(paid_request, operator):
    session_request_cancel_by_operator(operator=operator, request_id=paid_request.pk)
    session_request_cancel_by_operator(operator=operator, request_id=paid_request.pk)
    assert Refund.objects.count() == 1


def test_a_request_a_mechanic_joined_is_not_cancelled(paid_request, operator, mechanic):
    offer = Offer.objects.get(request=paid_request)
    offer_accept(mechanic=mechanic, offer_id=offer.pk)
    with pytest.raises(DispatchError):
        session_request_cancel_by_operator(operator=operator, request_id=paid_request.pk)
    assert not Refund.objects.exists()


def test_an_operator_extends_the_open_window(paid_request, operator):
    offer = Offer.objects.get(request=paid_request)
    request = request_extend_by_operator(operator=operator, request_id=paid_request.pk, seconds=900)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    assert offer.expires_at > paid_request.fallback_due_at
    assert request.fallback_due_at == offer.expires_at
    assert ("operator_extended", operator.pk) in _history(paid_request)


@pytest.mark.parametrize("seconds", [0, -5, 3601])
def test_an_extension_out_of_range_is_refused_naming_seconds(paid_request, operator, seconds):
    with pytest.raises(ValidationError) as caught:
        request_extend_by_operator(operator=operator, request_id=paid_request.pk, seconds=seconds)
    assert list(caught.value.message_dict) == ["seconds"]


def test_an_operator_reassigns_to_a_chosen_mechanic(paid_request, operator, mechanic):
    other = make_mechanic(display_name="Riley Chen", email="riley@example.test")
    request = request_reassign_by_operator(operator=operator, request_id=paid_request.pk, mechanic_id=other.pk)
    assert (request.status, request.stage, request.selected_mechanic_id) == ("pending", "exclusive", other.pk)
    assert Offer.objects.get(request=paid_request, mechanic=mechanic).status == Offer.Status.WITHDRAWN
    assert Offer.objects.get(request=paid_request, mechanic=other).status == Offer.Status.OPEN
    assert ("operator_reassigned", operator.pk) in _history(paid_request)


def test_reassigning_to_a_mechanic_who_already_had_it_is_refused(paid_request, operator, mechanic):
    with pytest.raises(ValidationError) as caught:
        request_reassign_by_operator(operator=operator, request_id=paid_request.pk, mechanic_id=mechanic.pk)
    assert list(caught.value.message_dict) == ["mechanic_id"]


def test_reassigning_to_an_unavailable_mechanic_is_refused(paid_request, operator):
    off = make_mechanic(display_name="Off Shift", email="off@example.test", on_shift=False)
    with pytest.raises(ValidationError):
        request_reassign_by_operator(operator=operator, request_id=paid_request.pk, mechanic_id=off.pk)


def test_customers_and_mechanics_may_not_use_the_operator_actions(paid_request, customer, mechanic):
    for user in (customer.user, mechanic.user):
        with pytest.raises(Forbidden):
            session_request_cancel_by_operator(operator=user, request_id=paid_request.pk)
        with pytest.raises(Forbidden):
            request_extend_by_operator(operator=user, request_id=paid_request.pk, seconds=60)
        with pytest.raises(Forbidden):
            request_reassign_by_operator(operator=user, request_id=paid_request.pk, mechanic_id=mechanic.pk)
    paid_request.refresh_from_db()
    assert paid_request.status == "pending"


def test_a_finished_request_cannot_be_extended(customer, operator, windows):
    request = request_for(customer.user)
    SessionRequest.objects.filter(pk=request.pk).update(status="completed")
    with pytest.raises(DispatchError):
        request_extend_by_operator(operator=operator, request_id=request.pk, seconds=60)
