"""What every operation of the OpenAPI document shares, so routers do not repeat it: the
error statuses each kind of operation can answer, and the strict input types.

Error statuses, by kind of operation (each documented with the one ErrorOut schema):
- every operation: 400 (input no schema describes: a NUL character anywhere, a body that is
  not JSON; and the rules of the domain, such as an unknown postal code), 422 (the schema
  refused the request: a wrong type, a missing or unknown field, a path id that is not a
  number) and 503 (the database is briefly unavailable; retry after Retry-After);
- operations for signed-in users add 401 (no or a bad bearer token, no session) and 403 (a
  session cookie without a valid CSRF token; bearer tokens need none);
- operations on one object (an id in the path) add 404: it does not exist or is not yours,
  never told apart;
- throttled operations add 429 with Retry-After (`throttled=True`).
An operation adds the statuses its service answers (400 a rule of the domain, 409 not now).

Strict input: a JSON boolean is `true` or `false`, never `0` or `"yes"` (pydantic's lax
default takes both); a JSON whole number is never `true` or `"12"` (`12.0` is 12, as JSON
Schema says)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from django.db.models import Choices
from pydantic import BeforeValidator, StrictBool

from mechmatch.api_errors import ErrorOut


def _not_bool_or_text(value: Any) -> Any:
    if isinstance(value, bool | str):
        raise ValueError("Input should be a whole number")
    return value


# Body fields only: query strings are text, where "true" and "1" are how booleans are spelled.
Flag = StrictBool
WholeNumber = Annotated[int, BeforeValidator(_not_bool_or_text)]

# The default of a PATCH field that may be left out (it keeps its value) but never be null:
# `name: str = Field(default=KEEP)` documents a string, not "string or null".
KEEP: Any = None

EVERY_OPERATION = (400, 422, 503)
SIGNED_IN = (401, 403)
ONE_OBJECT = (404,)
THROTTLED = (429,)


def _documented(statuses: Iterable[int]) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(sorted(set(statuses)), ErrorOut)


def open_errors(*statuses: int, throttled: bool = False) -> dict[int, type[ErrorOut]]:
    """`response={200: ThingOut, **open_errors(400)}` for an operation anyone may call."""
    return _documented((*EVERY_OPERATION, *statuses, *(THROTTLED if throttled else ())))


def signed_in_errors(*statuses: int, throttled: bool = False) -> dict[int, type[ErrorOut]]:
    """For an operation only a signed-in user reaches."""
    return open_errors(*SIGNED_IN, *statuses, throttled=throttled)


def object_errors(*statuses: int, throttled: bool = False) -> dict[int, type[ErrorOut]]:
    """For a signed-in user's operation on one object named in the path."""
    return signed_in_errors(*ONE_OBJECT, *statuses, throttled=throttled)


def one_of(values: Iterable[str]) -> Any:
    """The type of a str field limited to a list that lives elsewhere (a model's choices, a
    data file): validated, and listed as an enum in the schema."""
    listed = tuple(dict.fromkeys(values))
    return Literal[listed]


def choice_of(choices: type[Choices], *, exclude: Iterable[str] = ()) -> Any:
    """A str field limited to a model's choices (`exclude`: values the API does not take)."""
    skipped = set(exclude)
    return one_of(str(v) for v in choices.values if v not in skipped)
