from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mechmatch.dispatch import services
from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.selectors import (
    dispatch_lag_seconds,
    mechanic_load_map,
    queue_position,
    request_detail_for,
    request_waiting_snapshot,
)
from mechmatch.dispatch.tests.factories import lapse, request_for
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db


def test_the_load_map_counts_active_sessions_and_recent_offers(customer, mechanic, windows):
    idle = make_mechanic()
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.offer_accept(mechanic=mechanic, offer_id=request.offers.get().pk)
    assert mechanic_load_map([mechanic.pk, idle.pk]) == {mechanic.pk: (1, 1), idle.pk: (0, 0)}
    assert mechanic_load_map([]) == {}


def test_the_eta_comes_from_the_offered_mechanics_response_times(windows):
    fast = make_mechanic(brands=["Honda"], avg_response_seconds=60)
    slow = make_mechanic(brands=["Honda"], avg_response_seconds=240)
    request = request_for(make_customer().user)
    assert {o.mechanic_id for o in request.offers.all()} == {fast.pk, slow.pk}
    snap = request_waiting_snapshot(request)
    assert snap["eta"]["basis"] == "response_history"
    assert 140 <= snap["eta"]["typicalSeconds"] <= 150  # median of 60 and 240
    assert 215 <= snap["eta"]["worstSeconds"] <= 222  # p90
    assert snap["queuePosition"] == 1
    assert snap["offers"]["open"] == 2


def test_a_single_mechanics_worst_case_is_twice_their_typical_wait(windows):
    chosen = make_mechanic(brands=["Honda"], avg_response_seconds=90)
    request = request_for(make_customer().user, routing="selected", selected=chosen)
    eta = request_waiting_snapshot(request)["eta"]
    assert 85 <= eta["typicalSeconds"] <= 90
    assert 175 <= eta["worstSeconds"] <= 180


def test_queue_position_counts_earlier_broadcasts_in_the_same_area(windows):
    [make_mechanic(brands=["Honda"]) for _ in range(2)]
    first = request_for(make_customer().user)
    second = request_for(make_customer().user)
    assert (queue_position(first), queue_position(second)) == (1, 2)


def test_the_customer_and_operators_see_every_offer_and_the_waiting_room(customer, operator, windows):
    mechanics = [make_mechanic(brands=["Honda"]) for _ in range(2)]
    request = request_for(customer.user)
    for viewer in (customer.user, operator):
        detail = request_detail_for(request=request, viewer=viewer)
        assert {o.mechanic_id for o in detail.offers} == {m.pk for m in mechanics}
        assert detail.waiting["requestId"] == request.pk
        assert detail.consultation_id is None


def test_an_offered_mechanic_sees_only_their_own_offer_and_no_waiting_room(customer, windows):
    first, second = make_mechanic(brands=["Honda"]), make_mechanic(brands=["Honda"])
    request = request_for(customer.user)
    detail = request_detail_for(request=request, viewer=first.user)
    assert [o.mechanic_id for o in detail.offers] == [first.pk]
    assert (detail.waiting, detail.alternatives) == ({}, [])
    assert second.pk not in {o.mechanic_id for o in detail.offers}


def test_the_other_matches_are_offered_only_while_the_customer_must_choose(customer, mechanic, windows):
    other = make_mechanic(brands=["Honda"])
    request = request_for(customer.user, routing="selected", selected=mechanic)
    assert request_detail_for(request=request, viewer=customer.user).alternatives == []
    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert request.status == "awaiting_choice"
    assert [a["mechanicId"] for a in request_detail_for(request=request, viewer=customer.user).alternatives] == [
        other.pk
    ]
    assert request_detail_for(request=request, viewer=mechanic.user).alternatives == []


def test_the_consultation_is_named_once_a_mechanic_accepted(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    consultation = services.offer_accept(mechanic=mechanic, offer_id=request.offers.get().pk)
    assert request_detail_for(request=request, viewer=mechanic.user).consultation_id == consultation.pk


def test_the_dispatch_lag_is_zero_when_nothing_is_due(customer, mechanic, windows):
    request_for(customer.user, routing="selected", selected=mechanic)
    assert dispatch_lag_seconds() == 0.0


def test_the_dispatch_lag_is_the_age_of_the_oldest_due_timer(customer, mechanic, windows):
    now = timezone.now()
    request = request_for(customer.user, routing="selected", selected=mechanic)
    SessionRequest.objects.filter(pk=request.pk).update(fallback_due_at=now - timedelta(seconds=40))
    assert dispatch_lag_seconds(now) == 40.0


def test_an_open_offer_past_its_expiry_counts_even_if_its_request_says_later(customer, mechanic, windows):
    now = timezone.now()
    request = request_for(customer.user, routing="selected", selected=mechanic)
    SessionRequest.objects.filter(pk=request.pk).update(fallback_due_at=now + timedelta(hours=1))
    Offer.objects.filter(request=request).update(expires_at=now - timedelta(seconds=7))
    assert dispatch_lag_seconds(now) == 7.0


def test_the_timers_of_finished_requests_are_no_lag(customer, mechanic, windows):
    now = timezone.now()
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.request_cancel(user=customer.user, request_id=request.pk)
    SessionRequest.objects.filter(pk=request.pk).update(fallback_due_at=now - timedelta(seconds=90))
    Offer.objects.filter(request=request).update(status="open", expires_at=now - timedelta(seconds=90))
    assert dispatch_lag_seconds(now) == 0.0
