"""The journey's browser fixtures (chromium, contexts watched for CSP violations, screenshots)."""

from mechmatch.journey.tests.browser.conftest import _short_event_streams, browser, new_context, shots  # noqa: F401
