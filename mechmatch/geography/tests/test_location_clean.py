from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.core.geo import PRECISIONS
from mechmatch.geography.services import location_clean
from mechmatch.mechanics.models import Mechanic


@pytest.mark.parametrize(
    ("country", "postal_code", "city", "stored_code", "precision"),
    [
        ("CA", "s0k1a0", "", "S0K 1A0", "postal_code"),
        ("CA", "m5v", "", "M5V", "fsa"),
        ("CA", "N9A 9Z9", "", "N9A 9Z9", "fsa"),  # unknown code, known FSA
        ("US", "48226-1234", "", "48226-1234", "zip"),
        ("CA", "", "Saskatoon", "", "city"),
    ],
)
def test_each_kind_of_input_is_stored_with_the_precision_it_was_located_at(
    country: str, postal_code: str, city: str, stored_code: str, precision: str
) -> None:
    location = location_clean(country=country, postal_code=postal_code, city=city)
    assert (location["postal_code"], location["location_precision"]) == (stored_code, precision)
    assert location["h3_r5"] is not None


def test_a_full_code_without_a_city_takes_its_own_communitys_name() -> None:
    location = location_clean(country="CA", postal_code="S0K 1A0")
    assert (location["city"], location["region"]) == ("Crystal Springs", "SK")


def test_an_fsa_alone_is_accepted_where_it_used_to_be_refused() -> None:
    location = location_clean(country="CA", postal_code="M5V")
    assert location["city"] == "Downtown Toronto" and location["region"] == "ON"


def test_an_fsa_that_does_not_exist_is_refused_on_the_postal_code_field() -> None:
    with pytest.raises(ValidationError) as caught:
        location_clean(country="CA", postal_code="X9Z")
    assert "No location is known" in caught.value.message_dict["postal_code"][0]


def test_every_precision_the_geocoder_gives_is_a_mechanic_location_precision_choice() -> None:
    assert list(Mechanic.LocationPrecision.values) == list(PRECISIONS)
    max_length = Mechanic._meta.get_field("location_precision").max_length
    assert max_length is not None and max_length >= max(len(p) for p in PRECISIONS)
