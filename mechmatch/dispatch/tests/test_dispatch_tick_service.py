from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from mechmatch.dispatch import services
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest, StreamEvent
from mechmatch.dispatch.services import lapses
from mechmatch.dispatch.tests.factories import lapse, request_for
from mechmatch.funnel.models import FunnelEvent
from mechmatch.matching.reasons import stored_reasons_localised
from mechmatch.mechanics.models import Mechanic
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db


def test_a_lapsed_exclusive_offer_asks_the_customer_at_once(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    now = lapse(request)

    result = services.dispatch_tick(now=now)

    request.refresh_from_db()
    assert result.offers_expired == 1 and result.fallbacks == 1
    assert request.status == "awaiting_choice"
    assert request.fallback_due_at == now + timedelta(seconds=120)
    assert request.offers.get().status == "expired"
    event = StreamEvent.objects.filter(channel=f"request-{request.pk}").latest("id")
    assert event.kind == "awaiting_choice"
    assert event.payload["choices"] == ["wait_longer", "pick_another", "auto_match", "schedule"]
    assert FunnelEvent.objects.filter(name="offer_lapsed", request_id=request.pk).count() == 1


def test_nothing_happens_before_the_window_ends(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    result = services.dispatch_tick()
    request.refresh_from_db()
    assert result.steps == 0
    assert request.status == "pending"


def test_without_a_choice_the_request_falls_back_to_the_top_matches(customer, mechanic, windows):
    others = [make_mechanic(brands=["Honda"]) for _ in range(12)]
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert request.fallback_due_at is not None

    services.dispatch_tick(now=request.fallback_due_at + timedelta(seconds=1))

    request.refresh_from_db()
    assert request.status == "broadcasting"
    assert request.stage == "smart"
    offered = set(request.offers.filter(kind="broadcast").values_list("mechanic_id", flat=True))
    assert len(offered) == 10
    assert mechanic.pk not in offered  # the lapsed mechanic is not asked again
    assert offered <= {m.pk for m in others}
    assert FunnelEvent.objects.filter(name="fallback_broadcast", request_id=request.pk).count() == 1


def test_each_fallback_happens_once_however_often_the_dispatcher_runs(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    now = lapse(request)
    for _ in range(5):
        services.dispatch_tick(now=now)
    assert RequestEvent.objects.filter(request=request, kind="awaiting_choice").count() == 1
    assert RequestEvent.objects.filter(request=request, kind="offer_expired").count() == 1


def test_the_favourite_lapsing_goes_straight_to_the_top_matches(customer, mechanic, windows):
    [make_mechanic(brands=["Honda"]) for _ in range(3)]
    request = request_for(customer.user, routing="priority_broadcast", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert request.status == "broadcasting"
    assert request.offers.filter(kind="broadcast").count() == 3


def test_lapsed_top_matches_widen_to_everyone_then_expire(customer, windows, settings):
    settings.SMART_BROADCAST_SIZE = 2
    [make_mechanic(brands=["Honda"]) for _ in range(4)]
    request = request_for(customer.user)
    assert request.offers.count() == 2

    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert (request.status, request.stage) == ("broadcasting", "wide")
    assert request.offers.filter(status="open").count() == 2

    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert request.status == "expired"
    last = StreamEvent.objects.filter(channel=f"request-{request.pk}").latest("id")
    assert last.kind == "expired"
    assert "schedule" in last.payload["choices"]


def test_a_decline_of_the_exclusive_offer_asks_the_customer_without_waiting(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.offer_decline(mechanic=mechanic, offer_id=request.offers.get().pk, reason="busy")
    request.refresh_from_db()
    assert request.status == "awaiting_choice"
    snapshot = StreamEvent.objects.filter(channel=f"request-{request.pk}").latest("id").payload
    assert snapshot["exclusiveMechanic"]["declineReason"] == "busy"
    assert "wait_longer" not in snapshot["choices"]


def test_offers_to_a_suspended_mechanic_are_withdrawn(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    Mechanic.objects.filter(pk=mechanic.pk).update(account_status="suspended")
    result = services.dispatch_tick()
    request.refresh_from_db()
    assert result.withdrawn == 1
    assert request.offers.get().status == "withdrawn"
    assert request.status == "awaiting_choice"


def test_smart_broadcast_skips_busy_mechanics_and_caps_new_ones(customer, windows):
    busy = make_mechanic(brands=["Honda"])
    veterans = [make_mechanic(brands=["Honda"]) for _ in range(7)]
    newcomers = [make_mechanic(brands=["Honda"], completed_sessions=0, reviews=0) for _ in range(5)]
    other_customer_request = request_for(make_customer().user, routing="selected", selected=busy)
    services.offer_accept(mechanic=busy, offer_id=other_customer_request.offers.get().pk)

    request = request_for(customer.user)

    offered = {o.mechanic_id: o for o in request.offers.all()}
    assert busy.pk not in offered
    new_offered = [o for mid, o in offered.items() if mid in {m.pk for m in newcomers}]
    assert len(new_offered) == 2
    assert all("New" in stored_reasons_localised(o.reason_codes, "en") for o in new_offered)
    assert {m.pk for m in veterans} <= set(offered)


def test_who_is_new_to_dispatch_follows_the_setting_the_ranking_uses(customer, windows):
    windows.NEW_MECHANIC_DAYS = 0
    newcomers = [make_mechanic(brands=["Honda"], completed_sessions=0, reviews=0) for _ in range(5)]
    request = request_for(customer.user)
    offers = list(request.offers.all())
    # Nobody counts as new, so nobody is capped or labelled as such.
    assert {o.mechanic_id for o in offers} == {m.pk for m in newcomers}
    assert not any("New" in stored_reasons_localised(o.reason_codes, "en") for o in offers)


def test_a_timer_that_says_later_is_pulled_in_by_a_due_offer(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    Offer.objects.filter(request=request).update(expires_at=timezone.now() - timedelta(seconds=5))
    SessionRequest.objects.filter(pk=request.pk).update(fallback_due_at=timezone.now() + timedelta(hours=1))
    services.dispatch_tick()
    request.refresh_from_db()
    assert request.status == "awaiting_choice"


def test_one_tick_settles_plain_fallbacks_together_and_runs_each_search_on_its_own(customer, mechanic, windows):
    windows.SMART_BROADCAST_SIZE = 2
    [make_mechanic(brands=["Honda"]) for _ in range(3)]
    chosen = request_for(customer.user, routing="selected", selected=mechanic)
    top = request_for(make_customer().user)  # the top two of four Honda mechanics
    lapse(chosen)
    now = lapse(top)

    result = services.dispatch_tick(now=now)

    chosen.refresh_from_db()
    top.refresh_from_db()
    assert chosen.status == "awaiting_choice"
    assert (top.status, top.stage) == ("broadcasting", "wide")
    assert result.steps == 2 and result.fallbacks == 2
    assert result.offers_expired == 1 + 2
    assert result.outcomes == {"awaiting_choice": 1, "broadcast": 1}
    assert RequestEvent.objects.filter(request=top, kind="offer_expired").count() == 2


def test_lapses_of_one_mechanic_in_one_batch_fold_into_the_mean_once_each(customer, windows):
    seasoned = make_mechanic()
    Mechanic.objects.filter(pk=seasoned.pk).update(avg_response_seconds=100.0, response_sample_count=4)
    fresh = make_mechanic()
    Mechanic.objects.filter(pk=fresh.pk).update(avg_response_seconds=None, response_sample_count=0)
    requests = [
        request_for(make_customer().user, routing="selected", selected=who) for who in (seasoned, seasoned, fresh)
    ]
    for request, window in zip(requests, (300, 300, 600), strict=True):
        lapse(request)
        # The fresh mechanic's window was longer (extended once): a CASE arm of its own.
        Offer.objects.filter(request=request).update(offered_at=F("expires_at") - timedelta(seconds=window))

    result = services.dispatch_tick(now=timezone.now())

    assert result.offers_expired == 3
    seasoned.refresh_from_db()
    fresh.refresh_from_db()
    assert seasoned.response_sample_count == 6
    assert seasoned.avg_response_seconds == pytest.approx((100.0 * 4 + 2 * 300) / 6)
    assert fresh.response_sample_count == 1
    assert fresh.avg_response_seconds == pytest.approx(600)


def test_when_the_set_wise_step_fails_the_requests_are_taken_one_at_a_time(customer, mechanic, windows, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a row this code did not expect")

    monkeypatch.setattr(lapses, "_next_step", broken)
    request = request_for(customer.user, routing="selected", selected=mechanic)

    result = services.dispatch_tick(now=lapse(request))

    request.refresh_from_db()
    assert request.status == "awaiting_choice"
    assert result.outcomes == {"awaiting_choice": 1} and result.offers_expired == 1
    assert RequestEvent.objects.filter(request=request, kind="offer_expired").count() == 1


def _queries_to_settle(count: int, customer, mechanics, tag: str) -> int:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mechmatch.dispatch.testing import make_lapsing_requests

    make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=count, tag=tag)
    with CaptureQueriesContext(connection) as captured:
        result = services.dispatch_tick(batch=100)
    assert result.fallbacks == count
    return len(captured.captured_queries)


def test_a_bigger_batch_of_lapses_costs_no_more_statements_notifications_included(customer, windows):
    from mechmatch.notifications.models import Notification

    mechanics = [make_mechanic() for _ in range(3)]
    few = _queries_to_settle(3, customer, mechanics, "few")
    many = _queries_to_settle(30, customer, mechanics, "many")
    assert many == few  # one customer notification per request, all in one INSERT
    notified = Notification.objects.filter(user=customer.user, kind="awaiting_choice")
    assert notified.count() == 33
    assert {n.context["mechanic_name"] for n in notified} == {m.first_name for m in mechanics}
