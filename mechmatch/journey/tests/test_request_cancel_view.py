from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.journey.models import Intake
from mechmatch.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_cancelling_while_waiting_withdraws_the_offer_and_returns_to_the_dashboard(customer_client, waiting):
    response = customer_client.post(reverse("journey:request_cancel", args=[waiting.pk]))
    assert response["Location"] == reverse("journey:dashboard")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your request was cancelled."]
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.CANCELLED
    assert not Offer.objects.filter(request=waiting, status=Offer.Status.OPEN).exists()


def test_once_a_mechanic_has_joined_cancelling_is_refused_with_a_notice(customer_client, consultation):
    request = consultation.request
    response = customer_client.post(reverse("journey:request_cancel", args=[request.pk]))
    assert response["Location"] == reverse("journey:request", args=[request.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "A mechanic has already joined; end the session instead."
    ]
    request.refresh_from_db()
    assert request.status == SessionRequest.Status.MATCHED


def test_nobody_else_can_cancel_a_request(outsider_client, waiting):
    response = outsider_client.post(reverse("journey:request_cancel", args=[waiting.pk]))
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == SessionRequest.Status.PENDING


def test_cancelling_a_paid_request_nobody_accepted_refunds_it_and_says_so(customer_client, customer, waiting):
    intake = Intake.objects.get(session_request=waiting)
    payment = Payment.objects.create(
        user=customer.user,
        reference=intake.reference,
        plan_code="standard",
        amount_cents=2900,
        provider="test",
        status=Payment.Status.PAID,
    )
    response = customer_client.post(reverse("journey:request_cancel", args=[waiting.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your request was cancelled.",
        "Your payment of $29.00 has been refunded.",
    ]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    event = RequestEvent.objects.get(request=waiting, kind="refund_requested")
    assert event.data == {"paymentId": payment.pk, "refundId": payment.refund.pk, "amountCents": 2900}
    assert event.actor == customer.user


def test_cancelling_a_free_request_mentions_no_refund(customer_client, waiting):
    response = customer_client.post(reverse("journey:request_cancel", args=[waiting.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your request was cancelled."]
    assert not RequestEvent.objects.filter(request=waiting, kind="refund_requested").exists()
