"""Both parties' scheduled sessions (/schedule/bookings/), in the viewer's time zone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from mechmatch.core.slots import zone
from mechmatch.scheduling.testing import make_booking, make_week
from mechmatch.scheduling.tests.conftest import slot_after

pytestmark = pytest.mark.django_db
URL = reverse("scheduling:bookings")


def test_the_customer_and_the_mechanic_each_see_the_booking_in_their_own_time_zone(
    customer_client, mechanic_client, outsider_client, customer, mechanic
):
    make_week(mechanic, tz="America/St_Johns")
    start = slot_after(mechanic, hours=30)
    make_booking(customer.user, mechanic, start, now=timezone.now())
    mine = customer_client.get(URL).content.decode()
    theirs = mechanic_client.get(URL).content.decode()
    # The page writes times in its language's format ("7:30 a.m." in English).
    toronto = date_format(start.astimezone(zone("America/Toronto")), "TIME_FORMAT")
    st_johns = date_format(start.astimezone(zone("America/St_Johns")), "TIME_FORMAT")
    assert toronto in mine and "Morgan Lee" in mine and "Reschedule" in mine
    assert st_johns in theirs and "Casey" in theirs and "Reschedule" not in theirs
    assert 'data-testid="no-bookings"' in outsider_client.get(URL).content.decode()


def test_the_dashboard_and_history_show_the_upcoming_booking(customer_client, customer, mechanic):
    make_week(mechanic)
    make_booking(customer.user, mechanic, slot_after(mechanic, hours=30), now=timezone.now())
    for name in ("journey:dashboard", "journey:history"):
        assert 'data-testid="booking"' in customer_client.get(reverse(name)).content.decode()


def test_the_public_profile_shows_the_next_free_times(customer_client, mechanic):
    make_week(mechanic)
    page = customer_client.get(reverse("journey:mechanic", args=[mechanic.pk])).content.decode()
    assert 'data-testid="next-slots"' in page
