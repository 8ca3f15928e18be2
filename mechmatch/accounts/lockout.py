"""How django-axes sees a sign-in (which email, from which address) and what a locked-out
client gets back: the API's error JSON under /api/, a page otherwise, both 429 with
Retry-After. Settings name these functions (AXES_*_CALLABLE)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from mechmatch.middleware import is_api_request


def signin_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email as sign-in compares it, so ` CASEY@x ` and `casey@x` share one count."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return str(username).strip().lower() if username else None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    # Every try during the lock starts the cool-off again, so the whole of it is left.
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    if is_api_request(request):
        from mechmatch.api import error_response

        message = ngettext(
            "Too many failed sign-ins. Try again in %(minutes)d minute.",
            "Too many failed sign-ins. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        response = error_response(request, 429, message)
    else:
        response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response
