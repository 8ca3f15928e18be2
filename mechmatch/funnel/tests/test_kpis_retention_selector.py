from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from mechmatch.customers.models import Favourite
from mechmatch.funnel.kpis.retention import retention_kpis
from mechmatch.funnel.models import SatisfactionAnswer
from mechmatch.funnel.selectors import Period
from mechmatch.funnel.testing import make_consultation, make_request_at
from mechmatch.payments.models import Payment
from mechmatch.testing import make_customer

pytestmark = pytest.mark.django_db

PERIOD = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))
INSIDE = PERIOD.start + timedelta(days=2)
BEFORE = PERIOD.start - timedelta(days=10)


def session(profile, mechanic, when):
    request = make_request_at(profile.user, when)
    return make_consultation(request, mechanic, started_at=when, ended_at=when + timedelta(minutes=15))


def paid(profile, cents, when, status=Payment.Status.PAID):
    Payment.objects.create(
        user=profile.user,
        reference="intake:0",
        plan_code="standard",
        amount_cents=cents,
        provider="test",
        status=status,
        paid_at=when,
    )


def test_retention_kpis_count_repeat_bookers_favourites_and_first_session_churn(mechanic):
    loyal, newcomer, returning_newcomer, lapsed = (make_customer() for _ in range(4))
    session(loyal, mechanic, BEFORE)
    session(loyal, mechanic, INSIDE)  # repeat, not a first-timer
    session(newcomer, mechanic, INSIDE)  # first-timer who did not come back: churned
    session(returning_newcomer, mechanic, INSIDE)
    session(returning_newcomer, mechanic, INSIDE + timedelta(days=1))  # first-timer and repeat
    session(lapsed, mechanic, BEFORE)  # not active in the period
    Favourite.objects.create(customer=loyal, mechanic=mechanic)
    Favourite.objects.create(customer=lapsed, mechanic=mechanic)
    Favourite.objects.update(created_at=INSIDE)
    Favourite.objects.create(customer=newcomer, mechanic=mechanic)  # today: after the period

    kpis = retention_kpis(PERIOD)

    assert kpis.customers == 3
    assert kpis.repeat_booking == 2 / 3
    assert kpis.favourites_adoption == 1 / 3
    assert kpis.first_timers == 2
    assert kpis.churn_after_first == 0.5


def test_lifetime_value_is_what_the_period_s_payers_paid_up_to_its_end(db):
    first, second, earlier = (make_customer() for _ in range(3))
    paid(first, 5000, BEFORE)
    paid(first, 7000, INSIDE)
    paid(second, 3000, INSIDE)
    paid(second, 9000, INSIDE, status=Payment.Status.REFUNDED)  # refunded money is not value
    paid(second, 4000, PERIOD.end)  # after the period
    paid(earlier, 10000, BEFORE)  # did not pay in the period

    kpis = retention_kpis(PERIOD)

    assert kpis.payers == 2
    assert kpis.ltv_cents == (5000 + 7000 + 3000) / 2


def test_nps_is_promoters_minus_detractors_among_the_period_s_answers(mechanic):
    scores = [10, 9, 9, 8, 7, 6, 0, 10]
    for score in scores:
        profile = make_customer()
        consultation = session(profile, mechanic, INSIDE)
        answer = SatisfactionAnswer.objects.create(consultation=consultation, customer=profile.user, score=score)
        SatisfactionAnswer.objects.filter(pk=answer.pk).update(created_at=INSIDE)
    SatisfactionAnswer.objects.filter(score=8).update(created_at=timezone.now())  # outside the period

    kpis = retention_kpis(PERIOD)

    assert (kpis.answers, kpis.promoters, kpis.detractors) == (7, 4, 2)
    assert kpis.nps == 100 * (4 - 2) / 7
