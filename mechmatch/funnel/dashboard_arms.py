"""The dashboard's per-experiment section: each arm's exposure and headline KPIs with 95%
confidence intervals, and the sample-ratio-mismatch check of the split."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mechmatch.core.stats import Interval
from mechmatch.funnel import charts
from mechmatch.funnel.dashboard import NONE, Section, Table, count, percent, seconds
from mechmatch.funnel.kpis.arms import experiments_kpis
from mechmatch.funnel.kpis.base import Period

SRM_ALPHA = 0.001


def interval(value: Interval, fmt: Callable[[float | None], str]) -> str:
    if value.estimate is None:
        return NONE
    return f"{fmt(value.estimate)} ({fmt(value.low)} – {fmt(value.high)})"


def experiment_sections(period: Period, *, experiment_name: str | None = None) -> list[Section]:
    """Every active experiment, or only the one named (active or not)."""
    experiments = experiments_kpis(period, experiment_name=experiment_name)
    if not experiments:
        return []
    tables: list[Table] = []
    srm = Table(
        "sample-ratio",
        _("Sample ratio check"),
        [_("Experiment"), _("Intended split"), _("Customers exposed"), _("p-value"), _("Verdict")],
    )
    arm_labels = {"treatment": _("Treatment"), "control": _("Control")}
    for experiment in experiments:
        title = _("Experiment %(name)s, per arm") % {"name": experiment.name}
        if experiment.treatment_policy:
            weights = ", ".join(f"{k} = {number_format(v)}" for k, v in sorted(experiment.treatment_policy.items()))
            title = _("%(title)s (treatment ranks with %(weights)s)") % {"title": title, "weights": weights}
        table = Table(
            f"arms-{experiment.name}",
            title,
            [
                _("Arm"),
                _("Customers exposed"),
                _("Accepted the top match (95% CI)"),
                _("Requests that fell back to a broadcast (95% CI)"),
                _("Intakes that reached a session (95% CI)"),
                _("Intake to session start, P50 (95% CI)"),
                _("Intake to session start, P90 (95% CI)"),
            ],
        )
        for arm in experiment.arms:
            table.rows.append(
                [
                    arm_labels[arm.arm],
                    count(arm.exposed),
                    interval(arm.top_match, percent),
                    interval(arm.fallback_broadcast, percent),
                    interval(arm.started, percent),
                    interval(arm.start_p50, seconds),
                    interval(arm.start_p90, seconds),
                ]
            )
        table.chart = charts.bar_chart(
            f"arms-{experiment.name}-chart",
            _("Customers exposed per arm of %(name)s") % {"name": experiment.name},
            _("The data is in the table below the chart."),
            [charts.Bar(arm_labels[a.arm], a.exposed, count(a.exposed)) for a in experiment.arms],
        )
        tables.append(table)
        observed = " / ".join(count(a.exposed) for a in experiment.arms)
        intended = (
            f"{number_format(experiment.treatment_percent, 1)} % / {number_format(experiment.control_percent, 1)} %"
        )
        if experiment.srm is None:
            srm.rows.append([experiment.name, intended, observed, NONE, _("Not enrolling")])
        else:
            verdict = _("Mismatch: check the assignment") if experiment.srm.mismatch(SRM_ALPHA) else _("As intended")
            srm.rows.append([experiment.name, intended, observed, number_format(experiment.srm.p_value, 3), verdict])
    return [Section(_("Experiments"), [srm, *tables])]
