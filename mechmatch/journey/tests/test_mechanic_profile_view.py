from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.customers.services import favourite_add
from mechmatch.journey.services import intake_current, intake_submit
from mechmatch.journey.tests.conftest import INTAKE_POST
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db


def test_the_profile_shows_what_customers_may_see_and_how_to_choose(customer_client, toronto_mechanics):
    morgan = toronto_mechanics[0]
    page = customer_client.get(reverse("journey:mechanic", args=[morgan.pk])).content.decode()
    assert '<h1 id="profile-name">Morgan Lee</h1>' in page
    assert "Honda specialist" in page and "Available now" in page and "Brakes" in page
    assert "Choose this mechanic" in page and "Add to favourites" in page
    assert morgan.user.email not in page and morgan.postal_code not in page


def test_a_favourite_is_marked_and_chosen_as_a_favourite(customer_client, customer, toronto_mechanics):
    favourite_add(customer=customer, mechanic=toronto_mechanics[0])
    page = customer_client.get(reverse("journey:mechanic", args=[toronto_mechanics[0].pk])).content.decode()
    assert "In your favourites" in page and 'name="source" value="favourite"' in page


def test_a_mechanic_not_approved_has_no_public_profile(customer_client):
    pending = make_mechanic(display_name="Pat Pending", approved=False)
    assert customer_client.get(reverse("journey:mechanic", args=[pending.pk])).status_code == 404
    assert customer_client.get(reverse("journey:mechanic", args=[999_999])).status_code == 404


def test_another_customers_intake_cannot_be_carried_onto_the_profile(customer_client, toronto_mechanics):
    other = intake_current(user=make_customer(email="other@example.test").user)
    url = reverse("journey:mechanic", args=[toronto_mechanics[0].pk])
    assert customer_client.get(url, {"intake": other.pk}).status_code == 404


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
