"""The scheduling pages (filled in by the next commit)."""

from django.http import HttpRequest, HttpResponse


def availability(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return HttpResponse()


bookings = booking_reschedule = booking_cancel = intake_slots = intake_confirm = availability
