from __future__ import annotations

import pytest

from mechmatch.dispatch import services
from mechmatch.dispatch.tests.factories import client_for, lapse, request_for
from mechmatch.payments.models import Payment
from mechmatch.testing import make_entitlement, make_mechanic

pytestmark = pytest.mark.django_db

URL = "/api/session-requests"


@pytest.fixture(autouse=True)
def entitled(customer):
    """The customer has accepted the waiver and paid for one standard session."""
    return make_entitlement(customer.user)


def _body(**extra):
    body = {
        "concern": "Engine light on and rough idle",
        "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
        "requestType": "general",
        "customerCity": "Toronto",
        "customerCountry": "CA",
        "customerPostalCode": "M5V 2T6",
        "preferLocalMechanic": True,
        "routingType": "smart_broadcast",
        "planCode": "standard",
        "paymentId": Payment.objects.filter(status="paid").order_by("id").values_list("pk", flat=True).first(),
    }
    body.update(extra)
    return body


def test_creating_a_selected_request_returns_201_with_its_offer(customer_api, mechanic, windows):
    response = customer_api.post(
        URL, _body(routingType="selected", selectedMechanicId=mechanic.pk), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending"
    assert data["routingType"] == "selected"
    assert data["selectedMechanicId"] == mechanic.pk
    assert [o["mechanicId"] for o in data["offers"]] == [mechanic.pk]
    assert data["waiting"]["queuePosition"] == 1
    assert data["waiting"]["eta"]["typicalSeconds"] <= data["waiting"]["eta"]["worstSeconds"]
    assert data["fallbackDueAt"]


def test_a_double_submit_returns_200_with_the_same_request(customer_api, mechanic, windows):
    body = _body(routingType="selected", selectedMechanicId=mechanic.pk)
    first = customer_api.post(URL, body, content_type="application/json")
    second = customer_api.post(URL, body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_bad_fields_answer_400_or_422_naming_the_field(customer_api, windows):
    response = customer_api.post(URL, _body(routingType="selected"), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "selectedMechanicId"
    response = customer_api.post(URL, _body(vehicle={"make": "Honda"}), content_type="application/json")
    assert response.status_code == 422
    assert any("vehicle" in e["field"] for e in response.json()["errors"])


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"customerPostalCode": "ZZZ"}, "customerPostalCode"),
        ({"vehicle": {"make": "Notacar", "model": "Civic", "year": 2018}}, "vehicle.make"),
        ({"routingType": "workshop_only"}, "workshopId"),
    ],
)
def test_service_errors_name_the_field_as_the_client_sent_it(customer_api, windows, extra, field):
    response = customer_api.post(URL, _body(**extra), content_type="application/json")
    assert response.status_code == 400, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_picking_another_without_a_mechanic_names_mechanic_id(customer, customer_api, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    response = customer_api.post(
        f"{URL}/{request.pk}/choice", {"choice": "pick_another"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["mechanicId"]


def test_a_request_is_visible_to_its_customer_its_mechanics_and_operators_only(
    customer, customer_api, mechanic, mechanic_api, outsider_api, operator_api, windows
):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    url = f"{URL}/{request.pk}"
    assert customer_api.get(url).status_code == 200
    assert operator_api.get(url).status_code == 200
    as_mechanic = mechanic_api.get(url)
    assert as_mechanic.status_code == 200
    assert as_mechanic.json()["waiting"] == {}
    assert outsider_api.get(url).status_code == 404
    assert outsider_api.post(f"{url}/cancel").status_code == 404
    assert (
        outsider_api.post(f"{url}/choice", {"choice": "schedule"}, content_type="application/json").status_code == 404
    )


def test_a_mechanic_sees_only_their_own_offer_of_a_broadcast(customer, windows):
    first, second = make_mechanic(brands=["Honda"]), make_mechanic(brands=["Honda"])
    request = request_for(customer.user)
    data = client_for(first.user).get(f"{URL}/{request.pk}").json()
    assert [o["mechanicId"] for o in data["offers"]] == [first.pk]
    assert second.pk not in [o["mechanicId"] for o in data["offers"]]


def test_the_customer_chooses_after_a_lapse(customer, customer_api, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    detail = customer_api.get(f"{URL}/{request.pk}").json()
    assert detail["status"] == "awaiting_choice"
    assert "wait_longer" in detail["waiting"]["choices"]

    response = customer_api.post(
        f"{URL}/{request.pk}/choice", {"choice": "wait_longer"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "pending"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"customerCountry": "France"}, "customerCountry"),
        ({"vehicle": {"make": "Honda", "model": "Civic", "year": 1800}}, "vehicle.year"),
        ({"routingType": "everyone"}, "routingType"),
        ({"requestType": "cheap"}, "requestType"),
        ({"preferLocalMechanic": 0}, "preferLocalMechanic"),
    ],
)
def test_what_the_schema_lists_or_bounds_is_refused_by_it_with_a_422(customer_api, windows, extra, field):
    response = customer_api.post(URL, _body(**extra), content_type="application/json")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_an_unknown_choice_is_a_422_naming_choice(customer, customer_api, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = customer_api.post(f"{URL}/{request.pk}/choice", {"choice": "later"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "choice"


def test_choosing_at_the_wrong_time_is_a_409(customer, customer_api, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = customer_api.post(
        f"{URL}/{request.pk}/choice", {"choice": "auto_match"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json() == {"success": False, "error": "This request is not waiting for your choice.", "errors": []}


def test_cancel_returns_the_cancelled_request(customer, customer_api, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = customer_api.post(f"{URL}/{request.pk}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_the_endpoints_are_in_the_openapi_schema(customer_api):
    paths = customer_api.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/session-requests",
        "/api/session-requests/{request_id}",
        "/api/session-requests/{request_id}/choice",
        "/api/session-requests/{request_id}/cancel",
        "/api/mechanic/offers",
        "/api/mechanic/offers/{offer_id}/accept",
        "/api/mechanic/offers/{offer_id}/decline",
        "/api/mechanic/shift",
        "/api/mechanic/stats",
        "/api/events/stream",
        "/api/events/poll",
    ):
        assert path in paths, path


def test_offers_and_alternatives_give_reasons_in_the_readers_language(customer, customer_api, mechanic, windows):
    other = make_mechanic(brands=["Honda"])
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    detail = customer_api.get(f"{URL}/{request.pk}", HTTP_ACCEPT_LANGUAGE="fr-ca").json()
    assert detail["offers"][0]["reasons"][0] == "Choisi par le client"
    assert detail["offers"][0]["reasonCodes"][0] == {"code": "customer_chose_you", "params": {}}
    alternative = next(a for a in detail["alternatives"] if a["mechanicId"] == other.pk)
    assert "Spécialiste Honda" in alternative["reasons"]
    assert {"code": "brand_specialist", "params": {"brand": "Honda"}} in alternative["reasonCodes"]


def test_cancelling_a_paid_request_through_the_api_refunds_it_as_the_page_does(customer_api, mechanic, windows):
    created = customer_api.post(
        URL, _body(routingType="selected", selectedMechanicId=mechanic.pk), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    payment = Payment.objects.get(session_request_id=created.json()["id"])

    response = customer_api.post(f"{URL}/{created.json()['id']}/cancel")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refund.status == "succeeded"
