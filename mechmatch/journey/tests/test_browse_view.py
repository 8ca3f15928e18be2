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


def test_a_name_search_ignores_accents_and_case(customer_client, customer):
    make_mechanic(display_name="Éléonore Gagnon", postal_code="M5V 3L9")
    page = customer_client.get(reverse("journey:browse"), {"q": "ELEONORE"}).content.decode()
    assert "Éléonore Gagnon" in page
    page = customer_client.get(reverse("journey:browse"), {"q": "gagnón"}).content.decode()
    assert "Éléonore Gagnon" in page


@pytest.mark.parametrize("sort", ["rating", "experience"])
def test_sorting_by_rating_or_experience_stays_around_the_customer(customer_client, customer, sort):
    make_mechanic(display_name="Tara Toronto", postal_code="M5V 3L9", rating=4.5, years_experience=5)
    make_mechanic(display_name="Vic Vancouver", postal_code="V6B 1A1", rating=5.0, years_experience=40)
    page = customer_client.get(reverse("journey:browse"), {"sort": sort}).content.decode()
    assert "Tara Toronto" in page
    assert "Vic Vancouver" not in page


def test_cards_name_the_brand_searched_for_first(customer_client, customer):
    make_mechanic(display_name="Nina Both", postal_code="M5V 3L9", brands=["Nissan", "BMW"])
    page = customer_client.get(reverse("journey:browse"), {"brand": "BMW"}).content.decode()
    assert "BMW specialist" in page
    assert "Nissan specialist" not in page


def test_every_card_has_a_choose_button_that_puts_the_mechanic_on_the_intake(customer_client, customer):
    chosen = make_mechanic(display_name="Tara Toronto", postal_code="M5V 3L9")
    intake = ready_intake(customer)
    page = customer_client.get(reverse("journey:browse"), {"intake": intake.pk}).content.decode()
    assert f'data-testid="choose-{chosen.pk}"' in page
    response = customer_client.post(
        reverse("journey:mechanic_choose", args=[chosen.pk]), {"intake": intake.pk, "source": "browse"}
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.chosen_mechanic_id == chosen.pk


def test_a_page_past_the_end_says_so_instead_of_no_mechanics_match(customer_client, toronto_mechanics):
    response = customer_client.get(reverse("journey:browse"), {"page": "99"})
    page = response.content.decode()
    assert 'data-testid="past-end"' in page
    assert "No mechanics match" not in page
    assert "page=1" in page  # three mechanics fit on one page: the link goes back to it


def test_a_count_that_stopped_at_its_cap_reads_more_than(customer_client, monkeypatch):
    monkeypatch.setattr("mechmatch.matching.services.DIRECTORY_COUNT_CAP", 2)
    monkeypatch.setattr("mechmatch.matching.services._saved_location", lambda user: None)
    for i in range(14):
        make_mechanic(display_name=f"Nationwide Person{i}")
    # Twelve cards a page: the count reaches one past the page (13 of 14), then says "more than".
    page = customer_client.get(reverse("journey:browse"), {"sort": "rating"}).content.decode()
    assert "More than 12 mechanics" in page and 'rel="next"' in page
    last = customer_client.get(reverse("journey:browse"), {"sort": "rating", "page": "2"}).content.decode()
    assert "14 mechanics" in last and "More than" not in last and 'rel="next"' not in last
