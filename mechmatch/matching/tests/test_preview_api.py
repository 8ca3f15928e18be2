from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mechmatch.accounts.services import token_create
from mechmatch.customers.models import Favourite
from mechmatch.experiments.models import Exposure
from mechmatch.experiments.tests.conftest import customers_in_each_arm, near_and_well_rated, policy_experiment
from mechmatch.funnel.models import FunnelEvent
from mechmatch.mechanics.models import Mechanic
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db
URL = "/api/matching/preview"
PRIVATE_KEYS = ("postalCode", "postal_code", "email", "phone", "user", "latitude", "longitude", "offers")


def preview(client: Client | None = None, **body):
    payload = {
        "concern": "My brakes squeal when I stop",
        "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
        "requestType": "general",
        "customerCountry": "CA",
        "customerPostalCode": "M5V 2T6",
        "preferLocalMechanic": True,
    }
    payload.update(body)
    payload = {k: v for k, v in payload.items() if v is not None}
    return (client or Client()).post(URL, json.dumps(payload), content_type="application/json")


def ids(items):
    return [item["mechanicId"] for item in items]


def test_a_local_match_comes_first_with_distance_reasons_and_breakdown():
    local = make_mechanic(display_name="Dana Local", postal_code="M5V 3L9", brands=["Honda"], services=["brakes"])
    make_mechanic(display_name="Vic Vancouver", postal_code="V6B 1A1", brands=["Honda"], services=["brakes"])
    response = preview()
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["success"] is True and data["hasLocalMatches"] is True
    assert data["keywords"] == ["brakes"]
    first = data["matches"][0]
    assert first["mechanicId"] == local.pk
    assert first["isLocalMatch"] is True and first["distance"] < 20
    assert first["availability"] == "online"
    assert "Honda specialist" in first["matchReasons"]
    assert first["matchSummary"].startswith("Honda specialist · ")
    assert set(first["scoreBreakdown"]) >= {"availability", "concern", "brand", "distance", "rating"}
    assert data["fallback"]["scenario"] == "none"


def test_the_preview_lists_at_most_five_matches_but_counts_all():
    for _ in range(7):
        make_mechanic(postal_code="M5V 3L9")
    data = preview().json()
    assert len(data["matches"]) == 5 and data["totalMatches"] == 7


def test_no_mechanic_within_20_km_lists_the_closest_with_their_distances():
    regina = make_mechanic(display_name="Mike Regina", postal_code="S4P 3Y2")
    calgary = make_mechanic(display_name="Sarah Calgary", postal_code="T2P 1J9")
    data = preview(customerPostalCode="S0K 0A0").json()
    fallback = data["fallback"]
    assert data["hasLocalMatches"] is False
    assert fallback["scenario"] == "no_local"
    assert ids(fallback["closest"]) == [regina.pk, calgary.pk]
    assert 200 < fallback["closest"][0]["distance"] < 260
    assert fallback["closest"][1]["distance"] > 500
    assert "continue_remote" in fallback["options"] and "schedule" in fallback["options"]
    assert "20 km" in fallback["message"]


def test_a_far_brand_specialist_comes_first_and_local_generalists_are_offered():
    # Customer in Ajax: the only BMW specialist works downtown Toronto, ~37 km away.
    specialist = make_mechanic(display_name="John Bmw", postal_code="M5V 2T6", brands=["BMW"])
    generalist = make_mechanic(display_name="Mike General", postal_code="L1S 2J5", rating=4.8, reviews=90)
    data = preview(
        concern="Need my iDrive coded", requestType="brand_specialist", requestedBrand="bmw",
        vehicle={"make": "BMW", "model": "X3", "year": 2020}, customerPostalCode="L1S 2J5",
    ).json()  # fmt: skip
    assert data["matches"][0]["mechanicId"] == specialist.pk
    assert data["matches"][0]["isBrandSpecialist"] is True
    assert 30 < data["matches"][0]["distance"] < 45
    fallback = data["fallback"]
    assert fallback["scenario"] == "specialist_far"
    assert ids(fallback["localAlternatives"]) == [generalist.pk]
    assert fallback["options"][:2] == ["continue_remote", "choose_local"]
    assert "BMW" in fallback["message"]
    assert data["requestedBrand"] == "BMW"


def test_when_nobody_is_on_shift_the_preview_says_so_and_offers_to_schedule_or_wait():
    offline = make_mechanic(postal_code="M5V 3L9", on_shift=False)
    data = preview().json()
    assert data["fallback"]["scenario"] == "nobody_available"
    assert {"schedule", "wait"} <= set(data["fallback"]["options"])
    assert ids(data["matches"]) == [offline.pk]
    assert data["matches"][0]["availability"] == "offline"


