"""The scheduling API: /api/mechanics/{id}/slots, /api/bookings (list, create, detail,
reschedule, cancel)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mechmatch.scheduling.models import Booking
from mechmatch.scheduling.testing import VEHICLE, make_booking, make_week
from mechmatch.scheduling.tests.conftest import slot_after
from mechmatch.testing import make_entitlement

pytestmark = pytest.mark.django_db


def _post(client, path, body):  # noqa: ANN001, ANN202
    return client.post(path, body, content_type="application/json")


def test_the_slots_of_a_mechanic_are_listed_in_utc_for_the_plans_length(customer_api, mechanic):
    make_week(mechanic, tz="America/Regina")
    body = customer_api.get(f"/api/mechanics/{mechanic.pk}/slots?planCode=full").json()
    assert body["minutes"] == 60 and body["mechanicTimezone"] == "America/Regina"
    assert body["slots"]
    assert body["slots"][0].endswith(("Z", "+00:00"))


def test_an_unknown_plan_is_a_400_naming_plan_code(customer_api, mechanic):
    response = customer_api.get(f"/api/mechanics/{mechanic.pk}/slots?planCode=nope")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "planCode"


def test_a_customer_books_a_slot_and_sees_it_with_the_refund_rule(customer_api, customer, mechanic):
    make_week(mechanic)
    payment = make_entitlement(customer.user)
    start = slot_after(mechanic, hours=30)
    response = _post(customer_api, "/api/bookings", {
        "startsAt": start.isoformat(), "mechanicId": mechanic.pk, "planCode": "standard", "paymentId": payment.pk,
        "concern": "Brakes squeal", "vehicle": VEHICLE, "customerPostalCode": "M5V 2T6",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mechanicName"] == "Morgan Lee" and body["cancelTerms"]["refundIfCancelledNow"] is True
    assert [b["id"] for b in customer_api.get("/api/bookings").json()] == [body["id"]]


def test_a_taken_time_is_a_400_naming_starts_at(customer_api, customer, mechanic, outsider):
    make_week(mechanic)
    start = slot_after(mechanic, hours=30)
    make_booking(outsider, mechanic, start, now=timezone.now())
    payment = make_entitlement(customer.user)
    response = _post(customer_api, "/api/bookings", {
        "startsAt": start.isoformat(), "mechanicId": mechanic.pk, "planCode": "standard", "paymentId": payment.pk,
        "concern": "Brakes squeal", "vehicle": VEHICLE, "customerPostalCode": "M5V 2T6",
    })  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "startsAt"


def test_an_unknown_field_is_a_422(customer_api):
    response = _post(customer_api, "/api/bookings", {"starts_at": "2030-01-01T10:00:00Z"})
    assert response.status_code == 422


def test_reschedule_and_cancel_through_the_api(customer_api, mechanic_api, customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, slot_after(mechanic, hours=30), now=timezone.now())
    target = slot_after(mechanic, hours=50)
    moved = _post(customer_api, f"/api/bookings/{booking.pk}/reschedule", {"startsAt": target.isoformat()})
    assert moved.status_code == 200 and moved.json()["startsAt"].startswith(target.strftime("%Y-%m-%dT%H:%M"))
    assert mechanic_api.get(f"/api/bookings/{booking.pk}").status_code == 200
    assert _post(mechanic_api, f"/api/bookings/{booking.pk}/cancel", {}).status_code == 404
    cancelled = _post(customer_api, f"/api/bookings/{booking.pk}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["refunded"] is True
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    again = _post(customer_api, f"/api/bookings/{booking.pk}/cancel", {})
    assert again.status_code == 409
