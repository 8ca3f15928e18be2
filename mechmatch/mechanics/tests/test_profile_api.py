"""A mechanic can edit their own profile, and nothing else: the source platform let
mechanics write their own rating and approval."""

from __future__ import annotations

import pytest

from mechmatch.mechanics.models import Mechanic

pytestmark = pytest.mark.django_db

SERVER_OWNED_PAYLOAD = {
    "rating": 5.0,
    "rating_average": 5.0,
    "ratingAverage": 5.0,
    "reviewCount": 9999,
    "review_count": 9999,
    "completedSessions": 9999,
    "averageResponseTime": 1,
    "applicationStatus": "approved",
    "application_status": "approved",
    "accountStatus": "active",
    "redSealVerified": True,
    "red_seal_verified": True,
    "profileCompletion": 100,
}


def test_a_mechanic_reads_their_own_private_profile(mechanic, mechanic_api):
    body = mechanic_api.get("/api/mechanic/profile").json()
    assert body["id"] == mechanic.pk
    assert body["postalCode"] == "M5V 2T6"


def test_a_mechanic_updates_the_fields_that_are_theirs(mechanic, mechanic_api):
    response = mechanic_api.patch(
        "/api/mechanic/profile",
        {"bio": "Hybrids and EVs.", "brandSpecializations": ["chevy", "Merc"], "postalCode": "k1p 1j1"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    mechanic.refresh_from_db()
    assert mechanic.bio == "Hybrids and EVs."
    assert mechanic.brand_specializations == ["Chevrolet", "Mercedes-Benz"]
    assert mechanic.postal_code == "K1P 1J1"
    assert 45.3 < mechanic.latitude < 45.5
    assert set(mechanic.brand_rows.values_list("brand", flat=True)) == {"Chevrolet", "Mercedes-Benz"}


def test_server_owned_fields_cannot_be_written_through_the_api(mechanic, mechanic_api):
    Mechanic.objects.filter(pk=mechanic.pk).update(
        application_status="pending", rating_average=3.1, review_count=4, red_seal_verified=False
    )
    response = mechanic_api.patch(
        "/api/mechanic/profile", {**SERVER_OWNED_PAYLOAD, "bio": "New."}, content_type="application/json"
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == set(SERVER_OWNED_PAYLOAD)
    mechanic.refresh_from_db()
    assert mechanic.bio != "New."

    assert mechanic.rating_average == 3.1
    assert mechanic.review_count == 4
    assert mechanic.completed_sessions == 60
    assert mechanic.application_status == "pending"
    assert mechanic.red_seal_verified is False


def test_changing_a_red_seal_claim_clears_its_verification(mechanic, mechanic_api):
    Mechanic.objects.filter(pk=mechanic.pk).update(red_seal_certified=True, red_seal_verified=True)
    mechanic_api.patch(
        "/api/mechanic/profile",
        {"redSealProvince": "ON", "redSealExpiresOn": "2029-01-01"},
        content_type="application/json",
    )
    mechanic.refresh_from_db()
    assert mechanic.red_seal_verified is False


def test_a_bad_postal_code_is_a_400_naming_the_field_and_keeps_the_old_one(mechanic, mechanic_api):
    response = mechanic_api.patch("/api/mechanic/profile", {"postalCode": "ZZZ"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "postalCode"
    mechanic.refresh_from_db()
    assert mechanic.postal_code == "M5V 2T6"


def test_a_mechanic_cannot_grant_themself_master_tier(mechanic, mechanic_api):
    response = mechanic_api.patch(
        "/api/mechanic/profile", {"specialistTier": "master"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "specialistTier"


def test_a_customer_has_no_mechanic_profile(customer_api):
    assert customer_api.get("/api/mechanic/profile").status_code == 404


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/mechanic/profile").status_code == 401


@pytest.mark.parametrize(
    "body",
    [[None, None], {"displayName": None}, {"postalCode": None}, {"yearsExperience": True}, {"redSealCertified": 0}],
)
def test_nulls_arrays_and_loose_types_are_refused_with_a_422(mechanic, mechanic_api, body):
    response = mechanic_api.patch("/api/mechanic/profile", body, content_type="application/json")
    assert response.status_code == 422, response.content
    mechanic.refresh_from_db()
    assert (mechanic.display_name, mechanic.postal_code) == ("Morgan Lee", "M5V 2T6")
