"""Serving tests: the event broker's subscriber thread is stopped after each test, as in
the dispatch tests (postgres_only is the root conftest's)."""

from mechmatch.dispatch.tests.conftest import _stop_event_subscribers

__all__ = ["_stop_event_subscribers"]
