"""Dispatch test plumbing: helpers to point a subprocess (a second dispatcher or app process)
at this run's test database."""

from __future__ import annotations

import pytest


@pytest.fixture
def windows(settings):
    """Short, known windows so time arithmetic in tests is obvious."""
    settings.OFFER_WINDOW_SECONDS = 300
    settings.FALLBACK_DELAY_SECONDS = 120
    settings.EXTEND_WINDOW_SECONDS = 300
    settings.BROADCAST_WINDOW_SECONDS = 600
    settings.SMART_BROADCAST_SIZE = 10
    settings.NEW_MECHANIC_OFFER_SHARE = 0.2
    settings.EVENT_BROKER = "inprocess"
    return settings


@pytest.fixture(autouse=True)
def _stop_event_subscribers():
    """A LISTEN connection left open would keep PostgreSQL from dropping the test database."""
    yield
    from mechmatch.dispatch import events

    events.shutdown_broker()
