"""GET /api/history and POST /api/history/{consultation_id}/rebook."""

from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.journey.models import Intake
from mechmatch.journey.services import session_end

pytestmark = pytest.mark.django_db


def test_the_history_lists_the_customers_sessions_with_their_mechanic(customer_api, consultation):
    sessions = customer_api.get("/api/history").json()
    assert [(s["consultationId"], s["mechanic"]["name"]) for s in sessions] == [(consultation.pk, "Morgan Lee")]
    assert sessions[0]["vehicle"]["make"] == "Honda"


def test_another_customers_history_is_empty(outsider_api, consultation):
    assert outsider_api.get("/api/history").json() == []


def test_rebooking_starts_an_intake_routed_to_the_same_mechanic_first(customer_api, customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    response = customer_api.post(f"/api/history/{consultation.pk}/rebook")
    assert response.status_code == 201
    body = response.json()
    assert (body["selectedMechanicId"], body["routingType"], body["rebookOf"]) == (
        consultation.mechanic_id,
        "priority_broadcast",
        consultation.pk,
    )
    assert body["concern"] == consultation.request.concern
    assert body["sessionRequestId"] is None


def test_rebooking_twice_answers_the_same_unsent_intake(customer_api, consultation):
    first = customer_api.post(f"/api/history/{consultation.pk}/rebook").json()["intakeId"]
    assert customer_api.post(f"/api/history/{consultation.pk}/rebook").json()["intakeId"] == first
    assert Intake.objects.filter(rebook_of=consultation).count() == 1


def test_someone_elses_session_is_404_to_rebook(outsider_api, mechanic_api, consultation):
    assert outsider_api.post(f"/api/history/{consultation.pk}/rebook").status_code == 404
    assert mechanic_api.post(f"/api/history/{consultation.pk}/rebook").status_code == 404
    assert not Intake.objects.filter(rebook_of=consultation).exists()


def test_a_non_numeric_session_is_a_422_naming_it(customer_api):
    response = customer_api.post("/api/history/abc/rebook")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["consultation_id"]


def test_anonymous_callers_get_401(consultation):
    assert Client().get("/api/history").status_code == 401
    assert Client().post(f"/api/history/{consultation.pk}/rebook").status_code == 401
