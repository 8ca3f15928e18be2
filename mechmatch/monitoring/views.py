"""`GET /metrics`: staff signed in, or `Authorization: Bearer <METRICS_TOKEN>` for the
scraper. Without either the page does not exist (404); a wrong token is told so (401)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mechmatch.accounts.auth import bearer_token
from mechmatch.dispatch.selectors import dispatch_lag_seconds
from mechmatch.monitoring.metrics import exposition


def metrics_allowed(request: HttpRequest) -> bool | None:
    """True to serve, False for a wrong token, None for nobody entitled."""
    token = bearer_token(request)
    expected = settings.METRICS_TOKEN
    if token:
        return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())
    user = getattr(request, "user", None)
    return True if user is not None and user.is_authenticated and user.is_active and user.is_staff else None


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    allowed = metrics_allowed(request)
    if allowed is None:
        raise Http404("Not found")
    if not allowed:
        response = HttpResponse("Invalid metrics token.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = exposition(lag_seconds=dispatch_lag_seconds)
    return HttpResponse(body, content_type=content_type)
