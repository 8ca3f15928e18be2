"""Choosing a time for the intake (/schedule/intake/<id>/): the chosen mechanic's free
times (or any matching mechanic's), then the same checkout as a live session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.services import intake_choose_mechanic
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.payments.models import Payment
from mechmatch.scheduling.testing import make_week
from mechmatch.scheduling.tests.conftest import slot_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(customer, mechanic):  # noqa: ANN201
    make_week(mechanic)
    intake = ready_intake(customer)
    intake_choose_mechanic(intake=intake, mechanic_id=mechanic.pk, source="top_match")
    return intake


def test_the_chosen_mechanics_free_times_are_offered_and_a_choice_goes_to_checkout(customer_client, routed, mechanic):
    url = reverse("scheduling:intake_slots", args=[routed.pk])
    page = customer_client.get(url).content.decode()
    assert 'data-testid="slot"' in page and "Morgan Lee" in page and "full refund" in page
    start = slot_after(mechanic, hours=30)
    response = customer_client.post(url, {"plan_code": "standard", "starts_at": start.isoformat()})
    payment = Payment.objects.get(user=routed.user)
    assert response.status_code == 302 and payment.plan_code == "standard"
    assert customer_client.session[f"schedule:intake:{routed.pk}"]["starts_at"] == start.isoformat()


def test_a_time_that_is_not_free_is_refused_before_any_payment(customer_client, routed):
    url = reverse("scheduling:intake_slots", args=[routed.pk])
    response = customer_client.post(url, {"plan_code": "standard", "starts_at": "2020-01-01T10:00:00+00:00"})
    assert response.status_code == 200 and "no longer free" in response.content.decode()
    assert not Payment.objects.exists()


def test_someone_elses_intake_is_not_found(outsider_client, routed):
    assert outsider_client.get(reverse("scheduling:intake_slots", args=[routed.pk])).status_code == 404
