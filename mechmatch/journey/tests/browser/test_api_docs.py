"""The API's Swagger page works under the site's Content-Security-Policy: its scripts and
styles are our static files, and trying an operation calls this origin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_and_an_operation_can_be_tried(new_context, shots):
    page = new_context().new_page()
    response = page.goto("/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("mechmatch API")
    operation = page.locator("#operations-matching-mechmatch_matching_api_mechanic_directory")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    shots(page, "docs")
