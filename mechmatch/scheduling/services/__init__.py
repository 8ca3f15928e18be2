"""Writes for scheduling, one module per subject: the mechanic's availability, the
customer's bookings, and the dispatcher's step (starts and reminders). Callers import
from this package."""

from mechmatch.scheduling.services.availability import availability_set, time_off_add, time_off_remove
from mechmatch.scheduling.services.bookings import (
    BookingClosed,
    Cancelled,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from mechmatch.scheduling.services.due import ScheduledStep, scheduled_step

__all__ = [
    "BookingClosed",
    "Cancelled",
    "ScheduledStep",
    "availability_set",
    "booking_cancel",
    "booking_create",
    "booking_reschedule",
    "scheduled_step",
    "time_off_add",
    "time_off_remove",
]
