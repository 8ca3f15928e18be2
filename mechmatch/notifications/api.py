"""The signed-in user's inbox and e-mail preferences, for API clients: the same selectors and
services as the inbox and preferences pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema
from pydantic import JsonValue

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_errors import StrictIn
from mechmatch.api_schema import Flag, object_errors, signed_in_errors
from mechmatch.notifications import texts
from mechmatch.notifications.models import Kind, Notification
from mechmatch.notifications.selectors import inbox_list, inbox_unread_count, notification_get, preferences_of
from mechmatch.notifications.services import notifications_mark_read, preferences_set

router = Router(tags=["notifications"], auth=api_auth)

_KINDS: list[JsonValue] = list(Kind.values)


class NotificationOut(Schema):
    id: int
    kind: str = Field(..., json_schema_extra={"enum": _KINDS})
    subject: str = Field(description="In the reader's language.")
    body: str
    path: str = Field(description="The page it is about.")
    createdAt: datetime
    readAt: datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


class MarkedOut(Schema):
    marked: int = Field(description="How many unread notifications were marked read.")


class PreferenceIn(StrictIn):
    kind: str = Field(..., max_length=32, json_schema_extra={"enum": _KINDS})
    email: Flag


class PreferencesIn(StrictIn):
    preferences: list[PreferenceIn] = Field(
        ..., max_length=len(Kind.values), description="Kinds not named keep theirs."
    )


class PreferenceOut(Schema):
    kind: str = Field(..., json_schema_extra={"enum": _KINDS})
    label: str
    email: bool


def _notification_out(notification: Notification, language: str) -> dict[str, Any]:
    subject, body = texts.render(notification.kind, notification.context, language)
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "subject": subject,
        "body": body,
        "path": notification.context.get("path", "/"),
        "createdAt": notification.created_at,
        "readAt": notification.read_at,
    }


def _preferences_out(request: SignedInRequest) -> list[dict[str, Any]]:
    chosen = preferences_of(request.user)
    return [{"kind": kind, "label": str(label), "email": chosen[kind]} for kind, label in Kind.choices]


@router.get("/notifications", response={200: InboxOut, **signed_in_errors()}, summary="My inbox, newest first")
def inbox(request: SignedInRequest) -> dict[str, Any]:
    language = texts.language_of(getattr(request, "LANGUAGE_CODE", "en"))
    return {
        "unread": inbox_unread_count(request.user),
        "items": [_notification_out(n, language) for n in inbox_list(request.user)],
    }


@router.post("/notifications/read", response={200: MarkedOut, **signed_in_errors()}, summary="Mark all read")
def inbox_read_all(request: SignedInRequest) -> dict[str, Any]:
    return {"marked": notifications_mark_read(user=request.user)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: MarkedOut, **object_errors()},
    summary="Mark one read (again is harmless)",
)
def inbox_read(request: SignedInRequest, notification_id: int) -> dict[str, Any]:
    if notification_get(request.user, notification_id) is None:
        raise Http404("Notification not found.")
    return {"marked": notifications_mark_read(user=request.user, notification_id=notification_id)}


@router.get("/notifications/preferences", response={200: list[PreferenceOut], **signed_in_errors()})
def preferences(request: SignedInRequest) -> list[dict[str, Any]]:
    return _preferences_out(request)


@router.put("/notifications/preferences", response={200: list[PreferenceOut], **signed_in_errors()})
def preferences_update(request: SignedInRequest, payload: PreferencesIn) -> list[dict[str, Any]]:
    preferences_set(user=request.user, email_by_kind={p.kind: p.email for p in payload.preferences})
    return _preferences_out(request)
