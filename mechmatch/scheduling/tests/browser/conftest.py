"""Browser tests here share mechmatch.browser_testing (chromium, contexts watched for CSP
violations, screenshots), registered by the root conftest."""

import pytest


@pytest.fixture(autouse=True)
def _short_event_streams(short_event_streams):  # noqa: ANN001
    """Short streams with frequent heartbeats, so they end soon after each test."""
