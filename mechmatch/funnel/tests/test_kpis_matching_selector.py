from datetime import UTC, datetime, timedelta

import pytest

from mechmatch.dispatch.models import Offer
from mechmatch.funnel.kpis.matching import matching_kpis
from mechmatch.funnel.models import FunnelEvent
from mechmatch.funnel.selectors import Period
from mechmatch.funnel.testing import make_event_at, make_offer, make_request_at
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db

Name = FunnelEvent.Name
PERIOD = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))
INSIDE = PERIOD.start + timedelta(days=2)


def test_matching_kpis_split_alternatives_into_preview_picks_and_directory_picks(customer):
    for source in ["other_match", "other_match", "browse"]:
        make_event_at(Name.MECHANIC_CHOSEN, INSIDE, user=customer.user, source=source)
    make_event_at(Name.TOP_MATCH_ACCEPTED, INSIDE, user=customer.user, source="top_match")

    kpis = matching_kpis(PERIOD)

    assert (kpis.other_match, kpis.browse_pick) == (2, 1)
    assert kpis.quality.choices == 4 and kpis.quality.alternative == 0.75


def test_matching_kpis_read_the_score_of_the_mechanic_who_took_each_session_in_the_period(customer):
    mechanics = [make_mechanic() for _ in range(3)]
    for score, mechanic, when in [
        (130.0, mechanics[0], INSIDE),
        (90.0, mechanics[1], INSIDE),
        (170.0, mechanics[2], INSIDE),
        (10.0, mechanics[0], PERIOD.end),  # next period
    ]:
        request = make_request_at(customer.user, when)
        make_offer(request, mechanic, status=Offer.Status.ACCEPTED, offered_at=when, score=score)
        make_offer(request, make_mechanic(), status=Offer.Status.SUPERSEDED, offered_at=when, score=999.0)
        make_event_at(Name.OFFER_ACCEPTED, when, request_id=request.pk, mechanic_id=mechanic.pk)

    chosen = matching_kpis(PERIOD).chosen_score

    assert chosen.count == 3
    assert chosen.mean == 130.0
    assert (chosen.p50, chosen.p90) == (130.0, 170.0)
    assert chosen.bins == (0, 0, 1, 1, 1)  # 0-40, 40-80, 80-120, 120-160, 160+


def test_matching_kpis_without_history_have_no_figures(db):
    kpis = matching_kpis(PERIOD)
    assert kpis.chosen_score.count == 0 and kpis.chosen_score.mean is None and kpis.quality.top_match is None