def test_with_no_mechanics_at_all_the_preview_still_answers():
    data = preview().json()
    assert data["success"] is True and data["matches"] == []
    assert data["fallback"]["scenario"] == "nobody_available"


def test_with_prefer_local_off_a_much_better_mechanic_far_away_can_win():
    near = make_mechanic(postal_code="M5V 3L9", rating=4.2, reviews=8, years_experience=2, completed_sessions=9)
    star = make_mechanic(
        postal_code="L1S 2J5", rating=4.95, reviews=420, years_experience=25, completed_sessions=900, red_seal=True
    )
    assert ids(preview(preferLocalMechanic=True).json()["matches"])[0] == near.pk
    assert ids(preview(preferLocalMechanic=False).json()["matches"])[0] == star.pk


def test_a_windsor_customer_sees_a_detroit_mechanic_two_km_away_as_local():
    detroit = make_mechanic(display_name="Dee Detroit", country="US", postal_code="48226")
    make_mechanic(display_name="Lon London", postal_code="N6A 1A1")
    data = preview(customerPostalCode="N9A 1A1").json()
    first = data["matches"][0]
    assert first["mechanicId"] == detroit.pk
    assert first["isLocalMatch"] is True and 1 < first["distance"] < 4
    assert first["country"] == "US"
    assert data["fallback"]["scenario"] == "none"


def test_a_city_only_customer_is_placed_at_the_city_centre():
    hamilton = make_mechanic(postal_code="L8P 1A1")
    data = preview(customerPostalCode=None, customerCity="Hamilton", customerRegion="ON").json()
    assert data["locationPrecision"] == "city"
    assert data["matches"][0]["mechanicId"] == hamilton.pk and data["matches"][0]["isLocalMatch"] is True


def test_the_country_is_one_of_the_codes_the_schema_lists():
    make_mechanic(postal_code="M5V 3L9")
    assert preview(customerCountry="US", customerPostalCode="48226").status_code == 200
    response = preview(customerCountry="Canada")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "customerCountry")


def test_unapproved_and_suspended_mechanics_are_never_matched():
    make_mechanic(postal_code="M5V 3L9", approved=False)
    suspended = make_mechanic(postal_code="M5V 3L9")
    Mechanic.objects.filter(pk=suspended.pk).update(account_status=Mechanic.AccountStatus.SUSPENDED)
    assert preview().json()["matches"] == []


def test_public_output_never_contains_private_fields():
    make_mechanic(postal_code="M5V 3L9", email="secret.mechanic@example.test")
    body = preview().content.decode()
    assert "secret.mechanic" not in body and "M5V 3L9" not in body
    for item in preview().json()["matches"]:
        assert not any(key in item for key in PRIVATE_KEYS)


def test_html_in_a_bio_is_returned_as_json_text_not_as_html():
    make_mechanic(postal_code="M5V 3L9", bio="<script>alert(1)</script> I fix brakes and more brakes every day.")
    response = preview()
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["matches"][0]["bio"].startswith("<script>")


def test_distance_is_never_the_999_sentinel():
    make_mechanic(postal_code="V6B 1A1")
    for match in preview().json()["matches"]:
        assert match["distance"] != 999


def test_a_signed_in_customers_favourite_is_marked_and_the_preview_is_recorded(customer, customer_api):
    favourite = make_mechanic(postal_code="M5V 3L9")
    Favourite.objects.create(customer=customer, mechanic=favourite)
    data = preview(customer_api).json()
    assert data["matches"][0]["isFavourite"] is True
    assert "One of your favourites" in data["matches"][0]["matchReasons"]
    event = FunnelEvent.objects.get(name="preview_shown")
    assert event.user_id == customer.user_id and event.mechanic_id == favourite.pk


