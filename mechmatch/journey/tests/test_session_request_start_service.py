"""The one rule for starting a session (journey.booking.session_request_start), which the
waiver page and POST /api/session-requests both call."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.dispatch.models import SessionRequest
from mechmatch.journey.booking import session_request_start, waiver_accept
from mechmatch.journey.models import Waiver
from mechmatch.payments.models import Payment
from mechmatch.testing import make_entitlement

pytestmark = pytest.mark.django_db

VEHICLE = {"make": "Honda", "model": "Civic", "year": 2018}


def _start(user, *, plan_code="standard", payment=None, vehicle=VEHICLE, **extra):  # noqa: ANN001, ANN202
    return session_request_start(
        user=user,
        plan_code=plan_code,
        payment_id=payment.pk if payment is not None else None,
        concern="Engine light on and rough idle",
        vehicle=vehicle,
        country="CA",
        postal_code="M5V 2T6",
        **extra,
    )


def _refused_field(**kwargs) -> str:  # noqa: ANN003
    with pytest.raises(ValidationError) as caught:
        _start(**kwargs)
    assert not SessionRequest.objects.exists()
    return ",".join(caught.value.message_dict)


def test_a_paid_plan_with_its_payment_and_the_waiver_creates_the_request_and_spends_the_payment(customer):
    payment = make_entitlement(customer.user)
    request, created = _start(customer.user, payment=payment)
    payment.refresh_from_db()
    assert created and payment.session_request_id == request.pk and payment.used_at is not None


@pytest.mark.parametrize("plan_code", ["", "bogus", "<b>bogus-plan</b>"])
def test_an_unknown_plan_is_refused_naming_plan_code(customer, plan_code):
    make_entitlement(customer.user)
    assert _refused_field(user=customer.user, plan_code=plan_code) == "plan_code"


def test_without_the_waiver_nothing_is_created(customer):
    payment = make_entitlement(customer.user)
    Waiver.objects.all().delete()
    assert _refused_field(user=customer.user, payment=payment) == "waiver"


def test_a_waiver_of_an_older_version_does_not_count(customer, settings):
    payment = make_entitlement(customer.user)
    settings.WAIVER_VERSION = "2027-01"
    assert _refused_field(user=customer.user, payment=payment) == "waiver"


def test_the_waiver_must_be_accepted_at_the_current_version(customer):
    with pytest.raises(ValidationError) as caught:
        waiver_accept(user=customer.user, version="1999-01")
    assert list(caught.value.message_dict) == ["version"]


def test_a_paid_plan_without_a_payment_is_refused_naming_payment_id(customer):
    make_entitlement(customer.user)
    assert _refused_field(user=customer.user, plan_code="full") == "payment_id"


def test_a_pending_payment_is_not_enough(customer):
    payment = make_entitlement(customer.user)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.PENDING)
    assert _refused_field(user=customer.user, payment=payment) == "payment_id"


def test_another_customers_payment_is_refused(customer, outsider):
    make_entitlement(customer.user)
    theirs = make_entitlement(outsider)
    assert _refused_field(user=customer.user, payment=theirs) == "payment_id"


def test_a_payment_for_a_cheaper_plan_does_not_buy_a_dearer_one(customer):
    quick = make_entitlement(customer.user, plan_code="quick")
    assert _refused_field(user=customer.user, plan_code="full", payment=quick) == "payment_id"


def test_a_brand_specialist_session_needs_the_premium_paid(customer):
    plain = make_entitlement(customer.user)
    assert _refused_field(user=customer.user, payment=plain, request_type="brand_specialist") == "payment_id"


def test_a_payment_is_spent_once_a_second_vehicle_cannot_reuse_it(customer):
    payment = make_entitlement(customer.user)
    first, _ = _start(customer.user, payment=payment)
    with pytest.raises(ValidationError) as caught:
        _start(customer.user, payment=payment, vehicle={"make": "Toyota", "model": "Corolla", "year": 2015})
    assert list(caught.value.message_dict) == ["payment_id"]
    assert list(SessionRequest.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_double_submit_resumes_the_request_its_payment_bought(customer):
    payment = make_entitlement(customer.user)
    first, _ = _start(customer.user, payment=payment)
    again, created = _start(customer.user, payment=payment)
    assert (again.pk, created) == (first.pk, False)


def test_a_finished_request_does_not_make_its_payment_buy_another(customer):
    payment = make_entitlement(customer.user)
    first, _ = _start(customer.user, payment=payment)
    SessionRequest.objects.filter(pk=first.pk).update(status=SessionRequest.Status.CANCELLED)
    again, created = _start(customer.user, payment=payment)
    assert (again.pk, created) == (first.pk, False)
    assert SessionRequest.objects.count() == 1


def test_a_payment_claimed_by_another_attempt_is_refused(customer):
    payment = make_entitlement(customer.user)
    Payment.objects.filter(pk=payment.pk).update(used_at="2026-01-01T00:00:00Z")
    assert _refused_field(user=customer.user, payment=payment) == "payment_id"


def test_a_refused_request_leaves_the_payment_unspent(customer):
    payment = make_entitlement(customer.user)
    with pytest.raises(ValidationError):
        _start(customer.user, payment=payment, vehicle={"make": "Honda", "model": "Civic", "year": 1800})
    payment.refresh_from_db()
    assert payment.used_at is None and payment.session_request_id is None


def test_a_free_plan_needs_the_waiver_but_no_payment(customer):
    make_entitlement(customer.user)
    request, created = _start(customer.user, plan_code="free")
    assert created and request.plan_code == "free"
