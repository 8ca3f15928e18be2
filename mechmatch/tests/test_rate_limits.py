"""Rate limits on the endpoints an abuser would hammer, counted in the database by client
address (or by user when signed in), and not escaped by forging X-Forwarded-For."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.test import Client

from mechmatch.throttles import RateLimit

pytestmark = pytest.mark.django_db

_emails = itertools.count(1)

# scope -> (path, a fresh JSON body; None for a GET)
ENDPOINTS: dict[str, tuple[str, Callable[[], dict[str, object]] | None]] = {
    "preview": (
        "/api/matching/preview",
        lambda: {"concern": "Brakes squeal", "customerCountry": "CA", "customerPostalCode": "M5V 1A1"},
    ),
    "directory": ("/api/mechanics", None),
    "keywords": ("/api/keywords/extract", lambda: {"description": "brakes squeal"}),
    # A different unknown email each time, so it is the address limit that answers, not the lock.
    "token": ("/api/auth/token", lambda: {"email": f"nobody{next(_emails)}@example.test", "password": "x"}),
}


def _call(client: Client, scope: str, forwarded_for: str | None = None):  # noqa: ANN202
    path, body = ENDPOINTS[scope]
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    if body is None:
        return client.get(path, headers=headers)
    return client.post(path, body(), content_type="application/json", headers=headers)


@pytest.fixture
def three_a_minute(settings):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "3/min")
    return settings


@pytest.mark.parametrize("scope", sorted(ENDPOINTS))
def test_past_the_limit_an_endpoint_answers_429_with_retry_after(three_a_minute, scope):
    client = Client()
    assert [_call(client, scope).status_code != 429 for _ in range(3)] == [True] * 3
    refused = _call(client, scope)
    assert refused.status_code == 429
    # the rest of this minute, and then until this minute's 4 requests weigh little enough
    assert 1 <= int(refused["Retry-After"]) <= 60 + 30
    assert refused.json() == {"success": False, "error": "Too many requests.", "errors": []}


@pytest.mark.parametrize("scope", sorted(ENDPOINTS))
def test_a_new_x_forwarded_for_on_every_request_does_not_escape_the_limit(three_a_minute, scope):
    client = Client()
    statuses = [_call(client, scope, f"10.0.{n}.1").status_code for n in range(10)]
    assert statuses.count(429) == 7


def test_behind_a_proxy_the_address_it_saw_is_counted_and_the_forged_rest_ignored(three_a_minute):
    three_a_minute.NINJA_NUM_PROXIES = 1
    client = Client(REMOTE_ADDR="10.9.9.9")  # the proxy
    forged = [_call(client, "keywords", f"6.6.6.{n}, 203.0.113.5").status_code for n in range(4)]
    assert forged[-1] == 429
    # Another client behind the same proxy has its own count.
    assert _call(client, "keywords", "198.51.100.8").status_code == 200


def test_a_signed_in_user_is_counted_as_themselves_wherever_they_call_from(three_a_minute, customer):
    statuses = []
    for n in range(4):
        client = Client(REMOTE_ADDR=f"192.0.2.{n}")
        client.force_login(customer.user)
        statuses.append(_call(client, "keywords").status_code)
    assert statuses == [200, 200, 200, 429]


def test_an_empty_rate_turns_a_limit_off(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "keywords": ""}
    client = Client()
    assert {_call(client, "keywords").status_code for _ in range(70)} == {200}


def test_every_scope_is_limited_by_default(settings):
    # Every scope is limited by default, generously enough for a person using the product.
    assert set(settings.RATE_LIMITS) == {"token", "preview", "directory", "keywords", "chat"}
    for scope, rate in settings.RATE_LIMITS.items():
        count, seconds = RateLimit(scope).parse_rate(rate)
        assert count is not None and seconds is not None
        assert count >= 10 and seconds <= 3600, scope


def test_a_request_within_the_limit_of_this_window_and_the_weighted_one_before_is_allowed():
    from mechmatch.throttles import refused_for

    # 3 a minute, 45 s in: the previous minute's 4 weigh 1, so 2 more fit
    assert refused_for(hits=2, previous=4, limit=3, duration=60, elapsed=45) is None
    assert refused_for(hits=1, previous=0, limit=3, duration=60, elapsed=0) is None


def test_just_after_a_window_turns_the_one_before_still_counts_nearly_in_full():
    from mechmatch.throttles import refused_for

    # 3 requests at the end of one minute, a 4th a second into the next: refused
    wait = refused_for(hits=1, previous=3, limit=3, duration=60, elapsed=1)
    assert wait is not None and 1 / 3 * 60 - 1 - 1e-9 <= wait <= 1 / 3 * 60 - 1 + 1e-9


def test_past_the_limit_in_this_window_alone_the_wait_runs_into_the_next():
    from mechmatch.throttles import refused_for

    wait = refused_for(hits=4, previous=0, limit=3, duration=60, elapsed=10)
    # 50 s to the next minute, then until 4 * (1 - f) + 1 <= 3, f = 1/2: 30 s more
    assert wait == pytest.approx(80)
    assert refused_for(hits=4, previous=4, limit=4, duration=60, elapsed=59) is not None
