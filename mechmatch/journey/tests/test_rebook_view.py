from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.models import Intake
from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    return consultation


def test_rebooking_opens_an_intake_filled_in_and_routed_to_the_same_mechanic_first(customer_client, ended):
    response = customer_client.post(reverse("journey:rebook", args=[ended.pk]))
    intake = Intake.objects.get(rebook_of=ended)
    assert response["Location"] == reverse("journey:intake", args=[intake.pk])
    assert (intake.make, intake.model, intake.concern) == ("Honda", "Civic", "Brakes squeal when I stop at lights")
    assert (intake.chosen_mechanic_id, intake.routing) == (ended.mechanic_id, Intake.Routing.PRIORITY_BROADCAST)


def test_rebooking_twice_resumes_the_same_intake(customer_client, ended):
    first = customer_client.post(reverse("journey:rebook", args=[ended.pk]))["Location"]
    assert customer_client.post(reverse("journey:rebook", args=[ended.pk]))["Location"] == first
    assert Intake.objects.filter(rebook_of=ended).count() == 1


def test_rebooking_needs_a_post(customer_client, ended):
    assert customer_client.get(reverse("journey:rebook", args=[ended.pk])).status_code == 405
    assert not Intake.objects.filter(rebook_of=ended).exists()
