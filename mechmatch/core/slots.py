"""Slot arithmetic for scheduled sessions, pure Python (zoneinfo, no Django).

A mechanic's week is a list of rules (weekday, local start, local end) in their own time
zone, with time off as date ranges. Slots are computed on real instants (UTC), so a rule
on a daylight-saving day is as long as the clock says (a 01:00-04:00 rule on the March
change is two real hours, on the November change four). Every slot starts on the grid
of `CELL_MINUTES` cells counted from the Unix epoch in UTC; all Canadian and US zones
are offset by whole or half hours, so a rule on the quarter hour lands on the grid.

A booking holds one cell per `CELL_MINUTES` it covers (`cells_of`): the database refuses
a second booking of the same mechanic's cell, which is how overlaps are refused."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CELL_MINUTES = 15
_CELL = timedelta(minutes=CELL_MINUTES)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    """Available on `weekday` (0 = Monday) from `start` to `end`, local wall-clock time."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class TimeOff:
    """Not available from `first` to `last`, local dates, both included."""

    first: date
    last: date

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


def zone(tz_name: str) -> ZoneInfo:
    """The zone, or ValueError naming it when the name is unknown."""
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz_name!r}") from exc


def rule_problem(rule: WeeklyRule) -> str | None:
    """Why a rule cannot be kept, or None: a weekday 0-6, on the quarter hour, ending after it starts."""
    if not 0 <= rule.weekday <= 6:
        return "weekday"
    for value in (rule.start, rule.end):
        if value.minute % CELL_MINUTES or value.second or value.microsecond:
            return "quarter_hour"
    if rule.end <= rule.start:
        return "order"
    return None


def on_grid(moment: datetime) -> bool:
    return (moment - _EPOCH) % _CELL == timedelta(0)


def ceil_to_grid(moment: datetime) -> datetime:
    rest = (moment - _EPOCH) % _CELL
    return moment if rest == timedelta(0) else moment + (_CELL - rest)


def cells_of(start: datetime, end: datetime) -> list[datetime]:
    """The grid cells (their UTC starts) that [start, end) covers."""
    cells = []
    cell = start - (start - _EPOCH) % _CELL
    while cell < end:
        cells.append(cell.astimezone(UTC))
        cell += _CELL
    return cells


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant of a local wall-clock time. A time in the spring gap reads with the
    offset before the change (02:30 is 03:30 daylight time, as a wall clock moved forward);
    a repeated autumn time is its first occurrence."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def open_spans(
    *, rules: Sequence[WeeklyRule], time_off: Sequence[TimeOff], tz_name: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The UTC spans the rules open between `start` and `end`, time off left out, sorted."""
    tz = zone(tz_name)
    spans: list[tuple[datetime, datetime]] = []
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        if not any(off.covers(day) for off in time_off):
            for rule in rules:
                if rule.weekday == day.weekday() and rule_problem(rule) is None:
                    opens, closes = _local(day, rule.start, tz), _local(day, rule.end, tz)
                    if closes > start and opens < end and closes > opens:
                        spans.append((max(opens, start), min(closes, end)))
        day += timedelta(days=1)
    return sorted(spans)


def _overlaps(start: datetime, end: datetime, busy: Iterable[tuple[datetime, datetime]]) -> bool:
    return any(b_start < end and start < b_end for b_start, b_end in busy)


def free_slots(
    *,
    rules: Sequence[WeeklyRule],
    time_off: Sequence[TimeOff],
    busy: Sequence[tuple[datetime, datetime]],
    tz_name: str,
    start: datetime,
    end: datetime,
    minutes: int,
    step_minutes: int = CELL_MINUTES,
    limit: int | None = None,
) -> list[datetime]:
    """UTC starts of the free slots of `minutes` that fit wholly inside an open span
    between `start` and `end`, overlap nothing `busy`, and start on the grid every
    `step_minutes` (a multiple of the cell)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    if minutes <= 0 or step_minutes <= 0 or step_minutes % CELL_MINUTES:
        raise ValueError("minutes must be positive and step_minutes a multiple of the cell")
    length, step = timedelta(minutes=minutes), timedelta(minutes=step_minutes)
    slots: list[datetime] = []
    seen: set[datetime] = set()
    for opens, closes in open_spans(rules=rules, time_off=time_off, tz_name=tz_name, start=start, end=end):
        slot = ceil_to_grid(opens)
        while slot + length <= closes:
            if slot not in seen and not _overlaps(slot, slot + length, busy):
                seen.add(slot)
                slots.append(slot.astimezone(UTC))
                if limit is not None and len(slots) >= limit:
                    return sorted(slots)
            slot += step
    return sorted(slots)


def slot_is_open(
    *,
    rules: Sequence[WeeklyRule],
    time_off: Sequence[TimeOff],
    tz_name: str,
    start: datetime,
    minutes: int,
) -> bool:
    """Whether [start, start + minutes) lies on the grid inside one open span."""
    end = start + timedelta(minutes=minutes)
    if not on_grid(start):
        return False
    spans = open_spans(rules=rules, time_off=time_off, tz_name=tz_name, start=start, end=end)
    return any(opens <= start and end <= closes for opens, closes in spans)
