"""Confirming a booking after paying (/schedule/intake/<id>/confirm/): the refund rule is
shown with the terms; accepting them books the time."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.services import intake_choose_mechanic
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.payments.models import Payment
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.testing import make_week
from mechmatch.scheduling.tests.conftest import slot_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def chosen(customer_client, customer, mechanic):  # noqa: ANN201
    make_week(mechanic)
    intake = ready_intake(customer)
    intake_choose_mechanic(intake=intake, mechanic_id=mechanic.pk, source="top_match")
    start = slot_after(mechanic, hours=30)
    customer_client.post(
        reverse("scheduling:intake_slots", args=[intake.pk]), {"plan_code": "standard", "starts_at": start.isoformat()}
    )
    return intake, start


def _pay() -> None:
    Payment.objects.update(status=Payment.Status.PAID)


def test_before_paying_the_page_waits_for_the_payment(customer_client, chosen):
    intake, _ = chosen
    page = customer_client.get(reverse("scheduling:intake_confirm", args=[intake.pk])).content.decode()
    assert "Confirming your payment" in page or "No payment yet" in page
    assert not Booking.objects.exists()


def test_once_paid_the_rule_is_shown_and_accepting_the_terms_books_the_time(customer_client, chosen, mechanic):
    intake, start = chosen
    _pay()
    url = reverse("scheduling:intake_confirm", args=[intake.pk])
    assert "Full refund if you cancel before" in customer_client.get(url).content.decode()
    assert customer_client.post(url, {}).status_code == 200  # the terms are not accepted
    response = customer_client.post(url, {"accept": "on"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.starts_at == start and booking.mechanic_id == mechanic.pk
    assert booking.payment == Payment.objects.get() and booking.payment.used_at is not None


def test_without_a_chosen_time_it_goes_back_to_the_times(customer_client, customer):
    intake = ready_intake(customer)
    response = customer_client.get(reverse("scheduling:intake_confirm", args=[intake.pk]))
    assert response.status_code == 302
