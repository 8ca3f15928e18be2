from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.customers.services import vehicle_add

pytestmark = pytest.mark.django_db


def test_it_normalises_the_make_and_keeps_a_valid_vin(customer):
    vehicle = vehicle_add(customer=customer, year=2019, make="chevy", model="Bolt", vin="1m8gdm9axkp042788")
    assert vehicle.make == "Chevrolet"
    assert vehicle.vin == "1M8GDM9AXKP042788"


@pytest.mark.parametrize(
    ("vin", "reason"),
    [("1M8GDM9AXKP04278", "17"), ("1M8GDM9AXKP04278O", "other than"), ("1M8GDM9A1KP042788", "check digit")],
)
def test_it_refuses_an_invalid_vin_naming_the_field(customer, vin, reason):
    with pytest.raises(ValidationError) as caught:
        vehicle_add(customer=customer, year=2019, make="Chevrolet", model="Bolt", vin=vin)
    assert reason in caught.value.message_dict["vin"][0]


def test_it_names_every_bad_field_at_once(customer):
    with pytest.raises(ValidationError) as caught:
        vehicle_add(customer=customer, year="banana", make="Flying Carpet", model="")
    assert set(caught.value.message_dict) == {"year", "make", "model"}


def test_adding_the_same_car_twice_keeps_one_vehicle(customer):
    first = vehicle_add(customer=customer, year=2020, make="Honda", model="Civic")
    second = vehicle_add(customer=customer, year=2020, make="HONDA", model="civic")
    assert first.pk == second.pk
    assert customer.vehicles.count() == 1
