"""Slot arithmetic across Canadian and US time zones (core.slots)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from mechmatch.core.slots import (
    TimeOff,
    WeeklyRule,
    ceil_to_grid,
    cells_of,
    free_slots,
    rule_problem,
    slot_is_open,
    zone,
)

MONDAY_TO_FRIDAY_9_TO_5 = [WeeklyRule(day, time(9), time(17)) for day in range(5)]


def _slots(tz_name, start, end, *, rules=MONDAY_TO_FRIDAY_9_TO_5, minutes=60, busy=(), time_off=(), step=60):  # noqa: ANN001, ANN202
    return free_slots(
        rules=rules, time_off=list(time_off), busy=list(busy), tz_name=tz_name, start=start, end=end,
        minutes=minutes, step_minutes=step,
    )  # fmt: skip


def _local_hours(slots, tz_name):  # noqa: ANN001, ANN202
    tz = zone(tz_name)
    return [s.astimezone(tz).strftime("%a %H:%M") for s in slots]


def test_regina_has_no_daylight_saving_so_nine_oclock_is_fifteen_utc_all_year():
    for month in (1, 7):
        start = datetime(2027, month, 4, tzinfo=UTC) if month == 1 else datetime(2027, 7, 5, tzinfo=UTC)
        slots = _slots("America/Regina", start, start + timedelta(days=1))
        assert slots[0].hour == 15 and slots[0].minute == 0
        assert len(slots) == 8


def test_st_johns_is_a_half_hour_off_and_its_slots_still_land_on_the_grid():
    start = datetime(2027, 1, 4, tzinfo=UTC)  # a Monday; Newfoundland standard time is UTC-3:30
    slots = _slots("America/St_Johns", start, start + timedelta(days=1), minutes=45, step=15)
    assert slots[0] == datetime(2027, 1, 4, 12, 30, tzinfo=UTC)
    assert all(s.minute in (0, 15, 30, 45) for s in slots)
    assert _local_hours(slots, "America/St_Johns")[-1] == "Mon 16:15"


def test_the_march_change_mid_week_moves_the_utc_hour_of_the_same_local_hour():
    # 2027-03-14 is the Sunday of the spring change; the week around it runs Thursday to Tuesday.
    start, end = datetime(2027, 3, 11, tzinfo=UTC), datetime(2027, 3, 17, tzinfo=UTC)
    slots = _slots("America/Toronto", start, end, rules=[WeeklyRule(d, time(9), time(10)) for d in range(7)])
    assert _local_hours(slots, "America/Toronto") == [
        "Thu 09:00", "Fri 09:00", "Sat 09:00", "Sun 09:00", "Mon 09:00", "Tue 09:00",
    ]  # fmt: skip
    assert [s.hour for s in slots] == [14, 14, 14, 13, 13, 13]


def test_a_rule_across_the_spring_gap_is_as_long_as_the_clock_says():
    sunday = [WeeklyRule(6, time(1), time(4))]
    start = datetime(2027, 3, 14, tzinfo=UTC)
    slots = _slots("America/Chicago", start, start + timedelta(days=1), rules=sunday)
    # 01:00-04:00 on the change is two real hours: 01:00 CST and 03:00 CDT.
    assert _local_hours(slots, "America/Chicago") == ["Sun 01:00", "Sun 03:00"]


def test_a_rule_across_the_november_change_holds_the_repeated_hour_too():
    sunday = [WeeklyRule(6, time(0), time(3))]
    start = datetime(2027, 11, 7, tzinfo=UTC)  # the autumn change, 02:00 -> 01:00
    slots = _slots("America/Vancouver", start, start + timedelta(days=1), rules=sunday)
    assert len(slots) == 4  # 00:00, 01:00 PDT, 01:00 PST, 02:00
    assert len(set(_local_hours(slots, "America/Vancouver"))) == 3


def test_the_november_week_keeps_local_hours_and_shifts_utc_by_one():
    start, end = datetime(2027, 11, 4, tzinfo=UTC), datetime(2027, 11, 10, tzinfo=UTC)
    rules = [WeeklyRule(d, time(9), time(10)) for d in range(7)]
    slots = _slots("America/Halifax", start, end, rules=rules)
    assert [s.hour for s in slots] == [12, 12, 12, 13, 13, 13]


def test_busy_time_and_time_off_leave_no_slot():
    start = datetime(2027, 1, 4, tzinfo=UTC)  # Monday
    busy = [(datetime(2027, 1, 4, 15, 30, tzinfo=UTC), datetime(2027, 1, 4, 16, 0, tzinfo=UTC))]
    slots = _slots("America/Toronto", start, start + timedelta(days=1), busy=busy)
    assert datetime(2027, 1, 4, 15, tzinfo=UTC) not in slots  # 10:00-11:00 overlaps 10:30
    assert datetime(2027, 1, 4, 14, tzinfo=UTC) in slots
    off = [TimeOff(date(2027, 1, 4), date(2027, 1, 5))]
    assert _slots("America/Toronto", start, start + timedelta(days=2), time_off=off) == []


def test_a_slot_never_starts_before_the_window_or_off_the_grid():
    start = datetime(2027, 1, 4, 14, 7, tzinfo=UTC)
    slots = _slots("America/Toronto", start, start + timedelta(hours=3), step=15)
    assert slots[0] == datetime(2027, 1, 4, 14, 15, tzinfo=UTC)
    assert ceil_to_grid(start) == slots[0]


def test_a_slot_is_open_only_inside_a_rule_and_on_the_grid():
    kwargs: dict[str, Any] = {
        "rules": MONDAY_TO_FRIDAY_9_TO_5,
        "time_off": [],
        "tz_name": "America/Regina",
        "minutes": 60,
    }
    assert slot_is_open(start=datetime(2027, 1, 4, 15, tzinfo=UTC), **kwargs)
    assert not slot_is_open(start=datetime(2027, 1, 4, 15, 5, tzinfo=UTC), **kwargs)
    assert not slot_is_open(start=datetime(2027, 1, 4, 22, 30, tzinfo=UTC), **kwargs)  # runs past 17:00
    assert not slot_is_open(start=datetime(2027, 1, 9, 15, tzinfo=UTC), **kwargs)  # Saturday


def test_cells_cover_a_booking_in_quarter_hours():
    cells = cells_of(datetime(2027, 1, 4, 15, tzinfo=UTC), datetime(2027, 1, 4, 15, 45, tzinfo=UTC))
    assert [c.minute for c in cells] == [0, 15, 30]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (WeeklyRule(7, time(9), time(10)), "weekday"),
        (WeeklyRule(0, time(9, 10), time(10)), "quarter_hour"),
        (WeeklyRule(0, time(10), time(9)), "order"),
        (WeeklyRule(0, time(9), time(10)), None),
    ],
)
def test_a_rule_is_checked_for_its_weekday_grid_and_order(rule, problem):
    assert rule_problem(rule) == problem


def test_an_unknown_time_zone_is_a_value_error():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        zone("Mars/Olympus")
