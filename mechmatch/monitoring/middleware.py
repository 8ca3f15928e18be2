from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mechmatch.monitoring.metrics import REQUEST_SECONDS

UNMATCHED = "unmatched"


def route_of(request: HttpRequest) -> str:
    """The resolved URL pattern's name (`journey:preview`, `api:matching_preview`), so every
    intake page is one series, not one per id; "unmatched" for paths that resolve to nothing."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


class RequestMetricsMiddleware:
    """Times each request (first in MIDDLEWARE, so the time covers every other middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_SECONDS.labels(route_of(request), request.method or "", str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response
