"""Rate limits for the endpoints an abuser would hammer (sign-in, preview, directory, keywords,
chat), on the shared cache so every process counts together.

ninja's sliding-window throttle, with three changes: the rate is read from
settings.RATE_LIMITS on each request (operators and tests change it without a restart), a
signed-in user is counted as themselves rather than by address, and the per-request state
ninja keeps on the throttle between allow_request() and wait() is kept per thread, since one
instance serves every thread of a worker.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.throttling import BaseThrottle, SimpleRateThrottle


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
    key = _PerThread()
    history = _PerThread()
    now = _PerThread()
    num_requests = _PerThread()
    duration = _PerThread()

    def __init__(self, scope: str) -> None:  # not super(): that resolves the rate once, at import
        self._local = threading.local()
        self.scope = scope

    def allow_request(self, request: HttpRequest) -> bool:
        rate = settings.RATE_LIMITS.get(self.scope or "") or None
        if rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def retry_after(self) -> str:
        return str(math.ceil(self.wait() or self.duration or 1))


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
