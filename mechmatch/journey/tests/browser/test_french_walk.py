"""The French walk in chromium: a customer, two mechanics and an operator sign in through
the French sign-in page and visit every page they can see (mechmatch.tests.french_walk);
no page's rendered text holds the catalogue's English, by the rule that module states."""

from __future__ import annotations

import pytest

from mechmatch.testing import PASSWORD
from mechmatch.tests.french_walk import seed_world, untranslated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Text a reader meets besides the page's text: what fields, images and buttons say.
SHOWN_ATTRIBUTES = """() => [...document.querySelectorAll('[placeholder],[title],[alt],[aria-label]')]
  .flatMap(e => ['placeholder', 'title', 'alt', 'aria-label'].map(a => e.getAttribute(a) || ''))
  .join('\\n')"""


def sign_in_in_french(page, email: str) -> None:  # noqa: ANN001
    page.goto("/accounts/signin/")
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_every_page_reads_in_french_in_the_browser(new_context, shots):
    world = seed_world()
    found: dict[str, list[str]] = {}
    for role, paths in world.pages.items():
        page = new_context(locale="fr-CA", extra_http_headers={"Accept-Language": "fr-CA,fr;q=0.9"}).new_page()
        sign_in_in_french(page, world.person(role).email)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == (404 if path == "/no-such-page/" else 200), path
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == "fr-ca", (role, path)
            text = page.locator("body").inner_text() + "\n" + page.evaluate(SHOWN_ATTRIBUTES)
            if english := untranslated(text):
                found[f"{role} {path}"] = english
        shots(page, f"{role}-last-page")
    assert found == {}
