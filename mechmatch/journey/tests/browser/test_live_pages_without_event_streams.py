"""static/js/stream.js falls back to polling where server-sent events are unavailable (old
browsers, proxies that buffer): the live pages still update without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mechmatch.dispatch.tests.factories import request_for
from mechmatch.journey.tests.browser.helpers import sign_in
from mechmatch.testing import make_customer, make_mechanic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_EVENT_SOURCE = "delete window.EventSource;"


def test_without_event_streams_the_offer_list_and_the_waiting_room_poll(new_context, shots):
    mechanic = make_mechanic(display_name="Morgan Lee", email="morgan.poll@example.test", brands=["Honda"])
    customer = make_customer(email="casey.poll@example.test")

    mechanic_page = new_context().new_page()
    mechanic_page.add_init_script(NO_EVENT_SOURCE)
    polls: list[str] = []
    mechanic_page.on("request", lambda r: polls.append(r.url) if "/api/events/poll" in r.url else None)
    sign_in(mechanic_page, "morgan.poll@example.test")
    mechanic_page.goto("/mechanic/offers/")
    expect(mechanic_page.locator("#live-status")).to_have_text("Checking for new offers every few seconds.")
    expect(mechanic_page.locator("[data-offer-id]")).to_have_count(0)
    mechanic_page.evaluate("window.__noReload = true")

    request = request_for(customer.user, routing="selected", selected=mechanic)
    offer = mechanic_page.locator("[data-offer-id]").first
    expect(offer).to_contain_text("2018 Honda Civic")
    assert mechanic_page.evaluate("window.__noReload") is True
    # The offer list asks the cheap events endpoint, from the event its HTML was rendered at.
    assert polls and all(re.search(rf"\?channel=mechanic-{mechanic.pk}&after=\d+$", url) for url in polls)
    shots(mechanic_page, "offer-arrived-by-polling")

    customer_page = new_context().new_page()
    customer_page.add_init_script(NO_EVENT_SOURCE)
    sign_in(customer_page, "casey.poll@example.test")
    customer_page.goto(f"/app/requests/{request.pk}/")
    expect(customer_page.get_by_test_id("request-status")).to_contain_text("Waiting for Morgan to accept")

    offer.get_by_role("button", name="Accept").click()
    customer_page.wait_for_url(re.compile(r"/app/sessions/\d+/$"))
    shots(customer_page, "session-reached-by-polling")
