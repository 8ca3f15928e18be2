from datetime import UTC, datetime, timedelta

import pytest

from mechmatch.dispatch.models import Offer
from mechmatch.funnel.kpis.supply import GapRow, supply_kpis
from mechmatch.funnel.selectors import Period
from mechmatch.funnel.testing import make_consultation, make_offer, make_request_at
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db

PERIOD = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))
INSIDE = PERIOD.start + timedelta(days=2)


def test_sessions_per_mechanic_include_the_idle_ones_and_give_the_spread(customer):
    busy, steady, idle, _also_idle = (make_mechanic() for _ in range(4))
    make_mechanic(approved=False)  # an applicant is not supply
    for mechanic, sessions in [(busy, 3), (steady, 1)]:
        for i in range(sessions):
            request = make_request_at(customer.user, INSIDE)
            make_consultation(request, mechanic, started_at=INSIDE + timedelta(hours=i), ended_at=INSIDE)

    kpis = supply_kpis(PERIOD)

    assert kpis.mechanics == 4
    assert kpis.sessions_per_mechanic.mean == 1.0
    assert (kpis.sessions_per_mechanic.p10, kpis.sessions_per_mechanic.p90) == (0.0, 3.0)
    assert kpis.utilisation_gini == 0.625  # (0, 0, 1, 3)


def test_offers_per_request_lapses_declines_and_their_reasons(customer):
    mechanics = [make_mechanic() for _ in range(4)]
    first = make_request_at(customer.user, INSIDE)
    second = make_request_at(customer.user, INSIDE)
    for request, mechanic, status, seconds, reason in [
        (first, mechanics[0], Offer.Status.DECLINED, 20, "busy"),
        (first, mechanics[1], Offer.Status.DECLINED, 40, "busy"),
        (first, mechanics[2], Offer.Status.DECLINED, 90, "too_far"),
        (first, mechanics[3], Offer.Status.ACCEPTED, 200, ""),
        (second, mechanics[0], Offer.Status.EXPIRED, None, ""),
        (second, mechanics[1], Offer.Status.EXPIRED, None, ""),
    ]:
        make_offer(request, mechanic, status=status, offered_at=INSIDE, response_seconds=seconds, decline_reason=reason)
    old = make_request_at(customer.user, PERIOD.start - timedelta(days=1))
    make_offer(old, mechanics[0], status=Offer.Status.DECLINED, offered_at=INSIDE, response_seconds=5)

    kpis = supply_kpis(PERIOD)

    assert (kpis.requests, kpis.offers, kpis.offers_per_request) == (2, 6, 3.0)
    assert kpis.lapse_rate == 2 / 6 and kpis.decline_rate == 3 / 6
    assert kpis.decline_reasons == [("busy", 2), ("too_far", 1)]
    assert kpis.response_seconds.count == 4
    assert (kpis.response_seconds.p50, kpis.response_seconds.p90) == (40.0, 200.0)
    assert kpis.response_seconds.bins == (1, 1, 1, 1, 0)  # 0-30, 30-60, 60-120, 120-300, 300-600, 600+


def test_the_supply_gap_lists_areas_whose_requests_found_no_local_mechanic(customer):
    make_request_at(customer.user, INSIDE, postal_code="M5V 2T6", candidate_km=[3.0, 50.0])  # local found
    make_request_at(customer.user, INSIDE, postal_code="P0A 1A0", candidate_km=[180.0])
    make_request_at(customer.user, INSIDE, postal_code="P0A 1B0", candidate_km=[])
    make_request_at(customer.user, INSIDE, postal_code="P0A 1C0", candidate_km=[5.0])
    make_request_at(customer.user, INSIDE, country="US", postal_code="59001", candidate_km=[90.0])

    gap = supply_kpis(PERIOD).supply_gap

    assert gap == [GapRow("CA", "P0A", 3, 2), GapRow("US", "590", 1, 1)]
