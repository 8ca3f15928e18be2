from __future__ import annotations

import pytest

from mechmatch.experiments.models import Experiment
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.services import event_build, event_record, event_record_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def experiments(db) -> None:
    Experiment.objects.filter(name="preview_and_choose").update(treatment_percent=0, control_percent=100)
    Experiment.objects.create(name="weights_b", salt="x", treatment_percent=100, control_percent=0)
    Experiment.objects.create(name="old", salt="y", treatment_percent=100, control_percent=0, active=False)


def test_each_event_carries_the_customers_arms_at_that_moment(experiments, customer):
    event = event_record("preview_shown", user=customer.user)
    event.refresh_from_db()
    assert event.arms == {"preview_and_choose": "control", "weights_b": "treatment"}


def test_a_batch_of_events_carries_the_arms_too(experiments, customer, outsider):
    event_record_many([event_build("offer_lapsed", user=customer.user), event_build("offer_lapsed", user=outsider)])
    assert [e.arms for e in FunnelEvent.objects.order_by("pk")] == [
        {"preview_and_choose": "control", "weights_b": "treatment"}
    ] * 2


def test_events_without_a_customer_or_without_experiments_carry_no_arms(customer):
    assert event_record("offer_lapsed").arms == {}
    assert event_record("preview_shown", user=customer.user).arms == {}


def test_arms_given_by_the_caller_are_kept(experiments, customer):
    event = event_record("preview_shown", user=customer.user, arms={"preview_and_choose": "treatment"})
    assert event.arms == {"preview_and_choose": "treatment"}
