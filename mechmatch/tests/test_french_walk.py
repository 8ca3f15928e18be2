"""Every page each role can see, asked for in French with Django's client, shows none of the
catalogue's English (the rule in mechmatch.tests.french_walk). The browser test walks the
same pages in chromium; this one runs everywhere, without a browser."""

from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.tests.french_walk import catalogue_phrases, seed_world, untranslated, visible_text

pytestmark = pytest.mark.django_db
REDIRECTING = {"/", "/app/intake/"}  # the home page sends each role to its own start


def french_client(user) -> Client:  # noqa: ANN001
    client = Client(HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    client.force_login(user)
    return client


def test_the_rule_finds_catalogue_english_and_not_french():
    phrases = catalogue_phrases()
    assert "Not my brand" in phrases and "Enter a phone number we can reach you on" in phrases
    assert untranslated("Motif : Not my brand.") == ["Not my brand"]
    assert untranslated("Motif : Pas ma marque. Morgan Tremblay, Honda Civic 2018.") == []


def test_every_page_reads_in_french_for_each_role():
    world = seed_world()
    found: dict[str, list[str]] = {}
    for role, paths in world.pages.items():
        client = french_client(world.person(role))
        for path in paths:
            response = client.get(path, follow=True)
            expected = 404 if path == "/no-such-page/" else 200
            assert response.status_code == expected, (role, path, response.status_code)
            # Only these hand over to another page (a role's start, the draft just made).
            assert path in REDIRECTING or not response.redirect_chain, (role, path, response.redirect_chain)
            html = response.content.decode()
            assert '<html lang="fr-ca"' in html, (role, path)
            if english := untranslated(visible_text(html)):
                found[f"{role} {path}"] = english
    assert found == {}
