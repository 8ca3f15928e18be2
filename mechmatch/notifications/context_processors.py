"""The header's counts: unread inbox items for everyone signed in, open offers for mechanics."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from mechmatch.notifications.selectors import inbox_unread_count


def header_counts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts: dict[str, Any] = {"inbox_unread": inbox_unread_count(user)}
    if user.is_mechanic:
        from mechmatch.dispatch.models import Offer  # dispatch depends on notifications, not back

        counts["offers_open"] = Offer.objects.filter(
            mechanic__user=user, status=Offer.Status.OPEN, expires_at__gt=timezone.now()
        ).count()
    return counts
