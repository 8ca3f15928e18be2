"""The KPI dashboard as tables: each figure of this period beside the previous period's and the
plan's target. The page, its charts and the CSV export all read these tables, so a chart and
the table under it, and a download, always show the same numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mechmatch.dispatch.models import Offer
from mechmatch.funnel import charts
from mechmatch.funnel.kpis.base import Distribution, Period
from mechmatch.funnel.kpis.matching import matching_kpis
from mechmatch.funnel.kpis.retention import retention_kpis
from mechmatch.funnel.kpis.speed import speed_kpis
from mechmatch.funnel.kpis.steps import funnel_steps
from mechmatch.funnel.kpis.supply import supply_kpis
from mechmatch.funnel.kpis.targets import TARGETS, Goal, Target

NONE = "—"


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    chart: SafeString | None = None


@dataclass
class Section:
    title: str
    tables: list[Table]


# ---------------------------------------------------------------- formatting


def percent(value: float | None) -> str:
    return NONE if value is None else f"{number_format(value * 100, 1)} %"


def count(value: float | None) -> str:
    return NONE if value is None else number_format(value, 0, force_grouping=True)


def decimal(value: float | None) -> str:
    return NONE if value is None else number_format(value, 1)


def seconds(value: float | None) -> str:
    return NONE if value is None else f"{number_format(value, 0)} s"


def millis(value: float | None) -> str:
    return NONE if value is None else f"{number_format(value, 0)} ms"


def money(cents: float | None) -> str:
    return NONE if cents is None else f"{number_format(cents / 100, 2)} $"


def points(value: float | None) -> str:
    return NONE if value is None else f"{'+' if value > 0 else ''}{number_format(value, 1)}"


def target_text(target: Target, fmt: Callable[[float | None], str]) -> str:
    value = fmt(target.value)
    return {
        Goal.AT_LEAST: _("at least %(value)s"),
        Goal.BELOW: _("under %(value)s"),
        Goal.ABOUT: _("about %(value)s"),
        Goal.RISE_BY: _("+%(value)s vs previous period"),
        Goal.DROP_BY: _("−%(value)s vs previous period"),
        Goal.RISE_BY_POINTS: _("+%(value)s points vs previous period"),
    }[target.goal] % {"value": value}


def met_text(met: bool | None) -> str:
    return NONE if met is None else (_("Met") if met else _("Not met"))


# ---------------------------------------------------------------- tables


def _figures_table(slug: str, title: str) -> Table:
    return Table(slug, title, [_("Figure"), _("This period"), _("Previous period"), _("Target"), _("Target met")])


def _figure(
    table: Table,
    label: str,
    now: float | None,
    before: float | None,
    fmt: Callable[[float | None], str],
    key: str | None = None,
) -> None:
    if key is None:
        table.rows.append([label, fmt(now), fmt(before), NONE, NONE])
        return
    target = TARGETS[key]
    # A relative target is a change, so it is shown as a share whatever the figure's unit.
    target_fmt = percent if target.goal in (Goal.RISE_BY, Goal.DROP_BY) else fmt
    if target.goal == Goal.RISE_BY_POINTS:
        target_fmt = decimal
    table.rows.append(
        [label, fmt(now), fmt(before), target_text(target, target_fmt), met_text(target.met(now, before))]
    )


def _bins_table(slug: str, title: str, dist: Distribution, unit: Callable[[float | None], str]) -> Table:
    table = Table(slug, title, [_("Range"), _("Count")])
    bars = []
    for i, n in enumerate(dist.bins):
        low = dist.edges[i]
        label = f"{unit(low)}+" if i == len(dist.bins) - 1 else f"{unit(low)} – {unit(dist.edges[i + 1])}"
        table.rows.append([label, count(n)])
        bars.append(charts.Bar(label, n, count(n)))
    table.chart = charts.histogram(slug, title, _("The data is in the table below the chart."), bars)
    return table


def dashboard_sections(period: Period, event_filter: Q | None = None) -> list[Section]:
    previous = period.previous()
    m, mp = matching_kpis(period, event_filter), matching_kpis(previous, event_filter)
    s, sp = speed_kpis(period, event_filter), speed_kpis(previous, event_filter)
    r, rp = retention_kpis(period, event_filter), retention_kpis(previous, event_filter)
    u, up = supply_kpis(period, event_filter), supply_kpis(previous, event_filter)

    matching = _figures_table("matching", _("Matching quality"))
    q, qp = m.quality, mp.quality
    _figure(matching, _("Choices made"), q.choices, qp.choices, count)
    _figure(matching, _("Accepted the top match"), q.top_match, qp.top_match, percent, "top_match")
    _figure(matching, _("Chose another match"), q.alternative, qp.alternative, percent, "alternative")
    _figure(matching, _("… of them from the directory"), m.browse_pick, mp.browse_pick, count)
    _figure(matching, _("Chose a favourite or rebooked"), q.favourite, qp.favourite, percent, "favourite")
    _figure(matching, _("Requests created"), q.requests, qp.requests, count)
    _figure(
        matching,
        _("Requests that fell back to a broadcast"),
        q.fallback_broadcast,
        qp.fallback_broadcast,
        percent,
        "fallback_broadcast",
    )
    _figure(
        matching,
        _("Score of the mechanic chosen, mean"),
        m.chosen_score.mean,
        mp.chosen_score.mean,
        decimal,
        "chosen_score_mean",
    )
    _figure(matching, _("Score of the mechanic chosen, P50"), m.chosen_score.p50, mp.chosen_score.p50, decimal)
    matching.chart = charts.bar_chart(
        "matching-chart",
        _("How customers chose, this period"),
        _("The data is in the table below the chart."),
        [
            charts.Bar(_("Accepted the top match"), q.top_match or 0, percent(q.top_match)),
            charts.Bar(_("Chose another match"), q.alternative or 0, percent(q.alternative)),
            charts.Bar(_("Chose a favourite or rebooked"), q.favourite or 0, percent(q.favourite)),
        ],
    )
    scores = _bins_table("chosen-score", _("Score of the mechanic chosen"), m.chosen_score, count)

    speed = _figures_table("speed", _("Speed"))
    _figure(
        speed,
        _("Intake to session start, P50"),
        s.intake_to_start.p50,
        sp.intake_to_start.p50,
        seconds,
        "intake_to_start_p50",
    )
    _figure(
        speed,
        _("Intake to session start, P90"),
        s.intake_to_start.p90,
        sp.intake_to_start.p90,
        seconds,
        "intake_to_start_p90",
    )
    _figure(
        speed, _("Preview response time, p50"), s.preview_compute.p50, sp.preview_compute.p50, millis, "preview_api_p50"
    )
    _figure(
        speed, _("Preview response time, p95"), s.preview_compute.p95, sp.preview_compute.p95, millis, "preview_api_p95"
    )
    _figure(
        speed,
        _("Preview page load in the browser, P50"),
        s.preview_load.p50,
        sp.preview_load.p50,
        millis,
        "preview_load_p50",
    )
    _figure(
        speed,
        _("Preview page load in the browser, P90"),
        s.preview_load.p90,
        sp.preview_load.p90,
        millis,
        "preview_load_p90",
    )
    waits = _bins_table("intake-to-start", _("Intake to session start"), s.intake_to_start, seconds)

    retention = _figures_table("retention", _("Retention"))
    _figure(retention, _("Customers with a session"), r.customers, rp.customers, count)
    _figure(retention, _("Repeat booking rate"), r.repeat_booking, rp.repeat_booking, percent, "repeat_booking")
    _figure(
        retention,
        _("Favourites adoption"),
        r.favourites_adoption,
        rp.favourites_adoption,
        percent,
        "favourites_adoption",
    )
    _figure(
        retention,
        _("Churn after the first session"),
        r.churn_after_first,
        rp.churn_after_first,
        percent,
        "churn_after_first",
    )
    _figure(retention, _("Customer lifetime value"), r.ltv_cents, rp.ltv_cents, money, "ltv_cents")
    _figure(retention, _("Satisfaction answers"), r.answers, rp.answers, count)
    _figure(retention, _("Net promoter score"), r.nps, rp.nps, points, "nps")

    supply = _figures_table("supply", _("Supply"))
    sessions, sessions_before = u.sessions_per_mechanic, up.sessions_per_mechanic
    _figure(supply, _("Approved mechanics"), u.mechanics, up.mechanics, count)
    _figure(supply, _("Sessions per mechanic, mean"), sessions.mean, sessions_before.mean, decimal, "utilisation")
    _figure(supply, _("Sessions per mechanic, P10"), sessions.p10, sessions_before.p10, decimal)
    _figure(supply, _("Sessions per mechanic, P90"), sessions.p90, sessions_before.p90, decimal)
    _figure(supply, _("Spread of sessions (Gini)"), u.utilisation_gini, up.utilisation_gini, decimal)
    _figure(supply, _("Offers per request"), u.offers_per_request, up.offers_per_request, decimal)
    _figure(supply, _("Offers that lapsed"), u.lapse_rate, up.lapse_rate, percent)
    _figure(supply, _("Offers declined"), u.decline_rate, up.decline_rate, percent)
    _figure(supply, _("Response time, P50"), u.response_seconds.p50, up.response_seconds.p50, seconds)
    _figure(supply, _("Response time, P90"), u.response_seconds.p90, up.response_seconds.p90, seconds)
    labels = dict(Offer.DeclineReason.choices)
    reasons = Table("decline-reasons", _("Decline reasons"), [_("Reason"), _("Offers")])
    reasons.rows = [[_(str(labels.get(code, code))), count(n)] for code, n in u.decline_reasons]
    responses = _bins_table("response-time", _("Response time to offers"), u.response_seconds, seconds)
    gap = Table(
        "supply-gap",
        _("Areas where requests found no local mechanic"),
        [_("Country"), _("Postal area"), _("Requests"), _("Without a local mechanic")],
    )
    gap.rows = [[row.country, row.area or NONE, count(row.requests), count(row.without_local)] for row in u.supply_gap]

    steps = funnel_steps(period, event_filter)
    step_labels = {
        "intake": _("Intake"),
        "preview": _("Preview"),
        "choice": _("Choice"),
        "payment": _("Payment"),
        "waiver": _("Waiver"),
        "accepted": _("Accepted"),
        "started": _("Started"),
        "completed": _("Completed"),
        "rated": _("Rated"),
    }
    funnel = Table(
        "funnel",
        _("Booking funnel"),
        [_("Step"), _("Intakes"), _("From the step before"), _("From intake"), _("Median time from the step before")],
    )
    funnel.rows = [
        [
            step_labels[st.name],
            count(st.reached),
            percent(st.conversion),
            percent(st.overall),
            seconds(st.median_seconds),
        ]
        for st in steps
    ]
    funnel.chart = charts.bar_chart(
        "funnel-chart",
        _("Intakes reaching each step, this period"),
        _("The data is in the table below the chart."),
        [charts.Bar(step_labels[st.name], st.reached, count(st.reached)) for st in steps],
    )
    return [
        Section(_("Matching quality"), [matching, scores]),
        Section(_("Speed"), [speed, waits]),
        Section(_("Retention"), [retention]),
        Section(_("Supply"), [supply, reasons, responses, gap]),
        Section(_("Booking funnel"), [funnel]),
    ]


def dashboard_table(sections: list[Section], slug: str) -> Table | None:
    return next((t for section in sections for t in section.tables if t.slug == slug), None)
