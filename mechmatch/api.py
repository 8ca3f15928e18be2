"""The JSON API: one NinjaAPI, one router per domain app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from mechmatch.accounts.api import router as accounts_router
from mechmatch.dispatch.api import router as dispatch_router
from mechmatch.matching.api import router as matching_router
from mechmatch.mechanics.api import router as mechanics_router

api = NinjaAPI(
    title="mechmatch API",
    version="1.0",
    description="Matching car owners in Canada and the US with remote mechanics.",
    urls_namespace="api",
)


def _field_errors(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [{"field": field, "message": " ".join(messages)} for field, messages in exc.message_dict.items()]
    return [{"field": "__all__", "message": message} for message in exc.messages]


@api.exception_handler(ValidationError)
def django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = _field_errors(exc)
    return api.create_response(
        request,
        {"success": False, "error": "; ".join(f"{e['field']}: {e['message']}" for e in errors), "errors": errors},
        status=400,
    )


@api.exception_handler(NinjaValidationError)
def schema_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(location) or "__all__", "message": error.get("msg", "Invalid value")})
    return api.create_response(
        request,
        {"success": False, "error": "; ".join(f"{e['field']}: {e['message']}" for e in errors), "errors": errors},
        status=422,
    )


api.add_router("/auth/", accounts_router)
api.add_router("/", mechanics_router)
api.add_router("/", matching_router)
api.add_router("/", dispatch_router)
