from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mechmatch.accounts.services import token_create
from mechmatch.experiments.tests.conftest import customers_in_each_arm, near_and_well_rated, policy_experiment
from mechmatch.mechanics.selectors import mechanic_eligible_qs
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db
URL = "/api/mechanics"
TORONTO = {"customerCountry": "CA", "customerPostalCode": "M5V 2T6"}


def browse(client: Client | None = None, /, **params: Any):
    return (client or Client()).get(URL, {k: v for k, v in params.items() if v is not None})


def names(response):
    return [item["mechanicName"] for item in response.json()["items"]]


def test_the_directory_lists_eligible_mechanics_with_pagination():
    for i in range(5):
        make_mechanic(display_name=f"Page Person{i}")
    make_mechanic(display_name="Pending Person", approved=False)
    first = browse(pageSize=2, sort="rating").json()
    assert first["total"] == 5 and first["page"] == 1 and first["pageSize"] == 2 and first["hasNext"] is True
    last = browse(pageSize=2, page=3, sort="rating").json()
    assert len(last["items"]) == 1 and last["hasNext"] is False
    assert "Pending Person" not in str(first) + str(last)


def test_filters_by_minimum_rating_brand_service_availability_and_name():
    make_mechanic(display_name="Ada Brakes", rating=4.9, services=["brakes"], brands=["Honda"])
    make_mechanic(display_name="Ben Offline", rating=4.9, services=["brakes"], on_shift=False)
    make_mechanic(display_name="Cy Low", rating=3.1, services=["tires"], brands=["Ford"])
    assert set(names(browse(minRating=4.5))) == {"Ada Brakes", "Ben Offline"}
    assert names(browse(brand="honda")) == ["Ada Brakes"]
    assert names(browse(brand="Chevy")) == []
    assert set(names(browse(service="brakes"))) == {"Ada Brakes", "Ben Offline"}
    assert names(browse(service="brakes", availableNow="true")) == ["Ada Brakes"]
    assert names(browse(q="ben")) == ["Ben Offline"]


def test_max_distance_keeps_only_mechanics_within_that_many_km():
    make_mechanic(display_name="Near Toronto", postal_code="M4C 1A1")
    make_mechanic(display_name="Far Vancouver", postal_code="V6B 1A1")
    data = browse(maxDistanceKm=25, **TORONTO).json()
    assert [i["mechanicName"] for i in data["items"]] == ["Near Toronto"]
    assert data["items"][0]["distance"] < 25 and data["total"] == 1


def test_sort_by_distance_rating_and_experience():
    make_mechanic(display_name="Close Low", postal_code="M5V 3L9", rating=4.0, years_experience=3)
    make_mechanic(display_name="Mid High", postal_code="M4C 1A1", rating=4.9, years_experience=30)
    make_mechanic(display_name="Far Mid", postal_code="L1S 2J5", rating=4.5, years_experience=10)
    assert names(browse(sort="distance", **TORONTO)) == ["Close Low", "Mid High", "Far Mid"]
    assert names(browse(sort="rating", **TORONTO)) == ["Mid High", "Far Mid", "Close Low"]
    assert names(browse(sort="experience")) == ["Mid High", "Far Mid", "Close Low"]


def test_a_signed_in_customers_saved_location_is_used_when_none_is_given(customer_api):
    make_mechanic(display_name="Near Toronto", postal_code="M4C 1A1")
    make_mechanic(display_name="Far Vancouver", postal_code="V6B 1A1")
    assert names(browse(customer_api, maxDistanceKm=25)) == ["Near Toronto"]


def test_a_distance_filter_reads_only_the_cells_around_the_customer():
    make_mechanic(display_name="Near Toronto", postal_code="M4C 1A1")
    with CaptureQueriesContext(connection) as queries:
        browse(maxDistanceKm=30, **TORONTO)
    listing = [q["sql"] for q in queries.captured_queries if "h3_r5" in q["sql"]]
    assert listing, "the distance filter must go through the H3 index"


