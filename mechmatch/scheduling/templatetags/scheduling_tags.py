"""Scheduling's pieces on other apps' pages: the viewer's upcoming bookings (the
customer's dashboard and history) and a mechanic's next free times (their public profile)."""

from __future__ import annotations

from typing import Any

from django import template

from mechmatch.mechanics.models import Mechanic
from mechmatch.payments.plans import DEFAULT_PLAN
from mechmatch.scheduling import selectors

register = template.Library()


@register.inclusion_tag("scheduling/_upcoming.html", takes_context=True)
def upcoming_bookings(context: dict[str, Any], limit: int = 5) -> dict[str, Any]:
    user = context["request"].user
    return {
        "user": user,
        "bookings": list(selectors.bookings_upcoming(user)[:limit]) if user.is_authenticated else [],
        "viewer_tz": selectors.viewer_timezone(user),
    }


@register.inclusion_tag("scheduling/_next_slots.html", takes_context=True)
def next_free_slots(context: dict[str, Any], mechanic: Mechanic, limit: int = 6) -> dict[str, Any]:
    return {
        "mechanic": mechanic,
        "slots": selectors.mechanic_free_slots(mechanic, plan_code=DEFAULT_PLAN, limit=limit),
        "viewer_tz": selectors.viewer_timezone(context["request"].user),
    }
