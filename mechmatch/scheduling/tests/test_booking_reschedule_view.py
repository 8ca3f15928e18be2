"""Moving a booking from the page (/schedule/bookings/<id>/reschedule/)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from mechmatch.scheduling.testing import make_booking, make_week
from mechmatch.scheduling.tests.conftest import slot_after

pytestmark = pytest.mark.django_db


def test_the_customer_picks_another_free_time_and_the_booking_moves(customer_client, customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, slot_after(mechanic, hours=30), now=timezone.now())
    url = reverse("scheduling:reschedule", args=[booking.pk])
    assert 'data-testid="slot"' in customer_client.get(url).content.decode()
    target = slot_after(mechanic, hours=50)
    response = customer_client.post(url, {"starts_at": target.isoformat()})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == target


def test_a_time_that_is_not_offered_is_shown_as_an_error(customer_client, customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, slot_after(mechanic, hours=30), now=timezone.now())
    response = customer_client.post(reverse("scheduling:reschedule", args=[booking.pk]), {"starts_at": "nonsense"})
    assert response.status_code == 200 and "Choose one of the offered times." in response.content.decode()


def test_nobody_else_may_open_it(outsider_client, mechanic_client, customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, slot_after(mechanic, hours=30), now=timezone.now())
    url = reverse("scheduling:reschedule", args=[booking.pk])
    assert outsider_client.get(url).status_code == 404
    assert mechanic_client.get(url).status_code == 404