def test_directory_items_never_include_private_fields():
    make_mechanic(postal_code="M5V 3L9", email="hidden.person@example.test")
    body = browse(**TORONTO).content.decode()
    assert "M5V 3L9" not in body and "hidden.person" not in body and "postalCode" not in body


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"minRating": 7}, "minRating"),
        ({"minRating": "high"}, "minRating"),
        ({"maxDistanceKm": -3, **TORONTO}, "maxDistanceKm"),
        ({"maxDistanceKm": 20}, "maxDistanceKm"),
        ({"sort": "cheapest"}, "sort"),
        ({"sort": "distance"}, "sort"),
        ({"page": 0}, "page"),
        ({"pageSize": 51}, "pageSize"),
        ({"brand": "Notabrand"}, "brand"),
        ({"service": "flux_capacitor"}, "service"),
        ({"customerCountry": "CA", "customerPostalCode": "nope"}, "customerPostalCode"),
        ({"customerPostalCode": "M5V 2T6"}, "customerCountry"),
    ],
)
def test_bad_parameters_get_a_4xx_naming_the_parameter(params, field):
    response = browse(**params)
    assert response.status_code in (400, 422), response.content
    assert field in [e["field"] for e in response.json()["errors"]]


def test_directory_items_say_how_exact_their_distance_is_and_null_without_a_location():
    make_mechanic(display_name="Exact", postal_code="M5V 3L9")
    item = browse(**TORONTO, sort="distance").json()["items"][0]
    assert item["distance"] is not None and item["distancePrecision"] == "postal_code"
    item = browse(**(TORONTO | {"customerPostalCode": "M5V"}), sort="distance").json()["items"][0]
    assert item["distancePrecision"] == "fsa"
    item = browse(sort="rating").json()["items"][0]
    assert item["distance"] is None and item["distancePrecision"] is None


def test_without_a_location_the_count_stops_at_a_cap_and_says_it_is_a_lower_bound(monkeypatch):
    monkeypatch.setattr("mechmatch.matching.services.DIRECTORY_COUNT_CAP", 3)
    for i in range(6):
        make_mechanic(display_name=f"Capped Person{i}")
    first = browse(pageSize=2, sort="rating").json()
    assert first["total"] == 3 and first["totalIsLowerBound"] is True and first["hasNext"] is True
    # The count always reaches past the page asked for, so the last page is exact.
    last = browse(pageSize=2, page=3, sort="rating").json()
    assert last["total"] == 6 and last["totalIsLowerBound"] is False and last["hasNext"] is False
    assert len(last["items"]) == 2


def test_a_located_directory_counts_exactly():
    for i in range(3):
        make_mechanic(display_name=f"Toronto Person{i}", postal_code="M5V 3L9")
    data = browse(sort="rating", **TORONTO).json()
    assert data["total"] == 3 and data["totalIsLowerBound"] is False


@pytest.mark.parametrize(
    ("order", "index"),
    [
        (("-rating_average", "-review_count", "-id"), "mechanic_by_rating"),
        (("-years_experience", "-id"), "mechanic_by_experience"),
        (("-is_on_shift", "-rating_average", "-review_count", "-id"), "mechanic_by_best"),
    ],
)
def test_nationwide_sorts_can_walk_their_partial_index(order, index):
    # The eligibility filter must state the indexes' condition, or neither database may use
    # them. Sorting is switched off on PostgreSQL so a tiny table still shows the plan.
    make_mechanic(display_name="Indexed Person")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = mechanic_eligible_qs().order_by(*order).values_list("id")[:20].explain()
    assert index in plan


@pytest.mark.parametrize("within_km", [None, 60])
def test_best_match_sorts_a_customer_with_their_policy_experiment_arm(within_km):
    treated, control = customers_in_each_arm(policy_experiment("rating_heavy", treatment=50, control=50))
    near_and_well_rated()
    clients = {}
    for arm, profile in (("treatment", treated), ("control", control)):
        _, raw = token_create(user=profile.user, name="tests")
        clients[arm] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    best = {"sort": "best", "maxDistanceKm": within_km, **TORONTO}
    assert names(browse(clients["treatment"], **best)) == ["Rafa Rated", "Nadia Near"]
    assert names(browse(clients["control"], **best)) == ["Nadia Near", "Rafa Rated"]
