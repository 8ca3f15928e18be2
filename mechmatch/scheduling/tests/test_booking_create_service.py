"""Booking a slot (scheduling.services.booking_create): the live session's plan, waiver and
payment rules, the mechanic's week, and no double booking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from mechmatch.journey.models import Waiver
from mechmatch.payments.models import Payment
from mechmatch.scheduling.models import Booking, BookingCell
from mechmatch.scheduling.services import booking_create
from mechmatch.scheduling.testing import VEHICLE, make_booking, make_week
from mechmatch.testing import make_customer, make_entitlement

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)  # a Wednesday
THURSDAY_9_TORONTO = datetime(2027, 3, 11, 14, tzinfo=UTC)


def _refused(user, mechanic, starts_at, **kwargs) -> str:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        make_booking(user, mechanic, starts_at, now=NOW, **kwargs)
    return ",".join(caught.value.message_dict)


def test_a_booking_holds_one_cell_per_quarter_hour_and_spends_the_payment(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, THURSDAY_9_TORONTO, now=NOW)
    assert booking.ends_at - booking.starts_at == timedelta(minutes=45)
    assert BookingCell.objects.filter(booking=booking).count() == 3
    assert Payment.objects.get(booking=booking).used_at is not None


def test_a_second_booking_of_an_overlapping_time_is_refused_and_its_payment_is_left_unspent(customer, mechanic):
    make_week(mechanic)
    make_booking(customer.user, mechanic, THURSDAY_9_TORONTO, now=NOW)
    other = make_customer(email="other@example.test")
    assert _refused(other.user, mechanic, THURSDAY_9_TORONTO + timedelta(minutes=30)) == "starts_at"
    assert Booking.objects.count() == 1
    assert Payment.objects.filter(user=other.user, used_at__isnull=True).count() == 1


def test_the_database_refuses_an_overlapping_cell_even_when_the_check_is_skipped(customer, mechanic):
    from django.db import IntegrityError, transaction

    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, THURSDAY_9_TORONTO, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingCell.objects.create(booking=booking, mechanic=mechanic, cell_start=THURSDAY_9_TORONTO)


def test_a_time_outside_the_mechanics_week_is_refused(customer, mechanic):
    make_week(mechanic)
    assert _refused(customer.user, mechanic, datetime(2027, 3, 11, 23, tzinfo=UTC)) == "starts_at"


def test_a_time_off_the_grid_too_soon_or_too_far_is_refused(customer, mechanic):
    make_week(mechanic)
    assert _refused(customer.user, mechanic, THURSDAY_9_TORONTO + timedelta(minutes=5)) == "starts_at"
    assert _refused(customer.user, mechanic, NOW + timedelta(minutes=15)) == "starts_at"
    assert _refused(customer.user, mechanic, THURSDAY_9_TORONTO + timedelta(days=30)) == "starts_at"


def _create(user, mechanic, starts_at, *, payment_id, **kwargs):  # noqa: ANN001, ANN202
    values = {"plan_code": "standard", "concern": "Brakes squeal", "vehicle": VEHICLE, **kwargs}
    return booking_create(
        user=user, mechanic_id=mechanic.pk, starts_at=starts_at, payment_id=payment_id,
        postal_code="M5V 2T6", now=NOW, **values,
    )  # fmt: skip


def _refused_create(*args, **kwargs) -> list[str]:  # noqa: ANN002, ANN003
    with pytest.raises(ValidationError) as caught:
        _create(*args, **kwargs)
    return list(caught.value.message_dict)


def test_without_the_waiver_or_a_payment_nothing_is_booked(customer, mechanic):
    make_week(mechanic)
    payment = make_entitlement(customer.user)
    Waiver.objects.all().delete()
    assert _refused_create(customer.user, mechanic, THURSDAY_9_TORONTO, payment_id=payment.pk) == ["waiver"]
    make_entitlement(customer.user)
    assert _refused_create(customer.user, mechanic, THURSDAY_9_TORONTO, payment_id=None) == ["payment_id"]
    assert not Booking.objects.exists()
    assert not Payment.objects.filter(used_at__isnull=False).exists()


def test_a_spent_payment_cannot_book_twice(customer, mechanic):
    make_week(mechanic)
    booking = make_booking(customer.user, mechanic, THURSDAY_9_TORONTO, now=NOW)
    later = THURSDAY_9_TORONTO + timedelta(hours=2)
    assert _refused_create(customer.user, mechanic, later, payment_id=booking.payment_id) == ["payment_id"]


def test_an_unknown_plan_or_a_bad_vehicle_names_its_field(customer, mechanic):
    make_week(mechanic)
    payment = make_entitlement(customer.user)
    start = THURSDAY_9_TORONTO
    assert _refused_create(customer.user, mechanic, start, payment_id=payment.pk, plan_code="bogus") == ["plan_code"]
    bad = {"make": "Honda", "model": "X"}
    assert "year" in _refused_create(customer.user, mechanic, start, payment_id=payment.pk, vehicle=bad)


def test_any_matching_mechanic_books_without_holding_a_mechanics_cells(customer):
    booking = make_booking(customer.user, None, THURSDAY_9_TORONTO, now=NOW)
    assert booking.mechanic is None and not BookingCell.objects.exists()


def test_regina_and_st_johns_mechanics_are_booked_at_their_own_nine_oclock(customer):
    from mechmatch.testing import make_mechanic

    regina = make_mechanic(display_name="Riley Regina")
    st_johns = make_mechanic(display_name="Sam StJohns")
    make_week(regina, tz="America/Regina")
    make_week(st_johns, tz="America/St_Johns")
    assert make_booking(customer.user, regina, datetime(2027, 3, 11, 15, tzinfo=UTC), now=NOW)
    # 09:00 in St. John's on 11 March is 12:30 UTC (standard time, UTC-3:30).
    assert make_booking(customer.user, st_johns, datetime(2027, 3, 11, 12, 30, tzinfo=UTC), now=NOW)
    other = make_customer(email="other@example.test")
    assert _refused(other.user, regina, datetime(2027, 3, 11, 14, tzinfo=UTC)) == "starts_at"  # 08:00 there


def _book_in_thread(user_id: int, mechanic_id: int, starts_at: datetime, barrier, results: list) -> None:  # noqa: ANN001
    from django.db import connections

    from mechmatch.accounts.models import User
    from mechmatch.mechanics.models import Mechanic

    try:
        user, mechanic = User.objects.get(pk=user_id), Mechanic.objects.get(pk=mechanic_id)
        barrier.wait()
        make_booking(user, mechanic, starts_at, now=NOW)
        results.append("won")
    except ValidationError as exc:
        results.append(",".join(exc.message_dict))
    except Exception as exc:  # noqa: BLE001 - reported by the assertion below
        results.append(f"error: {exc!r}")
    finally:
        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_customers_booking_overlapping_times_of_one_mechanic_at_once_leave_one_booking():
    import threading

    from mechmatch.testing import make_mechanic

    mechanic = make_mechanic(display_name="Pat Busy")
    make_week(mechanic)
    customers = [make_customer(email=f"c{n}@example.test") for n in range(8)]
    barrier = threading.Barrier(len(customers))
    results: list[str] = []
    threads = [
        threading.Thread(
            target=_book_in_thread,
            args=(c.user.pk, mechanic.pk, THURSDAY_9_TORONTO + timedelta(minutes=15 * (n % 3)), barrier, results),
        )
        for n, c in enumerate(customers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results.count("won") == 1, results
    assert results.count("starts_at") == 7, results
    assert Booking.objects.count() == 1 and BookingCell.objects.count() == 3
