from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.journey.services import intake_current, intake_submit
from mechmatch.journey.tests.conftest import INTAKE_POST
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_the_profile_shows_the_distance_from_the_customers_saved_location_and_its_precision(customer_client):
    mechanic = make_mechanic(display_name="Regina Downtown", postal_code="S4P 3Y2")
    page = customer_client.get(reverse("journey:mechanic", args=[mechanic.pk])).content.decode()
    # The customer fixture lives at M5V 2T6, downtown Toronto: ~2,000 km.
    assert 'data-testid="profile-distance"' in page and "(by postal code)" in page


def test_from_an_intake_the_profile_measures_from_the_intakes_place(customer_client, customer):
    mechanic = make_mechanic(display_name="Regina Downtown", postal_code="S4P 3Y2")
    intake = intake_submit(
        intake=intake_current(user=customer.user),
        data={**INTAKE_POST, "prefer_local": True, "postal_code": "S0K 1A0", "city": ""},
    )
    page = customer_client.get(reverse("journey:mechanic", args=[mechanic.pk]), {"intake": intake.pk})
    assert "267 km away" in page.content.decode()


def test_without_any_customer_location_the_profile_shows_no_distance(outsider_client):
    mechanic = make_mechanic(postal_code="S4P 3Y2")
    page = outsider_client.get(reverse("journey:mechanic", args=[mechanic.pk])).content.decode()
    assert 'data-testid="profile-distance"' not in page and "km away" not in page
