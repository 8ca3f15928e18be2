"""Book a slot for tomorrow, see it on both parties' pages, reschedule it."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from mechmatch.core.slots import zone
from mechmatch.journey.tests.browser.helpers import fill_intake, seed_toronto_mechanics, sign_in, sign_up
from mechmatch.mechanics.models import Mechanic
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.testing import make_week

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day_label(moment) -> str:  # noqa: ANN001
    return f"{moment:%A}, {moment:%B} {moment.day}"  # WEEKDAY_DATE_FORMAT in English: "l, F j"


def _time_label(moment) -> str:  # noqa: ANN001
    """The time as the English page writes it (TIME_FORMAT, "11 p.m.", "9:15 a.m."), followed
    by the zone, so "1 p.m." cannot match inside "11 p.m."."""
    return f", {date_format(moment, 'TIME_FORMAT')} "


def test_a_customer_books_tomorrow_both_see_it_and_the_customer_moves_it(new_context, shots):
    people = seed_toronto_mechanics()
    morgan = Mechanic.objects.get(display_name="Morgan Lee")
    make_week(morgan, start=time(0), end=time(23, 45))
    tomorrow = _day_label(timezone.now().astimezone(zone("America/Toronto")) + timedelta(days=1))

    customer = new_context().new_page()
    sign_up(customer, first_name="Robin", email="robin.sched@example.test")
    customer.goto("/app/intake/")
    fill_intake(customer)
    customer.get_by_role("button", name="Find mechanics").click()
    customer.get_by_role("button", name="Continue with Morgan").click()
    customer.get_by_test_id("schedule-later").click()
    expect(customer.get_by_role("heading", name="Schedule for later")).to_be_visible()
    day = customer.locator(".slot-day").filter(has=customer.get_by_role("heading", name=tomorrow))
    day.get_by_test_id("slot").last.check()  # late tomorrow: usually over 24 hours away
    shots(customer, "slot-chosen")
    customer.get_by_role("button", name="Continue to payment").click()
    customer.get_by_role("button", name=re.compile(r"^Pay \$29\.99")).click()
    expect(customer.get_by_test_id("refund-rule")).to_contain_text(
        re.compile("Full refund if you cancel before|not refunded")
    )
    shots(customer, "confirm")
    customer.locator("#id_accept").check()
    customer.get_by_role("button", name="Book this time").click()
    expect(customer.get_by_text("Your session is booked.")).to_be_visible()
    booking = Booking.objects.get(customer__email="robin.sched@example.test")
    first_when = _time_label(booking.starts_at.astimezone(zone("America/Toronto")))
    expect(customer.get_by_test_id("booking-when")).to_contain_text(first_when)
    expect(customer.get_by_test_id("booking-when")).to_contain_text(tomorrow)
    shots(customer, "customer-bookings")

    mechanic = new_context().new_page()
    sign_in(mechanic, people["Morgan Lee"])
    mechanic.goto("/schedule/bookings/")
    expect(mechanic.get_by_test_id("booking")).to_contain_text("Robin")
    expect(mechanic.get_by_test_id("booking-when")).to_contain_text(first_when)
    shots(mechanic, "mechanic-schedule")

    customer.goto("/app/")
    expect(customer.get_by_test_id("booking")).to_contain_text("Morgan Lee")
    customer.goto("/schedule/bookings/")
    customer.get_by_role("link", name="Reschedule").click()
    day = customer.locator(".slot-day").filter(has=customer.get_by_role("heading", name=tomorrow))
    day.get_by_test_id("slot").nth(40).check()
    customer.get_by_role("button", name="Move my session").click()
    expect(customer.get_by_text("Your session was moved.")).to_be_visible()
    booking.refresh_from_db()
    new_when = _time_label(booking.starts_at.astimezone(zone("America/Toronto")))
    assert new_when != first_when
    expect(customer.get_by_test_id("booking-when")).to_contain_text(new_when)
    shots(customer, "rescheduled")
    mechanic.reload()
    expect(mechanic.get_by_test_id("booking-when")).to_contain_text(new_when)
    shots(mechanic, "mechanic-sees-new-time")
