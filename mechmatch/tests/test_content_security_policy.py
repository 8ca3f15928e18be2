"""Every response carries the Content-Security-Policy (django-csp); the browser tests fail on
any violation, this pins the policy itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:  # noqa: ANN001
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", ["/", "/accounts/signin/", "/api/docs", "/api/openapi.json"])
def test_pages_and_the_api_allow_only_this_origin(path):
    policy = _policy(Client().get(path))
    for directive in ("default-src", "script-src", "style-src", "connect-src"):
        assert policy[directive] == ["'self'"], directive
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_forms_may_post_here_and_to_stripe_checkout_only():
    assert _policy(Client().get("/"))["form-action"] == ["'self'", "https://checkout.stripe.com"]


def test_no_template_has_inline_script_or_style(settings):
    # The policy has no 'unsafe-inline': any of these would be blocked in the browser.
    base = Path(settings.BASE_DIR)
    templates = [*base.glob("templates/**/*.html"), *base.glob("mechmatch/*/templates/**/*.html")]
    assert len(templates) > 20
    for template in templates:
        text = template.read_text()
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", text), template
        for script in re.findall(r"<script[^>]*>", text):
            assert " src=" in script, template
