"""The mechanic's writes: their weekly availability, time zone and time off."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mechmatch.core import slots as core_slots
from mechmatch.mechanics.models import Mechanic
from mechmatch.scheduling.models import AvailabilityRule, TimeOff

_RULE_PROBLEMS = {
    "weekday": gettext_lazy("Choose a day of the week."),
    "quarter_hour": gettext_lazy("Times are on the quarter hour (:00, :15, :30 or :45)."),
    "order": gettext_lazy("The end comes after the start."),
}


def _as_time(value: Any, field: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("Give a time as HH:MM.")}) from None


def availability_set(*, mechanic: Mechanic, rules: list[dict[str, Any]], timezone: str | None = None) -> None:
    """Replace the mechanic's week with `rules` ({weekday, start, end}; local times) and,
    when given, their time zone. Rules of one day may not overlap. Errors name `rules`
    (with the rule's position) or `timezone`."""
    cleaned: list[core_slots.WeeklyRule] = []
    for index, raw in enumerate(rules):
        try:
            weekday = int(raw.get("weekday"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError(
                {"rules": _("Rule %(n)s: %(problem)s") % {"n": index + 1, "problem": _RULE_PROBLEMS["weekday"]}}
            ) from None
        rule = core_slots.WeeklyRule(weekday, _as_time(raw.get("start"), "rules"), _as_time(raw.get("end"), "rules"))
        problem = core_slots.rule_problem(rule)
        if problem is not None:
            raise ValidationError(
                {"rules": _("Rule %(n)s: %(problem)s") % {"n": index + 1, "problem": _RULE_PROBLEMS[problem]}}
            )
        cleaned.append(rule)
    for a in cleaned:
        for b in cleaned:
            if a is not b and a.weekday == b.weekday and a.start < b.end and b.start < a.end:
                raise ValidationError({"rules": _("Two periods of the same day overlap.")})
    if timezone is not None:
        try:
            core_slots.zone(timezone)
        except ValueError:
            raise ValidationError({"timezone": _("Choose a time zone such as America/Toronto.")}) from None
    with transaction.atomic():
        if timezone is not None and timezone != mechanic.timezone:
            Mechanic.objects.filter(pk=mechanic.pk).update(timezone=timezone)
            mechanic.timezone = timezone
        AvailabilityRule.objects.filter(mechanic=mechanic).delete()
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(mechanic=mechanic, weekday=r.weekday, start_time=r.start, end_time=r.end)
            for r in sorted(cleaned, key=lambda r: (r.weekday, r.start))
        )


def time_off_add(*, mechanic: Mechanic, first_day: date | None, last_day: date | None) -> TimeOff:
    if first_day is None:
        raise ValidationError({"first_day": _("Give the first day off.")})
    last_day = last_day or first_day
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day off comes after the first.")})
    return TimeOff.objects.create(mechanic=mechanic, first_day=first_day, last_day=last_day)


def time_off_remove(*, mechanic: Mechanic, time_off_id: int) -> None:
    TimeOff.objects.filter(mechanic=mechanic, pk=time_off_id).delete()
