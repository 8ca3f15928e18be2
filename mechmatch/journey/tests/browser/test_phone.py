"""The journey on a 360 px wide phone: nothing wider than the screen, every control labelled
and big enough to tap."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mechmatch.journey.tests.browser.helpers import fill_intake, seed_toronto_mechanics, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


UNLABELLED_CONTROLS = """
[...document.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.innerText.trim()))
  .map(el => el.outerHTML.slice(0, 80))
"""
SMALL_TARGETS = """
[...document.querySelectorAll('main button, main .button, main input[type=submit]')]
  .filter(el => el.offsetParent !== null)
  .filter(el => el.getBoundingClientRect().height < 32)
  .map(el => el.outerHTML.slice(0, 80))
"""


def _fits(page) -> None:  # noqa: ANN001
    """Nothing wider than the screen, every control has an accessible name, and buttons are
    big enough to hit with a thumb."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
    assert page.evaluate(UNLABELLED_CONTROLS) == [], f"{page.url} has controls without a label"
    assert page.evaluate(SMALL_TARGETS) == [], f"{page.url} has buttons too small to tap"


def test_the_booking_pages_fit_a_phone_screen(new_context, shots):
    seed_toronto_mechanics()
    page = new_context(**PHONE).new_page()
    sign_up(page, first_name="Sam", email="sam.phone@example.test")
    page.goto("/app/")
    _fits(page)
    shots(page, "dashboard")
    page.get_by_role("link", name="Start a session").click()
    # A wrong postal code is flagged beside the field as it is typed, and again by the server.
    page.locator("#id_postal_code").fill("90210")
    page.locator("#id_postal_code").press("Tab")
    expect(page.locator("#id_postal_code-error")).to_contain_text("Canadian postal code")
    fill_intake(page)
    expect(page.locator("#id_postal_code-error")).to_be_empty()
    _fits(page)
    shots(page, "intake")
    page.get_by_role("button", name="Find mechanics").click()
    expect(page.get_by_role("button", name="Continue with Morgan")).to_be_visible()
    _fits(page)
    shots(page, "preview")
    page.get_by_role("button", name="Continue with Morgan").click()
    _fits(page)
    shots(page, "plan")
    page.goto("/app/mechanics/")
    _fits(page)
    shots(page, "browse")
