"""The header's counts: unread inbox items for everyone signed in, open offers for mechanics
(with what dispatch/alerts.js needs to keep the count live on every mechanic page: the
mechanic's channel, the last event the page reflects, and the open offers' ids)."""

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
        # dispatch depends on notifications, not back
        from mechmatch.dispatch.events import latest_id, mechanic_channel
        from mechmatch.dispatch.models import Offer
        from mechmatch.mechanics.models import Mechanic

        mechanic_id = Mechanic.objects.filter(user=user).values_list("pk", flat=True).first()
        if mechanic_id is not None:
            channel = mechanic_channel(mechanic_id)
            # Read before the offers, so the script resumes from here and misses nothing.
            counts["offers_channel"] = channel
            counts["offers_last_event_id"] = latest_id(channel)
        ids = list(
            Offer.objects.filter(mechanic__user=user, status=Offer.Status.OPEN, expires_at__gt=timezone.now())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        counts["offers_open"] = len(ids)
        counts["offers_open_ids"] = " ".join(str(pk) for pk in ids)
    return counts
