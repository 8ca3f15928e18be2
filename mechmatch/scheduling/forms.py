"""Forms of the scheduling pages: they parse what the browser sends; every rule is the
services' (their errors are shown beside these fields by mechmatch.forms.form_errors_add)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mechmatch.payments.plans import DEFAULT_PLAN, PLANS

# A row heading, capitalised in French; the plain day names ("mardi 1 décembre") stay
# lowercase inside dates, so the heading has its own context.
WEEKDAYS = (
    pgettext_lazy("weekday heading", "Monday"),
    pgettext_lazy("weekday heading", "Tuesday"),
    pgettext_lazy("weekday heading", "Wednesday"),
    pgettext_lazy("weekday heading", "Thursday"),
    pgettext_lazy("weekday heading", "Friday"),
    pgettext_lazy("weekday heading", "Saturday"),
    pgettext_lazy("weekday heading", "Sunday"),
)
PERIODS = 2  # periods a day on the page (the service takes any number)
TIMEZONES = (
    "America/St_Johns", "America/Halifax", "America/Moncton", "America/Toronto", "America/New_York",
    "America/Detroit", "America/Winnipeg", "America/Chicago", "America/Regina", "America/Edmonton",
    "America/Denver", "America/Phoenix", "America/Vancouver", "America/Los_Angeles", "America/Whitehorse",
    "America/Anchorage", "Pacific/Honolulu",
)  # fmt: skip


class SlotForm(forms.Form):
    starts_at = forms.CharField(max_length=40, error_messages={"required": _("Choose a time.")})

    def clean_starts_at(self) -> datetime:
        raw = self.cleaned_data["starts_at"]
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("Choose one of the offered times.")) from None
        if moment.tzinfo is None:
            raise forms.ValidationError(_("Choose one of the offered times."))
        return moment.astimezone(UTC)


class PlanSlotForm(SlotForm):
    plan_code = forms.ChoiceField(choices=[(p.code, p.name) for p in PLANS], initial=DEFAULT_PLAN)


class WaiverForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I accept the terms of service and the remote-diagnosis waiver."),
        error_messages={"required": _("Accept the terms to book.")},
    )


class AvailabilityForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Your time zone"), choices=[(z, z) for z in TIMEZONES])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in range(7):
            for n in range(PERIODS):
                for edge in ("start", "end"):
                    self.fields[f"d{day}_{n}_{edge}"] = forms.TimeField(
                        required=False, widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
                    )

    def rows(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        return [
            (str(WEEKDAYS[day]), [(self[f"d{day}_{n}_start"], self[f"d{day}_{n}_end"]) for n in range(PERIODS)])
            for day in range(7)
        ]

    def rules(self) -> list[dict[str, Any]]:
        rules = []
        for day in range(7):
            for n in range(PERIODS):
                start, end = self.cleaned_data.get(f"d{day}_{n}_start"), self.cleaned_data.get(f"d{day}_{n}_end")
                if start is not None or end is not None:
                    rules.append({"weekday": day, "start": start, "end": end})
        return rules


class TimeOffForm(forms.Form):
    first_day = forms.DateField(label=_("First day off"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("Last day off"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
