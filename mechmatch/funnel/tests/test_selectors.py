from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q

from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.selectors import Period, matching_quality
from mechmatch.funnel.services import event_record

pytestmark = pytest.mark.django_db

Name = FunnelEvent.Name
PERIOD = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))


def record_at(name, when, **properties):
    event = event_record(name, **properties)
    FunnelEvent.objects.filter(pk=event.pk).update(created_at=when)


def seed(names, when, **properties):
    for name in names:
        record_at(name, when, **properties)


def test_matching_quality_counts_each_kind_of_choice_in_the_period_only():
    inside = PERIOD.start + timedelta(days=1)
    seed([Name.TOP_MATCH_ACCEPTED] * 6 + [Name.MECHANIC_CHOSEN] * 2, inside)
    seed([Name.FAVOURITE_CHOSEN, Name.REBOOK], inside)
    seed([Name.REQUEST_CREATED] * 10 + [Name.FALLBACK_BROADCAST], inside)
    seed([Name.TOP_MATCH_ACCEPTED] * 5, PERIOD.end)  # half-open: the end is the next period
    seed([Name.MECHANIC_CHOSEN], PERIOD.start - timedelta(seconds=1))

    quality = matching_quality(PERIOD)

    assert quality.choices == 10
    assert quality.top_match == 0.6
    assert quality.alternative == 0.2
    assert quality.favourite == 0.2
    assert quality.requests == 10
    assert quality.fallback_broadcast == 0.1


def test_matching_quality_of_the_previous_period_reads_the_week_before():
    seed([Name.MECHANIC_CHOSEN], PERIOD.start - timedelta(seconds=1))
    quality = matching_quality(PERIOD.previous())
    assert quality.choices == 1 and quality.alternative == 1.0


def test_matching_quality_takes_a_filter_on_the_events_for_a_later_per_arm_split():
    inside = PERIOD.start + timedelta(hours=1)
    seed([Name.TOP_MATCH_ACCEPTED] * 3, inside, arm="a")
    seed([Name.MECHANIC_CHOSEN], inside, arm="b")
    quality = matching_quality(PERIOD, Q(properties__arm="a"))
    assert quality.choices == 3 and quality.top_match == 1.0


def test_matching_quality_with_no_events_has_no_shares_rather_than_zero():
    quality = matching_quality(PERIOD)
    assert quality.choices == 0 and quality.top_match is None and quality.fallback_broadcast is None
