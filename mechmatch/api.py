"""The JSON API: one NinjaAPI, one router per domain app, and the one place errors become
responses. Every error body has the shape of mechmatch.api_errors.ErrorOut."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mechmatch.accounts.api import router as accounts_router
from mechmatch.api_errors import NON_FIELD, error_body, field_errors
from mechmatch.customers.api import router as customers_router
from mechmatch.dispatch.api import router as dispatch_router
from mechmatch.dispatch.services import DispatchError, Forbidden, NotFound
from mechmatch.experiments.api import router as experiments_router
from mechmatch.journey.api import router as journey_router
from mechmatch.matching.api import router as matching_router
from mechmatch.mechanics.api import router as mechanics_router
from mechmatch.mechanics.services import AlreadyRated
from mechmatch.notifications.api import router as notifications_router
from mechmatch.payments.api import router as payments_router
from mechmatch.scheduling.api import router as scheduling_router
from mechmatch.scheduling.services import BookingClosed
from mechmatch.video.api import router as video_router


class MechmatchAPI(NinjaAPI):
    """NinjaAPI whose 405 (a path served, a method not) has the one error shape too: ninja
    answers it before any operation runs, so no exception handler sees it."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for url in urls:
            if isinstance(url, URLPattern):
                url.callback = _not_allowed_as_error(url.callback)
        return urls


def _not_allowed_as_error(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)  # keeps ninja's csrf_exempt mark
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(request, 405, f"Method {request.method} not allowed here (allowed: {allowed}).")
            response["Allow"] = allowed
        return response

    return wrapped


api = MechmatchAPI(
    title="mechmatch API",
    version="1.0",
    description="Matching car owners in Canada and the US with remote mechanics.",
    urls_namespace="api",
)

# Where in a request ninja found a bad value (the first part of an error's location; a body's
# schema parameter, `payload`, comes next); the client knows that from the field's name. Only
# those leading parts go: a field may itself be called `body` (a chat message's text).
_PARAMETER_SOURCES = ("body", "query", "path", "file", "form", "header", "cookie")
_BODY_PARAMETER = "payload"

# The one place dispatch's refusals become statuses: the nearest class in the exception's
# MRO decides, so a new subclass answers 409 until it is given a status of its own here.
DISPATCH_ERROR_STATUSES: dict[type[DispatchError], int] = {
    NotFound: 404,
    Forbidden: 403,
    DispatchError: 409,
    BookingClosed: 409,  # a booking that has started or was cancelled: a conflict with its state
}


def error_response(
    request: HttpRequest, status: int, message: str | None, errors: Iterable[tuple[str, str]] = ()
) -> HttpResponse:
    """Every error the API answers is built here, from a status, a message (None: sum up the
    field errors) and (field, message) pairs."""
    return api.create_response(request, error_body(message, errors), status=status)


@api.exception_handler(ValidationError)
def service_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(request, 400, None, field_errors(exc))


@api.exception_handler(AlreadyRated)
def already_rated(request: HttpRequest, exc: AlreadyRated) -> HttpResponse:
    """A second rating of one session is a conflict, however close the two were."""
    return error_response(request, 409, None, field_errors(exc))


@api.exception_handler(NinjaValidationError)
def schema_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])]
        if location[:1] and location[0] in _PARAMETER_SOURCES:
            location = location[1:]
        if location[:1] == [_BODY_PARAMETER]:
            location = location[1:]
        errors.append((".".join(location) or NON_FIELD, str(error.get("msg", "Invalid value"))))
    return error_response(request, 422, None, errors)


@api.exception_handler(DispatchError)
def dispatch_refused(request: HttpRequest, exc: DispatchError) -> HttpResponse:
    status = next(DISPATCH_ERROR_STATUSES[cls] for cls in type(exc).__mro__ if cls in DISPATCH_ERROR_STATUSES)
    return error_response(request, status, exc.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, str(exc) or "Not found.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals: 401 without credentials, 403 on a failed CSRF check, 429 when
    throttled (ninja adds Retry-After to the response)."""
    return error_response(request, exc.status_code, exc.message)


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any path under /api/ that names no operation: a 404 in the one error shape (Django's
    own 404 page is HTML)."""
    return error_response(request, 404, "No such API operation.")


api.add_router("/auth/", accounts_router)
api.add_router("/", mechanics_router)
api.add_router("/", matching_router)
api.add_router("/", dispatch_router)
api.add_router("/", payments_router)
api.add_router("/", customers_router)
api.add_router("/", journey_router)
api.add_router("/", notifications_router)
api.add_router("/", experiments_router)
api.add_router("/", video_router)
api.add_router("/", scheduling_router)
