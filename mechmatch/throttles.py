"""Rate limits for the endpoints an abuser would hammer (sign-in, preview, directory, keywords,
chat), counted in the database (accounts.RateLimitCount) so every process counts together.

A sliding-window counter: each request is one upsert into its fixed window (and, while under
the limit, one read of the window before), and the last `duration` seconds are estimated as
this window's count plus the previous one's, weighted by how much of it is still inside
them. ninja's own throttle keeps a list of timestamps in the cache instead, which on the
database cache cost six statements, a transaction and a COUNT(*) of the whole cache table
on every request. Refused requests count too: a caller that keeps knocking while refused
stays refused.

The rate is read from settings.RATE_LIMITS on each request (operators and tests change it
without a restart), a signed-in user is counted as themselves rather than by address, and
the per-request state ninja keeps on the throttle between allow_request() and wait() is kept
per thread, since one instance serves every thread of a worker.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from mechmatch.accounts.selectors import rate_limit_hits
from mechmatch.accounts.services import rate_limit_count_hit


def client_address(request: HttpRequest) -> str | None:
    """Who the client is, by address: the socket's, or with NINJA_NUM_PROXIES proxies in front,
    the address the outermost of them saw (the header's entries before it are the client's to
    forge). The rate limits, the sign-in lock and the waiver record all use this one rule."""
    return BaseThrottle().get_ident(request)


class _PerThread:
    """An attribute stored in the instance's thread-local namespace."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return getattr(instance._local, self.name, None)

    def __set__(self, instance: Any, value: Any) -> None:
        setattr(instance._local, self.name, value)


class RateLimit(SimpleRateThrottle):
    retry_seconds = _PerThread()  # of the last refusal on this thread; ninja reads it via wait()

    def __init__(self, scope: str) -> None:  # not super(): that resolves the rate once, at import
        self._local = threading.local()
        self.scope = scope

    def allow_request(self, request: HttpRequest) -> bool:
        rate = settings.RATE_LIMITS.get(self.scope or "") or None
        if rate is None:
            return True
        limit, duration = self.parse_rate(rate)
        assert limit is not None and duration is not None  # a rate was given
        key = self.get_cache_key(request)
        now = time.time()
        start = int(now // duration) * duration
        hits = rate_limit_count_hit(key=key, window_start=start, expires_at=start + 2 * duration)
        # Over the limit in this window alone: no need to read the one before.
        previous = 0 if hits > limit else rate_limit_hits(key=key, window_start=start - duration)
        self.retry_seconds = refused_for(
            hits=hits, previous=previous, limit=limit, duration=duration, elapsed=now - start
        )
        return self.retry_seconds is None

    def wait(self) -> float | None:
        return self.retry_seconds

    def get_cache_key(self, request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else f"ip-{self.get_ident(request)}"
        return f"{self.scope}:{ident}"

    def retry_after(self) -> str:
        return str(max(1, math.ceil(self.retry_seconds or 0)))


def refused_for(*, hits: int, previous: int, limit: int, duration: int, elapsed: float) -> float | None:
    """None if a request is allowed, else the seconds until one would be. `hits` counts this
    request in its window, `previous` the window before, `elapsed` how far into this window
    we are; the last `duration` seconds hold about previous * (1 - f) + hits requests."""
    f = elapsed / duration
    if hits > limit:
        # Refused until the next window, and then until this window, become the previous
        # one, weighs little enough for one more: hits * (1 - f) + 1 <= limit.
        return duration - elapsed + max(0.0, 1 - (limit - 1) / hits) * duration
    if previous * (1 - f) + hits <= limit:
        return None
    # Refused until the previous window weighs little enough: previous * (1 - f') + hits <= limit.
    return (1 - (limit - hits) / previous - f) * duration


def rate_limited(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The same limit for a page view's POSTs (reading is not limited): 429 with Retry-After."""
    throttle = RateLimit(scope)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and not throttle.allow_request(request):
                response = HttpResponse(_("Too many requests. Wait a moment and try again."), status=429)
                response["Retry-After"] = throttle.retry_after()
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorator
