"""The whole journey as a new customer lives it, with the mechanic in a second browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mechmatch.dispatch.models import Consultation
from mechmatch.journey.tests.browser.helpers import fill_intake, seed_toronto_mechanics, sign_in, sign_up
from mechmatch.mechanics.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_customer_books_chats_rates_and_rebooks_their_mechanic(new_context, shots):
    people = seed_toronto_mechanics()
    customer = new_context().new_page()

    sign_up(customer, first_name="Casey", email="casey.browser@example.test")
    shots(customer, "signed-up")
    customer.get_by_role("link", name="Go to your dashboard").click()
    expect(customer.get_by_test_id("available-count")).to_contain_text("3 mechanics available")
    shots(customer, "dashboard")

    customer.get_by_role("link", name="Start a session").click()
    fill_intake(customer)
    shots(customer, "intake")
    customer.get_by_role("button", name="Find mechanics").click()

    expect(customer.get_by_role("heading", level=1)).to_contain_text("near you")
    best = customer.locator(".mechanic-card.highlight .mech-name").inner_text().strip()
    shots(customer, "preview")
    first_name = best.split()[0]
    customer.get_by_role("button", name=f"Continue with {first_name}").click()

    expect(customer.get_by_text(f"Session with: {best}")).to_be_visible()
    customer.get_by_text("Standard Video").click()
    shots(customer, "plan")
    customer.get_by_role("button", name="Continue to payment").click()
    expect(customer.get_by_text("TEST MODE")).to_be_visible()
    shots(customer, "test-checkout")
    customer.get_by_role("button", name=re.compile(r"^Pay \$29\.99")).click()

    # The mechanic, signed in elsewhere, is already watching their offer list.
    mechanic = new_context().new_page()
    sign_in(mechanic, people[best])
    mechanic.goto("/mechanic/offers/")
    expect(mechanic.locator("[data-offer-id]")).to_have_count(0)
    mechanic.evaluate("window.__noReload = true")
    shots(mechanic, "mechanic-waiting-for-offers")

    customer.get_by_label("I have read and accept these terms").check()
    shots(customer, "waiver")
    customer.get_by_role("button", name=f"Accept and request {first_name}").click()
    expect(customer.get_by_test_id("request-status")).to_contain_text(f"Waiting for {first_name} to accept")
    expect(customer.get_by_role("heading", level=1)).to_contain_text(f"{best} will join shortly")
    customer.get_by_role("textbox", name="Message").fill("Hi, I'm ready when you are")
    customer.get_by_role("button", name="Send", exact=True).click()
    shots(customer, "waiting-room")
    customer.evaluate("window.__noReload = true")

    # The offer arrives on the mechanic's open page without a reload.
    offer = mechanic.locator("[data-offer-id]").first
    expect(offer).to_contain_text("2018 Honda Civic")
    shots(mechanic, "mechanic-offer")
    assert mechanic.evaluate("window.__noReload") is True
    offer.get_by_role("button", name="Accept").click()

    # The customer's waiting room moves into the session by itself.
    customer.wait_for_url(re.compile(r"/app/sessions/\d+/$"))
    consultation = Consultation.objects.get(customer__email="casey.browser@example.test")
    expect(customer.get_by_role("heading", level=1)).to_contain_text(best)
    shots(customer, "session-started")

    mechanic.goto(f"/app/sessions/{consultation.pk}/")
    expect(mechanic.get_by_test_id("chat-log")).to_contain_text("I'm ready when you are")
    mechanic.evaluate("window.__noReload = true")
    customer.evaluate("window.__noReload = true")

    customer.get_by_role("textbox", name="Message").fill("The squeal is worst in the morning <b>honestly</b>")
    customer.get_by_role("button", name="Send", exact=True).click()
    expect(mechanic.get_by_test_id("chat-log")).to_contain_text("worst in the morning <b>honestly</b>")
    mechanic.get_by_role("textbox", name="Message").fill("Sounds like the wear indicators. Can you show me the wheel?")
    mechanic.keyboard.press("Enter")
    expect(customer.get_by_test_id("chat-log")).to_contain_text("wear indicators")
    assert customer.evaluate("window.__noReload") is True
    assert mechanic.evaluate("window.__noReload") is True
    shots(customer, "chat-customer")
    shots(mechanic, "chat-mechanic")

    confirms: list[str] = []

    def confirm(dialog) -> None:  # noqa: ANN001
        confirms.append(dialog.message)
        dialog.accept()

    customer.once("dialog", confirm)
    customer.get_by_role("button", name="End session").click()  # ending asks first
    customer.wait_for_url(re.compile(r"/complete/$"))
    expect(customer.get_by_test_id("duration")).to_contain_text("Duration")
    assert confirms and "both of you" in confirms[0]
    expect(mechanic.get_by_text("Session ended")).to_be_visible()
    shots(customer, "complete")

    customer.locator("label[for=id_rating_0]").click()  # the first radio is 5 stars
    customer.get_by_label("Comment").fill("Clear and patient.")
    customer.get_by_role("button", name="Submit rating").click()
    expect(customer.get_by_text(f"You gave {first_name} 5 stars")).to_be_visible()
    assert Review.objects.get(customer__email="casey.browser@example.test").rating == 5
    shots(customer, "rated")
    customer.get_by_role("button", name=f"Add {first_name} to favourites").click()
    expect(customer.get_by_text(f"{first_name} is in your favourites")).to_be_visible()

    with customer.expect_download() as download:
        customer.get_by_role("link", name="Download report").click()
    report = download.value.path().read_text()
    assert "2018 Honda Civic" in report and best in report

    customer.get_by_role("link", name="History").click()
    shots(customer, "history")
    customer.get_by_role("button", name=f"Rebook with {first_name}").click()
    expect(customer.get_by_text(f"Your request will go to {best} first.")).to_be_visible()
    expect(customer.get_by_label("What's going on?")).to_have_value("Brakes squeal when I stop at lights")
    expect(customer.get_by_label("Postal code")).to_have_value("M5V 1A1")
    shots(customer, "rebook-intake")
    customer.get_by_role("button", name="Find mechanics").click()
    expect(customer.get_by_text(f"Session with: {best}")).to_be_visible()
    shots(customer, "rebook-plan")
