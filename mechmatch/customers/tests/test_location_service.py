from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.customers.services import customer_location_update

pytestmark = pytest.mark.django_db


def test_a_city_only_location_is_geocoded_at_city_precision(customer):
    customer_location_update(customer=customer, country="US", city="Detroit", region="MI")
    customer.refresh_from_db()
    assert customer.location_precision == "city"
    assert customer.postal_code == ""
    assert 42.2 < customer.latitude < 42.5


def test_a_postal_code_for_the_wrong_country_names_the_field_and_keeps_the_old_location(customer):
    with pytest.raises(ValidationError) as caught:
        customer_location_update(customer=customer, country="US", postal_code="M5V 2T6")
    assert "postal_code" in caught.value.message_dict
    customer.refresh_from_db()
    assert customer.postal_code == "M5V 2T6"


def test_it_needs_a_city_or_a_postal_code(customer):
    with pytest.raises(ValidationError) as caught:
        customer_location_update(customer=customer, country="CA")
    assert "city" in caught.value.message_dict
