"""The one shape of every error body the API sends, and the pieces routers use to document it.

    {"success": false, "error": "<what went wrong, one readable line>",
     "errors": [{"field": "customerPostalCode", "message": "..."}]}

`error` is always there for a person; `errors` names the request fields at fault (empty when
no single field is). Operations list their error statuses with mechmatch.api_schema's
`open_errors`, `signed_in_errors` and `object_errors`, so the OpenAPI documents this schema
for each; the exception handlers beside the NinjaAPI instance (mechmatch/api.py) build every
such body through `error_response`.

Services name fields in the domain's words (`postal_code`, `selected_mechanic_id`); the API
renames them to what the client sent (`customerPostalCode`) with `fields_renamed`, once per
operation, from a table beside its input schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import ConfigDict, Field

# Every field is always sent, so the documented schema requires every field (a generated
# client then types `errors` as a list, never as "maybe missing").
_ALWAYS_SENT = ConfigDict(json_schema_mode_override="serialization", json_schema_serialization_defaults_required=True)

NON_FIELD = "__all__"


class FieldErrorOut(Schema):
    model_config = _ALWAYS_SENT

    field: str = Field(
        description="The request field at fault as the client named it, dotted inside objects "
        f"(`vehicle.year`); `{NON_FIELD}` when the request as a whole is at fault."
    )
    message: str


class ErrorOut(Schema):
    model_config = _ALWAYS_SENT

    success: bool = False
    error: str = Field(description="What went wrong, in one line a person can read.")
    errors: list[FieldErrorOut] = Field(default_factory=list, description="The fields at fault; empty if none is.")


class StrictIn(Schema):
    """The base of every request body: a field the schema does not name is refused with a 422
    naming it (`selected_mechanic_id` sent where `selectedMechanicId` is meant), never dropped."""

    model_config = ConfigDict(extra="forbid")


def error_body(message: str | None, errors: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """The body of an error from a message and (field, message) pairs; without a message of
    its own it sums the field errors up ("field: message; field: message")."""
    listed = [FieldErrorOut(field=field, message=text) for field, text in errors]
    summary = message or "; ".join(f"{e.field}: {e.message}" for e in listed) or "Request refused."
    return ErrorOut(error=summary, errors=listed).model_dump()


def field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a Django ValidationError; one without fields is NON_FIELD."""
    if hasattr(exc, "error_dict"):
        return [(field, " ".join(messages)) for field, messages in exc.message_dict.items()]
    return [(NON_FIELD, message) for message in exc.messages]


def fields_renamed(exc: ValidationError, names: Mapping[str, str]) -> ValidationError:
    """The same errors under the API's field names (`names` maps domain -> API; a field not in
    it keeps its name)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): messages for field, messages in exc.message_dict.items()})
