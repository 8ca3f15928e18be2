from datetime import UTC, datetime, timedelta

import pytest

from mechmatch.core.stats import bootstrap_percentile_interval, sample_ratio_mismatch, wilson_interval
from mechmatch.experiments.models import Experiment, Exposure
from mechmatch.funnel.kpis.arms import experiments_kpis
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.selectors import Period
from mechmatch.funnel.testing import make_consultation, make_event_at, make_intake_at, make_request_at
from mechmatch.testing import make_customer

pytestmark = pytest.mark.django_db

Name = FunnelEvent.Name
PERIOD = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))
INSIDE = PERIOD.start + timedelta(days=2)


@pytest.fixture
def experiment(db):
    Experiment.objects.all().delete()
    return Experiment.objects.create(name="rollout", salt="s", treatment_percent=10, control_percent=10)


def enrol(experiment, arm, n):
    people = [make_customer().user for _ in range(n)]
    for user in people:
        Exposure.objects.create(experiment=experiment, customer=user, arm=arm)
    Exposure.objects.filter(customer__in=people).update(first_exposed_at=PERIOD.start)
    return people


def test_each_arm_gets_its_exposures_its_rates_with_wilson_intervals_and_the_split_is_checked(experiment):
    treated = enrol(experiment, "treatment", 3)
    controls = enrol(experiment, "control", 2)
    for user, name in zip(treated + treated[:1], [Name.TOP_MATCH_ACCEPTED] * 3 + [Name.MECHANIC_CHOSEN], strict=True):
        make_event_at(name, INSIDE, user=user, arms={"rollout": "treatment"})
    for user, name in zip(controls, [Name.TOP_MATCH_ACCEPTED, Name.MECHANIC_CHOSEN], strict=True):
        make_event_at(name, INSIDE, user=user, arms={"rollout": "control"})
    for i in range(4):
        make_event_at(Name.REQUEST_CREATED, INSIDE, user=controls[0], request_id=1000 + i, arms={"rollout": "control"})
    make_event_at(Name.FALLBACK_BROADCAST, INSIDE, user=controls[0], request_id=1000, arms={"rollout": "control"})

    [kpis] = experiments_kpis(PERIOD)
    treatment, control = kpis.arms

    assert (kpis.name, kpis.treatment_percent, kpis.control_percent) == ("rollout", 10.0, 10.0)
    assert (treatment.arm, treatment.exposed, control.arm, control.exposed) == ("treatment", 3, "control", 2)
    assert treatment.top_match == wilson_interval(3, 4) and treatment.top_match.estimate == 0.75
    assert control.top_match == wilson_interval(1, 2)
    assert control.fallback_broadcast == wilson_interval(1, 4) and treatment.requests == 0
    assert kpis.srm == sample_ratio_mismatch([3, 2], [10, 10]) and not kpis.srm.mismatch()


def test_time_to_start_per_arm_has_bootstrap_intervals_of_its_own_sessions(experiment, mechanic):
    [user] = enrol(experiment, "treatment", 1)
    for minutes in [1, 2, 3]:
        request = make_request_at(user, INSIDE)
        make_intake_at(user, INSIDE, session_request=request)
        started = INSIDE + timedelta(minutes=minutes)
        make_consultation(request, mechanic, started_at=started, ended_at=started + timedelta(minutes=5))
        make_event_at(Name.SESSION_STARTED, started, user=user, request_id=request.pk, arms={"rollout": "treatment"})

    treatment, control = experiments_kpis(PERIOD)[0].arms

    assert treatment.start_p50 == bootstrap_percentile_interval([60.0, 120.0, 180.0], 50)
    assert treatment.start_p50.estimate == 120.0 and treatment.start_p90.estimate == 180.0
    # Whatever steps the arm's flow has (the control flow has no preview), a session counts.
    assert treatment.intakes == 3 and treatment.started == wilson_interval(3, 3)
    assert control.start_p50.estimate is None and control.intakes == 0


def test_exposures_after_the_period_are_not_counted_in_it(experiment):
    enrol(experiment, "treatment", 2)
    Exposure.objects.filter(arm="treatment").update(first_exposed_at=PERIOD.end)
    assert experiments_kpis(PERIOD)[0].arms[0].exposed == 0


def test_an_experiment_not_enrolling_anyone_has_no_ratio_check(experiment):
    Experiment.objects.filter(pk=experiment.pk).update(treatment_percent=0, control_percent=0)
    assert experiments_kpis(PERIOD)[0].srm is None


def test_a_scoring_policy_experiment_gets_its_per_arm_kpis_alongside_the_others(experiment):
    weights = Experiment.objects.create(
        name="rating_heavy", salt="p", treatment_percent=10, control_percent=10, treatment_policy={"rating_max": 60.0}
    )
    treated, controls = enrol(weights, "treatment", 2), enrol(weights, "control", 2)
    for user in treated:
        make_event_at(Name.TOP_MATCH_ACCEPTED, INSIDE, user=user, arms={"rating_heavy": "treatment"})
    for user, name in zip(controls, [Name.TOP_MATCH_ACCEPTED, Name.MECHANIC_CHOSEN], strict=True):
        make_event_at(name, INSIDE, user=user, arms={"rating_heavy": "control"})

    policy, rollout = experiments_kpis(PERIOD)  # by name
    treatment, control = policy.arms

    assert (rollout.name, rollout.treatment_policy) == ("rollout", {})
    assert (policy.name, policy.treatment_policy) == ("rating_heavy", {"rating_max": 60.0})
    assert (treatment.exposed, control.exposed) == (2, 2)
    assert treatment.top_match == wilson_interval(2, 2) and control.top_match == wilson_interval(1, 2)
    assert policy.srm == sample_ratio_mismatch([2, 2], [10, 10])


def test_one_experiment_is_chosen_by_name_even_once_stopped(experiment):
    Experiment.objects.create(name="rating_heavy", salt="p", active=False, treatment_policy={"rating_max": 60.0})
    assert [k.name for k in experiments_kpis(PERIOD)] == ["rollout"]
    assert [k.name for k in experiments_kpis(PERIOD, experiment_name="rating_heavy")] == ["rating_heavy"]
    assert experiments_kpis(PERIOD, experiment_name="no_such_experiment") == []