def test_anonymous_previews_record_no_funnel_event():
    make_mechanic(postal_code="M5V 3L9")
    preview()
    assert not FunnelEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"concern": None}, "concern"),
        ({"concern": "   "}, "concern"),
        ({"concern": "x" * 5001}, "concern"),
        ({"customerCountry": None}, "customerCountry"),
        ({"customerCountry": "France"}, "customerCountry"),
        ({"customerPostalCode": None}, "customerCity"),
        ({"customerPostalCode": "ABC"}, "customerPostalCode"),
        ({"customerPostalCode": "Z9Z 9Z9"}, "customerPostalCode"),
        ({"requestType": "cheapest"}, "requestType"),
        ({"requestType": "brand_specialist", "requestedBrand": "Trabantx", "vehicle": None}, "requestedBrand"),
        ({"requestType": "brand_specialist", "vehicle": None}, "requestedBrand"),
        ({"vehicle": {"year": 1800}}, "vehicle.year"),
    ],
)
def test_invalid_input_gets_a_4xx_naming_the_field(body, field):
    response = preview(**body)
    assert response.status_code in (400, 422), response.content
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_broken_json_body_is_a_4xx_not_a_500():
    response = Client().post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_reasons_and_fallback_follow_accept_language():
    make_mechanic(display_name="Dana Local", postal_code="M5V 3L9", brands=["Honda"], services=["brakes"])
    payload = json.dumps(
        {
            "concern": "My brakes squeal when I stop",
            "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
            "customerCountry": "CA",
            "customerPostalCode": "M5V 2T6",
        }
    )
    english = Client().post(URL, payload, content_type="application/json").json()["matches"][0]
    assert english["matchReasons"][:2] == ["Honda specialist", "Experienced with Brakes"]
    french = Client().post(URL, payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr-ca").json()
    first = french["matches"][0]
    assert first["matchReasons"][:2] == ["Spécialiste Honda", "Expérimenté en freins"]
    assert "Disponible maintenant" in first["matchReasons"] and "4,6★ selon 40 avis" in first["matchReasons"]
    assert len(first["matchReasons"]) == len(english["matchReasons"])
    assert (
        first["matchSummary"] == f"Spécialiste Honda · Expérimenté en freins · +{len(first['matchReasons']) - 2} autres"
    )


def test_the_fallback_message_follows_accept_language():
    make_mechanic(postal_code="S4P 3Y2")  # Regina, far from rural Saskatchewan
    body = preview(customerPostalCode="S0K 0A0").json()["fallback"]["message"]
    assert body == "No mechanics within 20 km of you. The closest can help remotely."
    payload = json.dumps({"concern": "Brakes squeal", "customerCountry": "CA", "customerPostalCode": "S0K 0A0"})
    french = Client().post(URL, payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr-CA").json()
    assert french["fallback"]["message"] == (
        "Aucun mécanicien dans un rayon de 20 km. Les plus proches peuvent vous aider à distance."
    )


def test_each_match_says_how_exact_its_distance_is():
    make_mechanic(display_name="Exact", postal_code="M5V 3L9")
    make_mechanic(display_name="By City", postal_code="", city="Toronto")
    data = preview().json()
    assert data["locationPrecision"] == "postal_code"
    by_name = {m["mechanicName"]: m for m in data["matches"]}
    assert by_name["Exact"]["distancePrecision"] == "postal_code"
    assert by_name["By City"]["distancePrecision"] == "city"


def test_an_fsa_alone_is_accepted_and_every_distance_is_at_fsa_precision():
    make_mechanic(display_name="Exact", postal_code="M5V 3L9")
    response = preview(customerPostalCode="m5v")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["locationPrecision"] == "fsa"
    assert data["matches"][0]["distancePrecision"] == "fsa" and data["matches"][0]["distance"] < 5


def test_a_rural_customer_is_measured_from_their_own_postal_code_not_the_fsa_centroid():
    make_mechanic(display_name="Regina Downtown", postal_code="S4P 3Y2")
    match = preview(customerPostalCode="S0K 1A0").json()["matches"][0]
    # Crystal Springs is ~267 km from Regina; its FSA's centroid is ~232 km away.
    assert 265 <= match["distance"] <= 269 and match["distancePrecision"] == "postal_code"


def test_a_remote_customer_sees_the_nearest_available_mechanics_with_their_distance():
    toronto = make_mechanic(display_name="Tori Toronto", postal_code="M5V 3L9")
    data = preview(customerPostalCode="X0A 0H0").json()  # Iqaluit
    assert ids(data["matches"]) == [toronto.pk]
    assert data["hasLocalMatches"] is False and data["fallback"]["scenario"] == "no_local"
    assert 2300 < data["matches"][0]["distance"] < 2400


def test_a_remote_customer_is_told_all_are_busy_only_when_nobody_anywhere_is_available():
    make_mechanic(postal_code="M5V 3L9", on_shift=False)
    data = preview(customerPostalCode="X0A 0H0").json()
    assert data["matches"] == []


def test_the_api_ranks_a_customer_with_their_policy_experiment_arm_like_the_pages_do():
    treated, control = customers_in_each_arm(policy_experiment("rating_heavy", treatment=50, control=50))
    nadia, rafa = near_and_well_rated()
    body: dict[str, Any] = {"concern": "My brakes squeal", "vehicle": None, "customerPostalCode": "M5V 2T6"}
    treated_api, control_api = Client(), Client()
    treated_api.force_login(treated.user)
    _, raw = token_create(user=control.user, name="tests")
    control_api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ids(preview(treated_api, **body).json()["matches"]) == [rafa.pk, nadia.pk]
    assert ids(preview(control_api, **body).json()["matches"]) == [nadia.pk, rafa.pk]
    assert ids(preview(**body).json()["matches"]) == [nadia.pk, rafa.pk]
    assert Exposure.objects.filter(experiment__name="rating_heavy").count() == 2
