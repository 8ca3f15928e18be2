# The journey's browser fixtures (chromium, live server, contexts, screenshots).
from mechmatch.journey.tests.browser.conftest import _short_event_streams, browser, new_context, shots

__all__ = ["_short_event_streams", "browser", "new_context", "shots"]
