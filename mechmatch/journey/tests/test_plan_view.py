from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.services import intake_choose_auto, intake_choose_mechanic, intake_current
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(customer, toronto_mechanics):
    intake = ready_intake(customer)
    return intake_choose_mechanic(intake=intake, mechanic_id=toronto_mechanics[0].pk, source="top_match")


def test_the_plans_are_listed_with_their_prices_and_the_chosen_mechanic(customer_client, routed):
    page = customer_client.get(reverse("journey:plan", args=[routed.pk])).content.decode()
    assert "Session with: <strong>Morgan Lee</strong>" in page
    assert "$0.00" in page and "$9.99" in page and "$29.99" in page and "$49.99" in page
    assert 'value="standard" id="plan-standard" checked' in page
    assert "specialist premium" not in page


def test_a_brand_specialist_request_shows_the_premium_on_paid_plans(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer, request_type="brand_specialist")
    intake_choose_auto(intake=intake)
    page = customer_client.get(reverse("journey:plan", args=[intake.pk])).content.decode()
    assert "A Honda specialist adds $10.00 to paid plans." in page
    assert "$0.00" in page and "$19.99" in page and "$39.99" in page and "$59.99" in page
    assert page.count("incl. specialist premium") == 3


def test_choosing_a_plan_goes_to_the_checkout(customer_client, customer, routed):
    response = customer_client.post(reverse("journey:plan", args=[routed.pk]), {"plan_code": "quick"})
    assert "/payments/test/" in response["Location"]
    routed.refresh_from_db()
    assert routed.plan_code == "quick"
    assert Payment.objects.get(user=customer.user, reference=routed.reference).amount_cents == 999


def test_an_unknown_plan_is_reported_beside_the_plans(customer_client, routed):
    response = customer_client.post(reverse("journey:plan", args=[routed.pk]), {"plan_code": "platinum"})
    assert response.status_code == 200
    assert response.context["form"].errors["plan_code"]
    assert not Payment.objects.exists()


def test_without_a_chosen_mechanic_or_routing_the_plans_wait_for_the_preview(customer_client, customer):
    intake = ready_intake(customer)
    assert customer_client.get(reverse("journey:plan", args=[intake.pk]))["Location"] == reverse(
        "journey:preview", args=[intake.pk]
    )


def test_an_intake_not_yet_described_goes_back_to_the_form(customer_client, customer):
    intake = intake_current(user=customer.user)
    assert customer_client.get(reverse("journey:plan", args=[intake.pk]))["Location"] == reverse(
        "journey:intake", args=[intake.pk]
    )
