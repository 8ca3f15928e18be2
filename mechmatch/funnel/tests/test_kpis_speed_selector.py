import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mechmatch.funnel.kpis.speed import speed_kpis
from mechmatch.funnel.models import FunnelEvent, PageLoad
from mechmatch.funnel.selectors import Period
from mechmatch.funnel.testing import make_consultation, make_event_at, make_intake_at, make_request_at

pytestmark = pytest.mark.django_db

Name = FunnelEvent.Name
PERIOD = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC))
INSIDE = PERIOD.start + timedelta(days=2)


def test_intake_to_session_start_is_measured_per_session_started_in_the_period(customer, mechanic):
    for minutes in [1, 2, 4, 10]:
        request = make_request_at(customer.user, INSIDE)
        make_intake_at(customer.user, INSIDE, session_request=request)
        started = INSIDE + timedelta(minutes=minutes)
        make_consultation(request, mechanic, started_at=started, ended_at=started + timedelta(minutes=10))
        make_event_at(Name.SESSION_STARTED, started, request_id=request.pk, mechanic_id=mechanic.pk)

    wait = speed_kpis(PERIOD).intake_to_start

    assert wait.count == 4
    assert (wait.p50, wait.p90) == (120.0, 600.0)
    assert wait.bins == (0, 1, 1, 1, 1)  # under 1 min, 1-2, 2-3, 3-5, 5 min and more


def test_preview_compute_time_comes_from_the_preview_shown_events(customer):
    for ms in [20, 40, 60, 80, 700]:
        make_event_at(Name.PREVIEW_SHOWN, INSIDE, user=customer.user, compute_ms=ms)
    make_event_at(Name.PREVIEW_SHOWN, INSIDE, user=customer.user)  # recorded before compute_ms existed

    compute = speed_kpis(PERIOD).preview_compute

    assert compute.count == 5
    assert (compute.p50, compute.p95) == (60.0, 700.0)


def test_preview_load_time_comes_from_the_browser_beacons_in_the_period(customer):
    for ms, when in [(900, INSIDE), (1500, INSIDE), (2500, INSIDE), (100, PERIOD.end)]:
        row = PageLoad.objects.create(page="preview", view_id=uuid.uuid4(), user=customer.user, duration_ms=ms)
        PageLoad.objects.filter(pk=row.pk).update(created_at=when)

    loads = speed_kpis(PERIOD).preview_load

    assert loads.count == 3 and (loads.p50, loads.p90) == (1500.0, 2500.0)
