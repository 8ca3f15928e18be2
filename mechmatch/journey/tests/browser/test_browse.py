"""Browse & select: the directory's filters, then a profile, then choosing from it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mechmatch.journey.tests.browser.helpers import seed_toronto_mechanics, sign_up
from mechmatch.testing import make_mechanic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browsing_with_filters_narrows_the_list_and_a_profile_can_be_chosen(new_context, shots):
    seed_toronto_mechanics()
    make_mechanic(display_name="Val Tremblay", postal_code="H2X 1Y4", rating=3.2, reviews=12, on_shift=False)
    page = new_context().new_page()
    sign_up(page, first_name="Alex", email="alex.browser@example.test")
    page.goto("/app/mechanics/")
    expect(page.get_by_test_id("result-count")).to_have_text("4 mechanics")
    shots(page, "all")

    page.get_by_label("Minimum rating").select_option("4.5")
    page.get_by_label("Distance").select_option("25")
    page.get_by_label("Available now").check()
    page.get_by_label("Sort by").select_option("rating")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("3 mechanics")
    expect(page.locator(".mech-name").first).to_have_text("Morgan Lee")
    shots(page, "filtered")

    page.get_by_label("Brand").fill("honda")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 mechanic")

    page.get_by_label("Brand").fill("")
    page.get_by_label("Name").fill("chen")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 mechanic")
    page.get_by_role("link", name="Mike Chen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mike Chen")
    shots(page, "profile")

    page.get_by_role("button", name="Add to favourites").click()
    expect(page.get_by_text("In your favourites")).to_be_visible()
    page.get_by_role("button", name="Choose this mechanic").click()
    # No intake yet: the choice is kept and the intake asks for the car.
    expect(page.get_by_text("Your request will go to Mike Chen first.")).to_be_visible()
    shots(page, "intake-with-chosen-mechanic")
