"""Every experiment's arms side by side: who was exposed (and whether the split is the one
intended: the sample-ratio-mismatch check), and the headline KPIs per arm with 95%
confidence intervals: Wilson for rates, a seeded bootstrap for P50/P90."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from mechmatch.core.stats import (
    Interval,
    SrmResult,
    bootstrap_percentile_interval,
    sample_ratio_mismatch,
    wilson_interval,
)
from mechmatch.experiments.models import Experiment, Exposure
from mechmatch.funnel.kpis.base import Period, filtered_users
from mechmatch.funnel.kpis.speed import speed_kpis
from mechmatch.funnel.selectors import matching_quality
from mechmatch.journey.models import Intake

ARMS = ("treatment", "control")


@dataclass(frozen=True)
class ArmKpis:
    arm: str
    exposed: int  # customers first exposed before the period's end
    choices: int
    top_match: Interval  # share of choices
    requests: int
    fallback_broadcast: Interval  # share of requests
    intakes: int
    started: Interval  # share of the period's intakes whose request reached a session
    start_p50: Interval  # seconds, intake to session start
    start_p90: Interval


@dataclass(frozen=True)
class ExperimentKpis:
    name: str
    treatment_percent: float
    control_percent: float
    arms: list[ArmKpis]
    srm: SrmResult | None  # None until both arms have a share
    treatment_policy: dict[str, float] = field(default_factory=dict)  # {} unless a policy experiment


def arm_filter(experiment_name: str, arm: str) -> Q:
    """The funnel events of customers in this arm (FunnelEvent.arms is {experiment: arm})."""
    return Q(**{f"arms__{experiment_name}": arm})


def _arm_kpis(period: Period, experiment: Experiment, arm: str, exposed: int) -> ArmKpis:
    event_filter = arm_filter(experiment.name, arm)
    quality = matching_quality(period, event_filter)
    # The selector gives shares of exact counts; the intervals need the counts back.
    top = round((quality.top_match or 0) * quality.choices)
    fallback = round((quality.fallback_broadcast or 0) * quality.requests)
    # Not the strict funnel: the control flow has no preview step, so "reached a session"
    # counts every intake of the period whose request got one, whatever the steps before.
    intakes = Intake.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end, user_id__in=filtered_users(event_filter)
    )
    intake_count = intakes.count()
    started = intakes.filter(session_request__consultation__isnull=False).count()
    waits = speed_kpis(period, event_filter).intake_to_start.values
    return ArmKpis(
        arm=arm,
        exposed=exposed,
        choices=quality.choices,
        top_match=wilson_interval(top, quality.choices),
        requests=quality.requests,
        fallback_broadcast=wilson_interval(min(fallback, quality.requests), quality.requests),
        intakes=intake_count,
        started=wilson_interval(started, intake_count),
        start_p50=bootstrap_percentile_interval(waits, 50),
        start_p90=bootstrap_percentile_interval(waits, 90),
    )


def experiments_kpis(period: Period, *, experiment_name: str | None = None) -> list[ExperimentKpis]:
    """Per-arm KPIs of every active experiment (a flow or a scoring-policy one alike: the
    arms are read from the funnel events and exposures, whatever the experiment changes),
    or of the one named, active or not."""
    experiments = Experiment.objects.order_by("name")
    experiments = experiments.filter(name=experiment_name) if experiment_name else experiments.filter(active=True)
    result = []
    for experiment in experiments:
        exposed = dict(
            Exposure.objects.filter(experiment=experiment, first_exposed_at__lt=period.end)
            .values_list("arm")
            .annotate(n=Count("id"))
            .values_list("arm", "n")
        )
        shares = (float(experiment.treatment_percent), float(experiment.control_percent))
        srm = (
            sample_ratio_mismatch([exposed.get(arm, 0) for arm in ARMS], shares) if all(s > 0 for s in shares) else None
        )
        result.append(
            ExperimentKpis(
                name=experiment.name,
                treatment_percent=shares[0],
                control_percent=shares[1],
                arms=[_arm_kpis(period, experiment, arm, exposed.get(arm, 0)) for arm in ARMS],
                srm=srm,
                treatment_policy=dict(experiment.treatment_policy or {}),
            )
        )
    return result
