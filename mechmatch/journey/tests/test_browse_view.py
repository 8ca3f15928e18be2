from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.funnel.models import FunnelEvent
from mechmatch.journey.tests.conftest import ready_intake
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_browsing_lists_mechanics_and_records_one_browsed_event_per_search(customer_client, toronto_mechanics):
    page = customer_client.get(reverse("journey:browse"), {"q": "Lee"}).content.decode()
    assert "Morgan Lee" in page and "Sarah Lee" in page and "Mike Chen" not in page
    customer_client.get(reverse("journey:browse"), {"q": "Lee", "page": "2"})
    events = FunnelEvent.objects.filter(name="browsed")
    assert events.count() == 1
    assert events.get().properties["results"] == 2


def test_browsing_escapes_a_hostile_name_search(customer_client, toronto_mechanics):
    page = customer_client.get(reverse("journey:browse"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_a_filter_the_directory_refuses_is_reported_beside_its_field(customer_client, toronto_mechanics):
    response = customer_client.get(reverse("journey:browse"), {"brand": "Zzyzx"})
    assert response.status_code == 200
    assert response.context["form"].errors["brand"]
    assert response.context["directory"].total == 0


def test_view_all_from_a_preview_centres_on_the_intake_not_the_account_address(customer_client, customer):
    make_mechanic(display_name="Tara Toronto", postal_code="M5V 3L9")
    make_mechanic(display_name="Wes Windsor", postal_code="N9A 6J3")
    intake = ready_intake(customer, city="Windsor", postal_code="N9A 6J3")
    query = {"intake": intake.pk, "sort": "distance"}
    page = customer_client.get(reverse("journey:browse"), query).content.decode()
    assert page.index("Wes Windsor") < page.index("Tara Toronto")
