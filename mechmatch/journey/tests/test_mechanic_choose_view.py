from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.models import Intake
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_choosing_from_a_profile_with_a_described_car_leads_to_the_plans(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    response = customer_client.post(
        reverse("journey:mechanic_choose", args=[toronto_mechanics[1].pk]), {"intake": intake.pk}
    )
    assert response["Location"] == reverse("journey:plan", args=[intake.pk])
    intake.refresh_from_db()
    assert (intake.chosen_mechanic_id, intake.source, intake.routing) == (
        toronto_mechanics[1].pk,
        Intake.Source.BROWSE,
        Intake.Routing.SELECTED,
    )


def test_choosing_before_describing_the_car_starts_an_intake_for_that_mechanic(
    customer_client, customer, toronto_mechanics
):
    response = customer_client.post(reverse("journey:mechanic_choose", args=[toronto_mechanics[0].pk]))
    intake = Intake.objects.get(user=customer.user)
    assert response["Location"] == reverse("journey:intake", args=[intake.pk])
    assert "Your request will go to Morgan Lee first." in customer_client.get(response["Location"]).content.decode()


def test_a_favourite_chosen_gets_the_first_offer_and_then_the_top_matches(customer_client, customer, toronto_mechanics):
    intake = ready_intake(customer)
    customer_client.post(
        reverse("journey:mechanic_choose", args=[toronto_mechanics[0].pk]), {"intake": intake.pk, "source": "favourite"}
    )
    intake.refresh_from_db()
    assert (intake.source, intake.routing) == (Intake.Source.FAVOURITE, Intake.Routing.PRIORITY_BROADCAST)


def test_a_mechanic_who_cannot_take_sessions_is_not_found(customer_client, customer):
    pending = make_mechanic(display_name="Pat Pending", approved=False)
    intake = ready_intake(customer)
    response = customer_client.post(reverse("journey:mechanic_choose", args=[pending.pk]), {"intake": intake.pk})
    assert response.status_code == 404
    intake.refresh_from_db()
    assert intake.chosen_mechanic_id is None
