"""The preview_and_choose experiment's one rule: control customers pay first and get a
smart broadcast, wherever the request starts (pages or API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.models import SessionRequest
from mechmatch.experiments.flows import session_request_routing
from mechmatch.experiments.models import Exposure
from mechmatch.experiments.tests.conftest import set_arms
from mechmatch.journey.booking import session_request_start
from mechmatch.journey.models import Intake
from mechmatch.journey.tests.conftest import INTAKE_POST, ready_intake
from mechmatch.testing import make_entitlement

pytestmark = pytest.mark.django_db


def test_treatment_and_unenrolled_customers_are_routed_as_they_asked(preview_experiment, customer, mechanic):
    routing = session_request_routing(customer=customer.user, routing_type="selected", selected_mechanic_id=7)
    assert (routing.routing_type, routing.selected_mechanic_id, routing.arm) == ("selected", 7, None)
    set_arms(preview_experiment, 100, 0)
    routing = session_request_routing(customer=customer.user, routing_type="selected", selected_mechanic_id=7)
    assert (routing.routing_type, routing.selected_mechanic_id, routing.arm) == ("selected", 7, "treatment")


def test_control_customers_get_a_smart_broadcast_whatever_they_asked(preview_experiment, customer):
    set_arms(preview_experiment, 0, 100)
    routing = session_request_routing(
        customer=customer.user, routing_type="workshop_only", selected_mechanic_id=7, workshop_id=3
    )
    assert (routing.routing_type, routing.selected_mechanic_id, routing.workshop_id) == ("smart_broadcast", None, None)
    assert Exposure.objects.get().arm == "control"


def test_a_control_request_through_the_api_is_a_smart_broadcast(preview_experiment, customer, mechanic, customer_api):
    set_arms(preview_experiment, 0, 100)
    payment = make_entitlement(customer.user)
    body = {
        "paymentId": payment.pk,
        "planCode": "standard",
        "concern": "Engine light on and rough idle",
        "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
        "customerCountry": "CA",
        "customerPostalCode": "M5V 2T6",
        "routingType": "selected",
        "selectedMechanicId": mechanic.pk,
    }
    response = customer_api.post("/api/session-requests", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["routingType"] == "smart_broadcast"
    assert SessionRequest.objects.get().selected_mechanic_id is None


def test_a_treatment_request_keeps_the_chosen_mechanic(preview_experiment, customer, mechanic):
    set_arms(preview_experiment, 100, 0)
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
    assert (request.routing_type, request.selected_mechanic_id) == ("selected", mechanic.pk)


def test_a_control_customer_goes_from_the_intake_straight_to_the_plan(preview_experiment, customer, mechanic):
    from django.test import Client

    set_arms(preview_experiment, 0, 100)
    client = Client()
    client.force_login(customer.user)
    start = client.get(reverse("journey:intake_start"))["Location"]
    response = client.post(start, INTAKE_POST)
    intake = Intake.objects.get(user=customer.user)
    assert response["Location"] == reverse("journey:plan", args=[intake.pk])
    assert (intake.routing, intake.source, intake.chosen_mechanic_id) == ("smart_broadcast", "auto", None)
    assert client.get(reverse("journey:preview", args=[intake.pk]))["Location"] == reverse(
        "journey:plan", args=[intake.pk]
    )


def test_a_control_customer_picking_from_a_profile_is_still_matched_automatically(
    preview_experiment, customer, mechanic
):
    from mechmatch.journey.services import intake_choose_mechanic

    set_arms(preview_experiment, 0, 100)
    intake = ready_intake(customer)
    intake_choose_mechanic(intake=intake, mechanic_id=mechanic.pk, source="browse")
    intake.refresh_from_db()
    assert (intake.routing, intake.chosen_mechanic_id) == ("smart_broadcast", None)


def test_a_treatment_customer_still_sees_the_preview(preview_experiment, customer, mechanic):
    from django.test import Client

    set_arms(preview_experiment, 100, 0)
    client = Client()
    client.force_login(customer.user)
    start = client.get(reverse("journey:intake_start"))["Location"]
    response = client.post(start, INTAKE_POST)
    intake = Intake.objects.get(user=customer.user)
    assert response["Location"] == reverse("journey:preview", args=[intake.pk])
    assert Exposure.objects.get(customer=customer.user).arm == "treatment"
