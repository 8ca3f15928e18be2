"""The one home of the scheduling rules a customer is shown before confirming: the refund
on cancelling, and how early and how far ahead a slot can be booked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings


@dataclass(frozen=True, slots=True)
class CancelTerms:
    refund: bool  # cancelling now refunds the payment in full
    full_refund_until: datetime  # the last moment a cancel is refunded


def cancel_terms(*, starts_at: datetime, now: datetime) -> CancelTerms:
    """Full refund until SCHEDULE_FULL_REFUND_HOURS before the start, none after."""
    until = starts_at - timedelta(hours=settings.SCHEDULE_FULL_REFUND_HOURS)
    return CancelTerms(refund=now <= until, full_refund_until=until)


def bookable_window(now: datetime) -> tuple[datetime, datetime]:
    """The earliest and latest instants a booked slot may start at."""
    return (
        now + timedelta(minutes=settings.SCHEDULE_LEAD_MINUTES),
        now + timedelta(days=settings.SCHEDULE_WINDOW_DAYS),
    )
