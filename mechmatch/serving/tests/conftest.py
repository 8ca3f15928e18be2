"""Serving tests: PostgreSQL-only tests skip on SQLite (the dispatch tests' rule), and the
event broker's subscriber thread is stopped after each test."""

from mechmatch.dispatch.tests.conftest import _stop_event_subscribers, pytest_runtest_setup

__all__ = ["_stop_event_subscribers", "pytest_runtest_setup"]
