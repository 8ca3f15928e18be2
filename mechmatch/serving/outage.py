"""A database that is down or locked answers 503 (JSON under /api/, a page elsewhere), so a
client retries instead of seeing a 500 or a hang. Installed as Django's handler500: every
uncaught exception of any layer (view, middleware, session save) passes through it, and
it is called inside the `except` block, so the exception is at hand."""

from __future__ import annotations

import json
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.defaults import server_error as django_server_error

from mechmatch.api_errors import error_body

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The service is briefly unavailable; retry in a few seconds."


def is_database_outage(exc: BaseException | None) -> bool:
    """Connection refused or lost, server shutting down, SQLite locked: worth a retry."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if not isinstance(exc, DatabaseError):
            exc = exc.__cause__ or exc.__context__
            continue
        return False
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = HttpResponse(json.dumps(error_body(UNAVAILABLE)), status=503, content_type="application/json")
    else:
        # A page that needs nothing from the database (no user, no session).
        response = HttpResponse(loader.render_to_string("503.html", {"message": UNAVAILABLE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_outage(sys.exc_info()[1]):
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        return HttpResponseServerError(
            json.dumps(error_body("Internal server error.")), content_type="application/json"
        )
    return django_server_error(request)
