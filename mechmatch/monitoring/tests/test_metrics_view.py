"""GET /metrics: staff or the scraper's token only; the counters move with the traffic."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mechmatch.dispatch.models import SessionRequest
from mechmatch.testing import make_user

pytestmark = pytest.mark.django_db

TOKEN = "t" * 12 + "0123456789ab"  # 24 characters


def _sample(body: str, name: str, **labels: str) -> float:
    """The value of one sample line, 0.0 when the series does not exist yet."""
    for line in body.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    return 0.0


@pytest.fixture
def scraper(settings) -> Client:
    settings.METRICS_TOKEN = TOKEN
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_anonymous_callers_and_customers_find_nothing(customer):
    assert Client().get("/metrics").status_code == 404
    client = Client()
    client.force_login(customer.user)
    assert client.get("/metrics").status_code == 404


def test_a_wrong_token_is_refused_with_401(scraper, settings):
    response = Client(HTTP_AUTHORIZATION="Bearer " + "x" * 24).get("/metrics")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_no_token_is_accepted_when_none_is_configured(settings):
    settings.METRICS_TOKEN = ""
    assert Client(HTTP_AUTHORIZATION="Bearer ").get("/metrics").status_code == 404
    assert Client(HTTP_AUTHORIZATION="Bearer " + "x" * 30).get("/metrics").status_code == 401


def test_the_token_reads_the_metrics_in_the_prometheus_format(scraper):
    response = scraper.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for name in (
        "mechmatch_request_seconds",
        "mechmatch_preview_seconds",
        "mechmatch_dispatcher_lag_seconds",
        "mechmatch_offers_expired_total",
        "mechmatch_open_event_streams",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in body, name


def test_a_staff_session_reads_the_metrics(operator):
    client = Client()
    client.force_login(operator)
    assert client.get("/metrics").status_code == 200


def test_a_request_moves_its_routes_counter_labelled_by_route_not_path(scraper, customer):
    client = Client()
    client.force_login(customer.user)
    series = {"route": "journey:intake", "method": "GET", "status": "404"}
    before = _sample(scraper.get("/metrics").content.decode(), "mechmatch_request_seconds_count", **series)
    client.get("/app/intake/987654/")
    client.get("/app/intake/987655/")
    body = scraper.get("/metrics").content.decode()
    assert _sample(body, "mechmatch_request_seconds_count", **series) == before + 2
    assert "987654" not in body


def test_an_unknown_path_counts_as_unmatched(scraper):
    before = _sample(scraper.get("/metrics").content.decode(), "mechmatch_request_seconds_count", route="unmatched")
    Client().get("/no/such/page/")
    after = _sample(scraper.get("/metrics").content.decode(), "mechmatch_request_seconds_count", route="unmatched")
    assert after == before + 1


def test_a_preview_moves_the_preview_histogram(scraper, mechanic, customer_api):
    before = _sample(scraper.get("/metrics").content.decode(), "mechmatch_preview_seconds_count")
    response = customer_api.post(
        "/api/matching/preview",
        {"concern": "brakes squeal", "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
         "customerCountry": "CA", "customerPostalCode": "M5V 2T6"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert _sample(scraper.get("/metrics").content.decode(), "mechmatch_preview_seconds_count") == before + 1


def test_lapsed_offers_and_fallbacks_move_their_counters(scraper, customer, mechanic, settings):
    from mechmatch.dispatch.services import dispatch_tick
    from mechmatch.dispatch.tests.factories import lapse, request_for

    settings.EVENT_BROKER = "inprocess"
    request = request_for(customer.user, routing="selected", selected=mechanic)
    body = scraper.get("/metrics").content.decode()
    expired, asked = (
        _sample(body, "mechmatch_offers_expired_total"),
        _sample(body, "mechmatch_fallbacks_total", outcome="awaiting_choice"),
    )
    assert _sample(body, "mechmatch_dispatcher_lag_seconds") == 0.0
    lapse(request, seconds=30)
    assert _sample(scraper.get("/metrics").content.decode(), "mechmatch_dispatcher_lag_seconds") >= 30
    dispatch_tick(now=None)
    assert SessionRequest.objects.get(pk=request.pk).status == "awaiting_choice"
    body = scraper.get("/metrics").content.decode()
    assert _sample(body, "mechmatch_offers_expired_total") == expired + 1
    assert _sample(body, "mechmatch_fallbacks_total", outcome="awaiting_choice") == asked + 1


def test_an_inactive_staff_account_finds_nothing():
    user = make_user(email="gone@example.test", is_staff=True, is_active=False)
    client = Client()
    client.force_login(user)
    assert client.get("/metrics").status_code in (404, 302)
