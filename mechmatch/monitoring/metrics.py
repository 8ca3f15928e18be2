"""Every Prometheus metric the site exports, defined once at import.

Multiprocess-safe: bin/serve points PROMETHEUS_MULTIPROC_DIR at an emptied directory before
supervisord starts, so every gunicorn worker and every dispatcher process writes its samples
to its own files there, and `/metrics` (in whichever worker answers) adds them up with
prometheus-client's MultiProcessCollector. gunicorn's `child_exit` hook marks a dead worker
so its live gauges (open streams) stop counting. Without the variable (tests, `runserver`)
the metrics live in this process's default registry.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client import generate_latest as _generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "mechmatch_request_seconds",
    "Time to answer an HTTP request, by route (the URL pattern's name, never the raw path).",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
PREVIEW_SECONDS = Histogram(
    "mechmatch_preview_seconds",
    "Time to compute a matching preview (the page and POST /api/matching/preview alike).",
    buckets=LATENCY_BUCKETS,
)
OFFERS_EXPIRED = Counter("mechmatch_offers_expired", "Offers whose window ran out unanswered.")
FALLBACKS = Counter(
    "mechmatch_fallbacks",
    "Fallbacks the dispatcher took, by outcome (awaiting_choice, auto_match, broadcast, expired).",
    ["outcome"],
)
OPEN_STREAMS = Gauge(
    "mechmatch_open_event_streams",
    "Server-sent event streams open now, across the web workers.",
    multiprocess_mode="livesum",
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class ScrapeTimeGauges:
    """Figures read from the database when scraped, the same whichever process answers:
    the dispatcher lag (now minus the oldest due timer; dispatch.selectors)."""

    def __init__(self, lag_seconds: Callable[[], float]) -> None:
        self.lag_seconds = lag_seconds

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "mechmatch_dispatcher_lag_seconds",
            "How long the oldest due request or offer timer has been waiting for a dispatcher.",
            value=self.lag_seconds(),
        )


def exposition(*, lag_seconds: Callable[[], float], path: str | None = None) -> tuple[bytes, str]:
    """The metrics page: every process's samples in multiprocess mode (or those under
    `path`), else this process's registry, then the scrape-time gauges. Returns (body,
    content type)."""
    directory = path or multiprocess_dir()
    if directory:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        body = _generate_latest(registry)
    else:
        body = _generate_latest(REGISTRY)
    scraped = CollectorRegistry()
    scraped.register(ScrapeTimeGauges(lag_seconds))
    return body + _generate_latest(scraped), CONTENT_TYPE_LATEST
