"""Cancelling from the page (/schedule/bookings/<id>/cancel/): the refund rule is shown
before confirming and applied on confirm."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from mechmatch.payments.models import Payment
from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.testing import make_booking, make_week
from mechmatch.scheduling.tests.conftest import slot_after

pytestmark = pytest.mark.django_db


def test_early_the_page_promises_a_full_refund_and_confirming_refunds(customer_client, customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, slot_after(mechanic, hours=30), now=timezone.now())
    url = reverse("scheduling:cancel", args=[booking.pk])
    assert "Full refund if you cancel before" in customer_client.get(url).content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED  # looking changes nothing
    response = customer_client.post(url, follow=True)
    assert "refunded in full" in response.content.decode()
    assert Payment.objects.get(booking=booking).status == Payment.Status.REFUNDED


def test_within_24_hours_the_page_says_there_is_no_refund(customer_client, customer, mechanic):
    make_week(mechanic, start=time(0), end=time(23, 45))
    booking = make_booking(customer.user, mechanic, slot_after(mechanic, hours=2), now=timezone.now())
    url = reverse("scheduling:cancel", args=[booking.pk])
    assert "cancelling now is not refunded" in customer_client.get(url).content.decode()
    customer_client.post(url)
    assert Payment.objects.get(booking=booking).status == Payment.Status.PAID


def test_nobody_else_may_cancel(outsider_client, customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, slot_after(mechanic, hours=30), now=timezone.now())
    assert outsider_client.post(reverse("scheduling:cancel", args=[booking.pk])).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED
