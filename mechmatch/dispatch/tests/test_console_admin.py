"""The operators' console in the Django admin: every page answers staff 200 and sends
everyone else to sign in; the history is read-only; the actions go through the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.journey.booking import session_request_start
from mechmatch.payments.models import Payment
from mechmatch.testing import make_entitlement, make_mechanic

pytestmark = pytest.mark.django_db

LISTS = [
    "dispatch/sessionrequest",
    "dispatch/offer",
    "dispatch/lapse",
    "dispatch/requestevent",
    "dispatch/consultation",
    "journey/waiver",
    "payments/payment",
    "payments/refund",
    "notifications/waitingcontact",
    "experiments/experiment",
    "experiments/exposure",
]


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


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


@pytest.mark.parametrize("page", LISTS)
def test_an_operator_sees_each_console_list(operator_client, paid_request, page):
    assert operator_client.get(f"/admin/{page}/").status_code == 200


@pytest.mark.parametrize("page", LISTS[:2])
def test_a_customer_or_a_mechanic_is_sent_to_sign_in(customer, mechanic, paid_request, page):
    for user in (customer.user, mechanic.user):
        client = Client()
        client.force_login(user)
        response = client.get(f"/admin/{page}/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_anonymous_visitors_are_sent_to_sign_in(paid_request):
    response = Client().get(reverse("admin:dispatch_sessionrequest_reassign", args=[paid_request.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_requests_are_filterable_by_status_and_age_and_searchable(operator_client, paid_request, customer):
    base = "/admin/dispatch/sessionrequest/"
    assert paid_request.pk in _listed(operator_client.get(base, {"status__exact": "pending", "age": "5m"}))
    assert paid_request.pk not in _listed(operator_client.get(base, {"status__exact": "cancelled"}))
    assert paid_request.pk not in _listed(operator_client.get(base, {"age": "old"}))
    assert paid_request.pk in _listed(operator_client.get(base, {"q": customer.user.email}))
    assert paid_request.pk not in _listed(operator_client.get(base, {"q": "nobody@example.test"}))


def _listed(response) -> list[int]:  # noqa: ANN001
    return [obj.pk for obj in response.context["cl"].result_list]


def test_the_request_page_shows_its_offers_history_and_actions(operator_client, paid_request, mechanic):
    response = operator_client.get(reverse("admin:dispatch_sessionrequest_change", args=[paid_request.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert mechanic.display_name in body and "offers_sent" in body
    assert reverse("admin:dispatch_sessionrequest_reassign", args=[paid_request.pk]) in body


def test_history_cannot_be_edited_or_deleted_from_the_admin(operator_client, paid_request):
    event = RequestEvent.objects.filter(request=paid_request).first()
    assert event is not None
    operator_client.post(reverse("admin:dispatch_requestevent_delete", args=[event.pk]), {"post": "yes"})
    operator_client.post(
        reverse("admin:dispatch_sessionrequest_change", args=[paid_request.pk]), {"status": "cancelled"}
    )
    assert RequestEvent.objects.filter(pk=event.pk).exists()
    paid_request.refresh_from_db()
    assert paid_request.status == "pending"


def test_the_cancel_form_cancels_and_refunds(operator_client, operator, paid_request):
    url = reverse("admin:dispatch_sessionrequest_cancel", args=[paid_request.pk])
    assert operator_client.get(url).status_code == 200
    response = operator_client.post(url, {"reason": "customer called"})
    assert response.status_code == 302
    paid_request.refresh_from_db()
    assert paid_request.status == "cancelled"
    assert Payment.objects.get(session_request=paid_request).status == Payment.Status.REFUNDED
    assert RequestEvent.objects.filter(request=paid_request, kind="operator_cancelled", actor=operator).exists()


def test_the_extend_form_refuses_a_bad_value_naming_the_field(operator_client, paid_request):
    url = reverse("admin:dispatch_sessionrequest_extend", args=[paid_request.pk])
    response = operator_client.post(url, {"seconds": "99999"})
    assert response.status_code == 200 and "seconds" in response.context["form"].errors
    response = operator_client.post(url, {"seconds": "600"})
    assert response.status_code == 302
    assert RequestEvent.objects.filter(request=paid_request, kind="operator_extended").exists()


def test_the_reassign_form_offers_the_request_to_the_chosen_mechanic(operator_client, paid_request):
    other = make_mechanic(display_name="Riley Chen", email="riley@example.test")
    url = reverse("admin:dispatch_sessionrequest_reassign", args=[paid_request.pk])
    assert "Riley Chen" in operator_client.get(url).content.decode()
    response = operator_client.post(url, {"mechanic": other.pk})
    assert response.status_code == 302
    assert Offer.objects.get(request=paid_request, mechanic=other).status == Offer.Status.OPEN


def test_the_reassign_form_shows_the_services_refusal(operator_client, paid_request, mechanic):
    url = reverse("admin:dispatch_sessionrequest_reassign", args=[paid_request.pk])
    response = operator_client.post(url, {"mechanic": mechanic.pk})
    assert response.status_code == 200
    assert "already had this request" in response.content.decode()


def test_the_bulk_cancel_action_goes_through_the_service(operator_client, operator, paid_request):
    response = operator_client.post(
        "/admin/dispatch/sessionrequest/",
        {"action": "cancel_with_refund", "_selected_action": [paid_request.pk]},
    )
    assert response.status_code == 302
    assert RequestEvent.objects.filter(request=paid_request, kind="operator_cancelled", actor=operator).exists()
