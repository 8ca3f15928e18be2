from mechmatch.dispatch.tests.conftest import _stop_event_subscribers, windows  # noqa: F401 - shared fixtures
