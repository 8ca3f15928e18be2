"""While any mechanic page is open (here their profile, not the offers page), a new offer
updates the header's count live, raises a browser notification once the mechanic allowed
it with the header's button, and plays a tone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mechmatch.dispatch.tests.factories import request_for
from mechmatch.journey.tests.browser.helpers import seed_toronto_mechanics, sign_in
from mechmatch.mechanics.models import Mechanic
from mechmatch.testing import make_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Stands in for the browser's Notification API and audio (headless Chromium has neither a
# permission prompt nor speakers) and records what the page asked of them.
SPIES = """
window.__notes = [];
window.__tones = 0;
window.__permissionAsked = 0;
var permission = "default";
function FakeNotification(title, options) { window.__notes.push({ title: title, tag: (options || {}).tag }); }
Object.defineProperty(FakeNotification, "permission", { get: function () { return permission; } });
FakeNotification.requestPermission = function () {
  window.__permissionAsked += 1; permission = "granted"; return Promise.resolve(permission);
};
window.Notification = FakeNotification;
function FakeAudio() {}
FakeAudio.prototype.createOscillator = function () {
  window.__tones += 1;
  return { frequency: {}, connect: function () {}, start: function () {}, stop: function () {} };
};
FakeAudio.prototype.currentTime = 0;
window.AudioContext = FakeAudio;
"""


def test_a_new_offer_alerts_the_mechanic_on_their_profile_page(new_context, shots):
    people = seed_toronto_mechanics()
    context = new_context()
    context.add_init_script(SPIES)
    page = context.new_page()
    sign_in(page, people["Morgan Lee"])
    page.goto("/mechanic/profile/")
    count = page.locator("[data-offers-count]")
    expect(count).to_have_text("0")
    alerts = page.get_by_role("button", name="Alert me of new offers")
    expect(alerts).to_be_visible()
    alerts.click()
    expect(alerts).to_be_hidden()
    assert page.evaluate("window.__permissionAsked") == 1
    page.evaluate("window.__noReload = true")
    shots(page, "profile-before")

    morgan = Mechanic.objects.get(user__email=people["Morgan Lee"])
    request = request_for(make_customer().user, routing="selected", selected=morgan)
    offer = request.offers.get()

    expect(count).to_have_text("1")
    page.wait_for_function("window.__notes.length === 1")
    assert page.evaluate("window.__notes") == [{"title": "New offer on mechmatch", "tag": f"offer-{offer.pk}"}]
    assert page.evaluate("window.__tones") == 1
    assert page.evaluate("window.__noReload") is True
    shots(page, "profile-offer-arrived")


def test_the_offers_page_still_lists_a_new_offer_live_with_one_alert(new_context):
    people = seed_toronto_mechanics()
    context = new_context()
    context.add_init_script(SPIES)
    page = context.new_page()
    sign_in(page, people["Morgan Lee"])
    page.goto("/mechanic/offers/")
    page.get_by_role("button", name="Alert me of new offers").click()
    page.evaluate("window.__noReload = true")

    morgan = Mechanic.objects.get(user__email=people["Morgan Lee"])
    request_for(make_customer().user, routing="selected", selected=morgan)

    expect(page.locator("#offer-list [data-offer-id]")).to_have_count(1)
    expect(page.locator("[data-offers-count]")).to_have_text("1")
    page.wait_for_function("window.__notes.length === 1")
    assert page.evaluate("window.__tones") == 1 and page.evaluate("window.__noReload") is True
    # The base template loads the one script; the offers page no longer has its own.
    assert page.locator('script[src$="dispatch/alerts.js"]').count() == 1
