from __future__ import annotations

import pytest

from mechmatch.dispatch.tests.factories import client_for, request_for
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db


def test_the_offer_list_puts_targeted_offers_first_and_hides_the_customer(mechanic, mechanic_api, windows):
    broadcast = request_for(make_customer().user, make="Honda")
    targeted = request_for(make_customer().user, routing="selected", selected=mechanic)
    offers = mechanic_api.get("/api/mechanic/offers").json()
    assert [o["requestId"] for o in offers] == [targeted.pk, broadcast.pk]
    first = offers[0]
    assert first["kind"] == "exclusive"
    assert isinstance(first["id"], int) and first["requestId"] == targeted.pk
    assert first["vehicle"] == {"year": 2018, "make": "Honda", "model": "Civic", "vin": ""}
    assert first["concern"]
    assert first["reasons"]
    assert "expiresAt" in first and "distanceKm" in first and "matchScore" in first
    assert all(o["customer"] is None for o in offers)


def test_accepting_reveals_the_customer_contact(customer, mechanic, mechanic_api, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    offer_id = request.offers.get().pk
    response = mechanic_api.post(f"/api/mechanic/offers/{offer_id}/accept")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["success"] is True
    assert data["offer"]["customer"]["email"] == customer.user.email
    assert data["consultation"]["requestId"] == request.pk
    listed = mechanic_api.get("/api/mechanic/offers").json()
    assert listed[0]["customer"]["email"] == customer.user.email
    assert mechanic_api.get("/api/mechanic/session").json()["consultation"]["status"] == "active"


def test_a_lost_race_answers_409_with_the_reason(customer, windows):
    first, second = make_mechanic(brands=["Honda"]), make_mechanic(brands=["Honda"])
    request = request_for(customer.user)
    clients = {m.pk: client_for(m.user) for m in (first, second)}
    assert (
        clients[first.pk].post(f"/api/mechanic/offers/{request.offers.get(mechanic=first).pk}/accept").status_code
        == 200
    )
    lost = clients[second.pk].post(f"/api/mechanic/offers/{request.offers.get(mechanic=second).pk}/accept")
    assert lost.status_code == 409
    assert lost.json() == {"success": False, "error": "Another mechanic already accepted this request.", "errors": []}


def test_another_mechanics_offer_is_a_404(customer, mechanic, outsider_api, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    client = client_for(make_mechanic().user)
    assert client.post(f"/api/mechanic/offers/{request.offers.get().pk}/accept").status_code == 404
    assert outsider_api.get("/api/mechanic/offers").status_code == 404


def test_declining_with_a_reason_does_not_count_as_slowness(customer, mechanic, mechanic_api, windows):
    before = mechanic.avg_response_seconds
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = mechanic_api.post(
        f"/api/mechanic/offers/{request.offers.get().pk}/decline",
        {"reason": "not_my_brand"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    mechanic.refresh_from_db()
    assert mechanic.avg_response_seconds == before
    assert mechanic.offers_declined == 1


def test_a_bad_decline_reason_is_a_422_naming_reason(customer, mechanic, mechanic_api, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    response = mechanic_api.post(
        f"/api/mechanic/offers/{request.offers.get().pk}/decline", {"reason": "meh"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_shift_and_stats(customer, mechanic, mechanic_api, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    mechanic_api.post(f"/api/mechanic/offers/{request.offers.get().pk}/accept")
    stats = mechanic_api.get("/api/mechanic/stats").json()
    assert stats["offersReceived"] == 1 and stats["offersAccepted"] == 1
    assert stats["acceptanceRate"] == 1.0
    assert stats["hasActiveSession"] is True
    response = mechanic_api.post("/api/mechanic/shift", {"online": False}, content_type="application/json")
    assert response.json() == {"online": False, "withdrawnOffers": 0}
    for loose in ("maybe", 0, 1, "true"):
        response = mechanic_api.post("/api/mechanic/shift", {"online": loose}, content_type="application/json")
        assert response.status_code == 422, loose


def test_offer_reasons_come_in_the_readers_language_beside_their_codes(customer, mechanic, mechanic_api, windows):
    request_for(customer.user, routing="selected", selected=mechanic)
    english = mechanic_api.get("/api/mechanic/offers").json()[0]
    french = mechanic_api.get("/api/mechanic/offers", HTTP_ACCEPT_LANGUAGE="fr-ca").json()[0]
    assert english["reasonCodes"][0] == {"code": "customer_chose_you", "params": {}}
    assert english["reasons"][:2] == ["The customer chose you", "Honda specialist"]
    assert french["reasons"][:2] == ["Choisi par le client", "Spécialiste Honda"]
    assert "Disponible maintenant" in french["reasons"]
    assert french["reasonCodes"] == english["reasonCodes"]
    assert len(french["reasons"]) == len(french["reasonCodes"])
