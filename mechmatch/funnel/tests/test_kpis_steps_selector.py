from datetime import UTC, datetime, timedelta

import pytest

from mechmatch.dispatch.models import SessionRequest
from mechmatch.funnel.kpis.steps import STEPS, funnel_steps
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.selectors import Period
from mechmatch.funnel.testing import make_consultation, make_event_at, make_intake_at, make_request_at
from mechmatch.journey.models import Waiver
from mechmatch.payments.models import Payment
from mechmatch.testing import make_customer

pytestmark = pytest.mark.django_db

Name = FunnelEvent.Name
PERIOD = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))
T0 = PERIOD.start + timedelta(days=2)


def journey(mechanic, *, last_step: str, minutes: int = 1):
    """An intake that went as far as `last_step`, each step `minutes` after the one before."""
    user = make_customer().user
    depth = STEPS.index(last_step)
    at = [T0 + timedelta(minutes=minutes * i) for i in range(len(STEPS))]
    request = make_request_at(user, at[4]) if depth >= 5 else None
    intake = make_intake_at(user, at[0], session_request=request)
    if depth >= 1:
        make_event_at(Name.PREVIEW_SHOWN, at[1], user=user, intake_id=intake.pk)
    if depth >= 2:
        make_event_at(Name.TOP_MATCH_ACCEPTED, at[2], user=user, intake_id=intake.pk)
    if depth >= 3:
        Payment.objects.create(
            user=user,
            reference=intake.reference,
            plan_code="standard",
            amount_cents=2500,
            provider="test",
            status=Payment.Status.PAID,
            paid_at=at[3],
        )
    if depth >= 4:
        waiver = Waiver.objects.create(user=user, intake=intake, version="v1")
        Waiver.objects.filter(pk=waiver.pk).update(accepted_at=at[4])
    if request is not None:
        consultation = make_consultation(request, mechanic, started_at=at[6], ended_at=at[7] if depth >= 7 else None)
        SessionRequest.objects.filter(pk=request.pk).update(matched_at=at[5])
        if depth >= 8:
            make_event_at(Name.RATING_GIVEN, at[8], user=user, request_id=request.pk, consultation_id=consultation.pk)
    return intake


def test_the_funnel_counts_each_step_reached_with_conversion_and_median_time(mechanic):
    journey(mechanic, last_step="rated", minutes=1)
    journey(mechanic, last_step="rated", minutes=3)
    journey(mechanic, last_step="completed", minutes=2)
    journey(mechanic, last_step="waiver")
    journey(mechanic, last_step="choice")
    journey(mechanic, last_step="intake")

    steps = {s.name: s for s in funnel_steps(PERIOD)}

    assert [steps[name].reached for name in STEPS] == [6, 5, 5, 4, 4, 3, 3, 3, 2]
    assert steps["intake"].conversion == 1.0 and steps["intake"].median_seconds is None
    assert steps["preview"].conversion == 5 / 6
    assert steps["accepted"].conversion == 3 / 4 and steps["accepted"].overall == 3 / 6
    assert steps["rated"].conversion == 2 / 3
    assert steps["started"].median_seconds == 120.0  # 1, 2 and 3 minutes
    assert steps["preview"].median_seconds == 60.0  # 1, 1, 1, 2, 3 minutes


def test_a_free_plan_passes_the_payment_step_with_its_waiver(mechanic):
    user = make_customer().user
    intake = make_intake_at(user, T0, plan_code="free")
    make_event_at(Name.PREVIEW_SHOWN, T0, user=user, intake_id=intake.pk)
    make_event_at(Name.MECHANIC_CHOSEN, T0, user=user, intake_id=intake.pk)
    Waiver.objects.create(user=user, intake=intake, version="v1")
    Waiver.objects.update(accepted_at=T0 + timedelta(minutes=5))

    steps = {s.name: s for s in funnel_steps(PERIOD)}

    assert steps["payment"].reached == 1 and steps["waiver"].reached == 1
    assert steps["payment"].median_seconds == 300.0 and steps["waiver"].median_seconds == 0.0


def test_intakes_started_outside_the_period_are_not_in_its_funnel(mechanic):
    make_intake_at(make_customer().user, PERIOD.end)
    assert funnel_steps(PERIOD)[0].reached == 0
