from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.models import Intake
from mechmatch.journey.tests.conftest import ready_intake

pytestmark = pytest.mark.django_db


def test_matching_automatically_forgets_a_chosen_mechanic_and_leads_to_the_plans(
    customer_client, customer, toronto_mechanics
):
    intake = ready_intake(customer)
    intake.chosen_mechanic = toronto_mechanics[0]
    intake.save()
    response = customer_client.post(reverse("journey:choose_auto", args=[intake.pk]))
    assert response["Location"] == reverse("journey:plan", args=[intake.pk])
    intake.refresh_from_db()
    assert (intake.routing, intake.source, intake.chosen_mechanic_id) == (
        Intake.Routing.SMART_BROADCAST,
        Intake.Source.AUTO,
        None,
    )


def test_matching_automatically_needs_a_post(customer_client, customer):
    intake = ready_intake(customer)
    assert customer_client.get(reverse("journey:choose_auto", args=[intake.pk])).status_code == 405
    intake.refresh_from_db()
    assert not intake.routing
