"""Playwright against Debian's chromium, driving pytest-django's live server: the fixtures
every browser test shares, registered once from the root conftest so that one session
holds one Playwright and one chromium (two sync Playwrights in one thread refuse to start).

Chromium always runs with the fake camera and microphone, granted without asking: the
video-call test needs them and no other test notices them."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# the ORM calls the tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[1] / "test-output" / "screenshots")
)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
            ],
            headless=True,
        )
        yield browser
        browser.close()
    # At the very end of the run: the PostgreSQL broker's LISTEN connection would otherwise keep
    # the test database busy while pytest-django drops it.
    from mechmatch.dispatch.events import get_broker

    broker = get_broker()
    if hasattr(broker, "stop") and getattr(broker, "_started", False):
        broker.stop()
        time.sleep(1.2)


class Shots:
    """Numbered screenshots under test-output/screenshots/<test-name>/NN-step.png."""

    def __init__(self, test_name: str) -> None:
        self.dir = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, step: str) -> None:  # noqa: ANN001
        self.count += 1
        page.screenshot(path=str(self.dir / f"{self.count:02d}-{step}.png"), full_page=True)


@pytest.fixture
def shots(request) -> Shots:  # noqa: ANN001
    return Shots(request.node.name)


@pytest.fixture
def short_event_streams(settings):  # noqa: ANN001
    # Server-sent event responses hold a live-server thread and a database connection until
    # they notice the client left, which they only do when they next write. Frequent
    # heartbeats and short streams (EventSource reconnects by itself) let them finish soon
    # after each test, so the test database can be dropped at the end of the run.
    settings.EVENT_HEARTBEAT_SECONDS = 1
    settings.EVENT_STREAM_SECONDS = 10


@pytest.fixture
def new_context(browser, live_server):  # noqa: ANN001
    """Browser contexts (separate cookie jars = separate people) that close after the test.
    Every page they open is watched for Content-Security-Policy violations: the test fails on
    one, since it means a script, style or request the site meant to make was blocked."""
    contexts = []
    violations: list[str] = []

    def watch(page) -> None:  # noqa: ANN001
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )

    def make(**kwargs):  # noqa: ANN003, ANN202
        context = browser.new_context(base_url=live_server.url, **kwargs)
        context.set_default_timeout(15_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    time.sleep(1.5)  # let the streams of the closed pages hit their next heartbeat and end
    assert violations == []
