"""The mechanic's week page (/schedule/availability/)."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from mechmatch.scheduling.models import AvailabilityRule, TimeOff

pytestmark = pytest.mark.django_db
URL = reverse("scheduling:availability")


def test_a_mechanic_saves_their_week_in_their_time_zone(mechanic_client, mechanic):
    response = mechanic_client.post(
        URL, {"action": "week", "timezone": "America/Regina", "d0_0_start": "09:00", "d0_0_end": "12:00",
              "d0_1_start": "13:00", "d0_1_end": "17:00", "d5_0_start": "10:00", "d5_0_end": "14:00"},
    )  # fmt: skip
    assert response.status_code == 302
    mechanic.refresh_from_db()
    assert mechanic.timezone == "America/Regina"
    assert list(AvailabilityRule.objects.values_list("weekday", "start_time")) == [
        (0, time(9)), (0, time(13)), (5, time(10)),
    ]  # fmt: skip
    page = mechanic_client.get(URL).content.decode()
    assert 'value="13:00"' in page


def test_a_period_off_the_quarter_hour_is_refused_and_the_old_week_kept(mechanic_client, mechanic):
    mechanic_client.post(
        URL, {"action": "week", "timezone": "America/Toronto", "d1_0_start": "09:00", "d1_0_end": "10:00"}
    )
    response = mechanic_client.post(
        URL, {"action": "week", "timezone": "America/Toronto", "d1_0_start": "09:10", "d1_0_end": "10:00"}
    )
    assert response.status_code == 200
    assert "quarter hour" in response.content.decode()
    assert AvailabilityRule.objects.get().start_time == time(9)


def test_time_off_is_added_and_removed(mechanic_client, mechanic):
    mechanic_client.post(URL, {"action": "time_off", "first_day": "2030-07-01", "last_day": "2030-07-14"})
    off = TimeOff.objects.get()
    assert str(off.last_day) == "2030-07-14"
    mechanic_client.post(URL, {"action": "remove_time_off", "time_off_id": str(off.pk)})
    assert not TimeOff.objects.exists()


def test_a_customer_has_no_week_page(customer_client):
    assert customer_client.get(URL).status_code == 404
