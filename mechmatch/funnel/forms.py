from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mechmatch.experiments.selectors import experiment_names
from mechmatch.funnel.kpis.base import Period

MAX_DAYS = 366


class PeriodForm(forms.Form):
    """The dashboard's period: a preset (the last 7 or 30 days, today included) or from/to
    dates, both included. Everything is read as [from 00:00, the day after to 00:00)."""

    preset = forms.TypedChoiceField(
        label=_("Preset"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Custom dates")), (7, _("Last 7 days")), (30, _("Last 30 days"))],
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # Which experiment's arms to show: every active one by default, or any one by name (a
    # stopped experiment's results stay readable).
    experiment = forms.ChoiceField(label=_("Experiment"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All active experiments")), *((name, name) for name in experiment_names())]
        experiment = self.fields["experiment"]
        assert isinstance(experiment, forms.ChoiceField)
        experiment.choices = choices

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        preset, start, end = data.get("preset"), data.get("start"), data.get("end")
        if preset:
            end = timezone.localdate()
            start = end - timedelta(days=int(preset) - 1)
        elif not (start and end):
            if not self.errors:
                self.add_error("start" if not start else "end", _("Choose both dates, or a preset."))
            return data
        assert isinstance(start, date) and isinstance(end, date)
        if start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("end", _("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS})
        data["start"], data["end"] = start, end
        return data

    def period(self) -> Period:
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        zone = timezone.get_current_timezone()
        return Period(
            datetime.combine(start, time.min, tzinfo=zone),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
        )


def period_form(data: Any) -> PeriodForm:
    """The form bound to the query string; the last 7 days when no period was chosen."""
    if any(data.get(k) for k in ("preset", "start", "end")):
        return PeriodForm(data)
    return PeriodForm({"preset": "7", "experiment": data.get("experiment", "")})
