"""The session's video call between two real browser contexts, under Chromium's fake camera
and microphone: both sides see and hear each other, muting stops what is sent, hanging up
closes both ends, and nobody else can signal. Prints the time from "Join video" to the first
remote frame (measured, not asserted)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mechmatch.dispatch.models import Offer
from mechmatch.dispatch.services import offer_accept
from mechmatch.dispatch.tests.factories import client_for, request_for
from mechmatch.journey.models import ChatMessage
from mechmatch.journey.tests.browser.helpers import sign_in
from mechmatch.testing import make_customer, make_mechanic, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("VIDEO_SCREENSHOT_DIR", Path(__file__).resolve().parents[4] / "test-output" / "video"))

INBOUND_BYTES = """async () => {
  const pc = window.mechmatchVideo && window.mechmatchVideo.pc;
  if (!pc) return {audio: 0, video: 0};
  const stats = await pc.getStats();
  const out = {audio: 0, video: 0};
  stats.forEach((s) => { if (s.type === "inbound-rtp") out[s.kind] += s.bytesReceived || 0; });
  return out;
}"""

REMOTE_VIDEO = """() => {
  const v = document.getElementById("remote-video");
  return {width: v.videoWidth, height: v.videoHeight, time: v.currentTime, paused: v.paused};
}"""


@pytest.fixture
def media_page(browser, live_server):  # noqa: ANN001
    contexts = []
    violations: list[str] = []

    def make():  # noqa: ANN202
        context = browser.new_context(base_url=live_server.url, permissions=["camera", "microphone"])
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: print("PAGEERROR", e))
        return page

    yield make
    for context in contexts:
        context.close()
    time.sleep(1.5)  # the closed pages' streams end at their next heartbeat
    assert violations == []


def _wait_for(page, script: str, predicate, timeout: float = 45.0):  # noqa: ANN001, ANN202
    """Polls `script` in the page until `predicate(value)` holds (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    value = page.evaluate(script)
    while not predicate(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last value {value!r}")
        page.wait_for_timeout(250)
        value = page.evaluate(script)
    return value


def test_customer_and_mechanic_see_and_hear_each_other_and_can_hang_up(media_page):
    mechanic = make_mechanic(display_name="Morgan Lee", email="morgan.video@example.test", brands=["Honda"])
    customer = make_customer(email="casey.video@example.test")
    outsider = make_user(email="olive.video@example.test")
    request = request_for(customer.user, routing="selected", selected=mechanic)
    consultation = offer_accept(mechanic=mechanic, offer_id=Offer.objects.get(request=request).pk)

    pages = {"customer": media_page(), "mechanic": media_page()}
    sign_in(pages["customer"], "casey.video@example.test")
    sign_in(pages["mechanic"], "morgan.video@example.test")
    for page in pages.values():
        page.goto(f"/app/sessions/{consultation.pk}/")
        expect(page.locator("#session")).to_have_attribute("data-stream", "live", timeout=30_000)

    pages["customer"].get_by_role("button", name="Join video").click()
    pages["mechanic"].get_by_role("button", name="Join video").click()

    for role, page in pages.items():
        expect(page.get_by_test_id("video-status")).to_have_text("Connected.", timeout=45_000)
        first = _wait_for(page, REMOTE_VIDEO, lambda v: v["width"] > 0 and v["time"] > 0)
        later = _wait_for(page, REMOTE_VIDEO, lambda v, t=first["time"]: v["time"] > t)
        assert later["height"] > 0 and not later["paused"], role
    for role, page in pages.items():
        before = page.evaluate(INBOUND_BYTES)
        after = _wait_for(
            page,
            INBOUND_BYTES,
            lambda b, x=before: b["video"] > x["video"] > 0 and b["audio"] > x["audio"] > 0,
        )
        print(f"{role} inbound bytes: {before} -> {after}")
    for role, page in pages.items():
        took = page.evaluate("window.mechmatchVideo.joinToFirstFrameMs")
        print(f"join-to-first-remote-frame {role}: {took} ms")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role, page in pages.items():
        page.screenshot(path=str(SHOTS / f"mid-call-{role}.png"), full_page=True, timeout=120_000)

    # Muting stops the outbound audio; turning the camera off stops the outbound video.
    customer_page = pages["customer"]
    customer_page.get_by_role("button", name="Mute microphone").click()
    expect(customer_page.get_by_role("button", name="Unmute microphone")).to_have_attribute(
        "aria-pressed", "true", timeout=30_000
    )
    customer_page.get_by_role("button", name="Turn camera off").click()
    sent = customer_page.evaluate("""() => window.mechmatchVideo.pc.getSenders()
        .filter((s) => s.track).map((s) => ({kind: s.track.kind, enabled: s.track.enabled}))""")
    assert sorted(sent, key=lambda s: s["kind"]) == [
        {"kind": "audio", "enabled": False},
        {"kind": "video", "enabled": False},
    ]

    # The mechanic's snapshot of the customer's camera lands in both chats as a photo.
    pages["mechanic"].get_by_role("button", name="Snapshot to chat").click()
    expect(pages["mechanic"].get_by_test_id("video-status")).to_have_text("Snapshot sent to the chat.", timeout=30_000)
    for page in pages.values():
        expect(page.locator("#chat-log .chat-photo img")).to_have_count(1, timeout=30_000)
    assert (ChatMessage.objects.get().photo_width or 0) > 0

    # Somebody else cannot signal into the session.
    response = client_for(outsider).post(
        f"/api/consultations/{consultation.pk}/signals",
        data=json.dumps({"kind": "bye", "peer": "intruder"}),
        content_type="application/json",
    )
    assert response.status_code == 404

    # Hanging up closes both ends.
    for page in pages.values():
        page.evaluate("window.__callPc = window.mechmatchVideo.pc")
    customer_page.get_by_role("button", name="Hang up").click()
    for page in pages.values():
        _wait_for(page, "() => window.__callPc.connectionState === 'closed' && !window.mechmatchVideo.joined", bool)
        expect(page.get_by_role("button", name="Join video")).to_be_visible(timeout=30_000)
    expect(pages["mechanic"].get_by_test_id("video-status")).to_contain_text("The other person hung up", timeout=30_000)
    pages["mechanic"].screenshot(path=str(SHOTS / "after-hang-up-mechanic.png"), full_page=True, timeout=120_000)
