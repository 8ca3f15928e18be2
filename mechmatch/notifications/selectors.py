"""Reads for notifications: the user's inbox and its unread count."""

from __future__ import annotations

from django.db.models import QuerySet

from mechmatch.accounts.models import User
from mechmatch.notifications.models import Kind, Notification, Preference


def inbox_list(user: User, *, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit]


def inbox_unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_of(user: User) -> dict[str, bool]:
    """Every kind -> whether the user gets e-mail for it (default yes)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in Kind.values}


def notification_get(user: User, notification_id: int) -> Notification | None:
    """One of the user's own notifications; None for anyone else's."""
    return Notification.objects.filter(pk=notification_id, user=user).first()
