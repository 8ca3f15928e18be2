"""Input no view should ever see.

NUL characters: PostgreSQL cannot store them in text (they were 500s), SQLite stores them
silently, and no name, concern, city or key has one. They are refused here, once, for query
strings, forms and JSON alike, with a 400 naming the field as the client sent it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is for the JSON API (which answers errors in its own shape)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.namespace == "api"


def _first_in_pairs(pairs: Iterable[tuple[str, list[str]]]) -> str | None:
    for key, values in pairs:
        if NUL in key or any(NUL in value for value in values):
            return key
    return None


def _first_in_json(value: Any, path: str = "") -> str | None:
    """The dotted path (`vehicle.make`, `brands.0`) of the first key or string with a NUL."""
    if isinstance(value, str):
        return (path or "__all__") if NUL in value else None
    items: Iterable[tuple[Any, Any]] = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if NUL in str(key):
            return where
        found = _first_in_json(item, where)
        if found is not None:
            return found
    return None


def field_with_nul(request: HttpRequest) -> str | None:
    found = _first_in_pairs(request.GET.lists())
    if found is not None or request.method in ("GET", "HEAD", "OPTIONS"):
        return found
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES:
        return _first_in_pairs(request.POST.lists())  # file names: Django drops non-printables
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if b"\\u0000" not in body:  # a raw NUL is not valid JSON: the view refuses that itself
            return None
        try:
            return _first_in_json(json.loads(body))
        except ValueError:
            return None
    return None


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = _("NUL characters are not allowed.")
        if is_api_request(request):
            from mechmatch.api import error_response  # the API's one error shape

            return error_response(request, 400, None, [(field, message)])
        return HttpResponseBadRequest(f"{field}: {message}", content_type="text/plain; charset=utf-8")
