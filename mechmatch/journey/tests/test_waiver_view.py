from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.models import SessionRequest
from mechmatch.journey.models import Waiver
from mechmatch.journey.services import intake_choose_mechanic
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.mechanics.models import Mechanic
from mechmatch.payments.services import payment_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(customer, toronto_mechanics):
    """An intake routed to Morgan Lee with a plan chosen but not paid for yet."""
    intake = ready_intake(customer)
    intake_choose_mechanic(intake=intake, mechanic_id=toronto_mechanics[0].pk, source="top_match")
    intake.plan_code = "free"
    intake.save()
    return intake


def _pay(intake) -> None:  # noqa: ANN001
    payment_start(
        user=intake.user, reference=intake.reference, plan_code=intake.plan_code, return_path="/", cancel_path="/"
    )


def test_before_the_payment_is_confirmed_the_terms_wait(customer_client, planned):
    response = customer_client.get(reverse("journey:waiver", args=[planned.pk]))
    assert "No payment yet" in response.content.decode()
    assert "I have read and accept these terms" not in response.content.decode()


def test_once_paid_the_terms_are_shown_with_their_version(customer_client, planned, settings):
    _pay(planned)
    page = customer_client.get(reverse("journey:waiver", args=[planned.pk])).content.decode()
    assert f"(version {settings.WAIVER_VERSION})" in page and "Paid: Free" in page
    assert "Accept and request Morgan" in page


def test_accepting_the_terms_records_them_and_sends_the_request(customer_client, customer, planned):
    _pay(planned)
    response = customer_client.post(reverse("journey:waiver", args=[planned.pk]), {"accept": "on"})
    request = SessionRequest.objects.get(customer=customer.user)
    assert response["Location"] == reverse("journey:request", args=[request.pk])
    waiver = Waiver.objects.get(intake=planned)
    assert (waiver.user_id, waiver.ip_address) == (customer.user.pk, "127.0.0.1")


def test_the_terms_must_be_ticked_before_anything_is_sent(customer_client, customer, planned):
    _pay(planned)
    # An unticked box is not posted at all; the form still posts its CSRF token.
    response = customer_client.post(reverse("journey:waiver", args=[planned.pk]), {"csrfmiddlewaretoken": "x"})
    assert response.context["form"].errors["accept"] == ["Please accept the terms to continue."]
    assert not SessionRequest.objects.exists() and not Waiver.objects.exists()


def test_without_a_plan_the_terms_wait_for_the_plans(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    response = customer_client.get(reverse("journey:waiver", args=[intake.pk]))
    assert response["Location"] == reverse("journey:plan", args=[intake.pk])


def test_a_mechanic_suspended_after_the_choice_is_explained_on_the_waiver_page_not_a_500(
    customer, customer_client, planned, toronto_mechanics
):
    _pay(planned)
    Mechanic.objects.filter(pk=toronto_mechanics[0].pk).update(account_status=Mechanic.AccountStatus.SUSPENDED)

    response = customer_client.post(reverse("journey:waiver", args=[planned.pk]), {"accept": "on"})

    assert response.status_code == 200
    assert "That mechanic is not available on mechmatch." in response.content.decode()
    assert not SessionRequest.objects.filter(customer=customer.user).exists()
