"""Scenario 1 of the plan: the chosen mechanic does not answer in time."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services import dispatch_tick
from mechmatch.journey.tests.browser.helpers import fill_intake, seed_toronto_mechanics, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lapsed_offer_lets_the_customer_be_matched_automatically(new_context, shots, settings):
    settings.OFFER_WINDOW_SECONDS = 2
    seed_toronto_mechanics()
    customer = new_context().new_page()
    sign_up(customer, first_name="Robin", email="robin.browser@example.test")
    customer.goto("/app/intake/")
    fill_intake(customer)
    customer.get_by_role("button", name="Find mechanics").click()
    best = customer.locator(".mechanic-card.highlight .mech-name").inner_text().strip()
    first_name = best.split()[0]
    customer.get_by_role("button", name=f"Continue with {first_name}").click()
    customer.get_by_text("Free", exact=True).first.click()
    customer.get_by_role("button", name="Continue to payment").click()
    customer.get_by_label("I have read and accept these terms").check()
    customer.get_by_role("button", name=f"Accept and request {first_name}").click()
    expect(customer.get_by_test_id("request-status")).to_contain_text(f"Waiting for {first_name}")
    shots(customer, "waiting")
    customer.evaluate("window.__noReload = true")

    time.sleep(settings.OFFER_WINDOW_SECONDS + 0.5)
    dispatch_tick()  # what `manage.py dispatch` does every second

    expect(customer.get_by_test_id("request-status")).to_contain_text(f"{best} isn't available")
    expect(customer.get_by_role("button", name=f"Wait for {best} (5 more min)")).to_be_visible()
    expect(customer.get_by_role("heading", name="Pick another mechanic")).to_be_visible()
    assert customer.evaluate("window.__noReload") is True
    shots(customer, "offer-lapsed")

    customer.get_by_role("button", name="Match me automatically").click()
    expect(customer.get_by_test_id("request-status")).to_contain_text("sent to the best-matched mechanics")
    shots(customer, "matched-automatically")
    request = SessionRequest.objects.get(customer__email="robin.browser@example.test")
    assert request.status == SessionRequest.Status.BROADCASTING
    open_offers = Offer.objects.filter(request=request, status=Offer.Status.OPEN)
    assert open_offers.exists() and not open_offers.filter(mechanic__display_name=best).exists()
