from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from mechmatch.dispatch import services
from mechmatch.dispatch.models import Consultation, Offer, SessionRequest
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.funnel.models import FunnelEvent
from mechmatch.mechanics.models import Mechanic
from mechmatch.testing import make_customer, make_mechanic


@pytest.mark.django_db
def test_accepting_matches_the_request_and_supersedes_the_other_offers(customer, windows):
    mechanics = [make_mechanic(brands=["Honda"]) for _ in range(3)]
    request = request_for(customer.user)
    winner_offer = request.offers.get(mechanic=mechanics[0])

    consultation = services.offer_accept(mechanic=mechanics[0], offer_id=winner_offer.pk)

    request.refresh_from_db()
    assert request.status == "matched"
    assert request.assigned_mechanic_id == mechanics[0].pk
    assert consultation.status == "active"
    statuses = dict(request.offers.values_list("mechanic_id", "status"))
    assert statuses[mechanics[0].pk] == "accepted"
    assert {statuses[m.pk] for m in mechanics[1:]} == {"superseded"}
    assert FunnelEvent.objects.filter(name="offer_accepted", request_id=request.pk).count() == 1
    assert FunnelEvent.objects.filter(name="session_started", request_id=request.pk).count() == 1


@pytest.mark.django_db
def test_a_second_accept_gets_a_clear_conflict(customer, windows):
    first, second = make_mechanic(brands=["Honda"]), make_mechanic(brands=["Honda"])
    request = request_for(customer.user)
    services.offer_accept(mechanic=first, offer_id=request.offers.get(mechanic=first).pk)
    with pytest.raises(services.DispatchError, match="Another mechanic already accepted"):
        services.offer_accept(mechanic=second, offer_id=request.offers.get(mechanic=second).pk)


@pytest.mark.django_db
def test_an_expired_offer_cannot_be_accepted(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    offer = request.offers.get()
    later = offer.expires_at + timedelta(seconds=1)
    with pytest.raises(services.DispatchError, match="This offer expired"):
        services.offer_accept(mechanic=mechanic, offer_id=offer.pk, now=later)


@pytest.mark.django_db
def test_a_mechanic_cannot_hold_two_active_sessions(mechanic, windows):
    one, two = make_customer(), make_customer()
    first = request_for(one.user, routing="selected", selected=mechanic)
    second = request_for(two.user, routing="selected", selected=mechanic)
    services.offer_accept(mechanic=mechanic, offer_id=first.offers.get().pk)
    with pytest.raises(services.DispatchError, match="already have an active session"):
        services.offer_accept(mechanic=mechanic, offer_id=second.offers.get().pk)


@pytest.mark.django_db
def test_nobody_else_can_accept_during_an_exclusive_window(customer, mechanic, windows):
    other = make_mechanic()
    request = request_for(customer.user, routing="selected", selected=mechanic)
    assert not Offer.objects.filter(mechanic=other).exists()
    with pytest.raises(services.NotFound):
        services.offer_accept(mechanic=other, offer_id=request.offers.get().pk)


@pytest.mark.django_db
def test_a_suspended_mechanic_cannot_accept(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    Mechanic.objects.filter(pk=mechanic.pk).update(account_status="suspended")
    with pytest.raises(services.DispatchError, match="cannot accept"):
        services.offer_accept(mechanic=mechanic, offer_id=request.offers.get().pk)


@pytest.mark.django_db
def test_accepting_records_the_response_time_and_counts(customer, windows):
    mechanic = make_mechanic(avg_response_seconds=100.0, completed_sessions=4)
    request = request_for(customer.user, routing="selected", selected=mechanic)
    offer = request.offers.get()
    services.offer_accept(mechanic=mechanic, offer_id=offer.pk, now=offer.offered_at + timedelta(seconds=50))
    offer.refresh_from_db()
    mechanic.refresh_from_db()
    assert offer.response_seconds == pytest.approx(50)
    # Running mean over 4 earlier samples of 100 s and this 50 s one.
    assert mechanic.avg_response_seconds == pytest.approx(90)
    assert mechanic.response_sample_count == 5
    assert (mechanic.offers_received, mechanic.offers_accepted) == (1, 1)


def _accept_in_thread(mechanic_id: int, offer_id: int, barrier: threading.Barrier, results: list) -> None:
    try:
        mechanic = Mechanic.objects.get(pk=mechanic_id)
        barrier.wait()
        services.offer_accept(mechanic=mechanic, offer_id=offer_id)
        results.append("won")
    except services.DispatchError as exc:
        results.append(exc.message)
    except Exception as exc:  # noqa: BLE001 - reported by the assertion below
        results.append(f"error: {exc!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_accepts_of_one_request_have_exactly_one_winner(settings):
    settings.SMART_BROADCAST_SIZE = 50
    settings.BROADCAST_CAP = 50
    settings.EVENT_BROKER = "inprocess"
    customer = make_customer()
    mechanics = [make_mechanic(brands=["Honda"]) for _ in range(50)]
    request = SessionRequest.objects.get(pk=request_for(customer.user, routing="broadcast").pk)
    offers = dict(request.offers.values_list("mechanic_id", "pk"))
    assert len(offers) == 50

    barrier = threading.Barrier(50)
    results: list[str] = []
    threads = [
        threading.Thread(target=_accept_in_thread, args=(m.pk, offers[m.pk], barrier, results)) for m in mechanics
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert results.count("won") == 1, results
    assert results.count("Another mechanic already accepted this request.") == 49, results
    request.refresh_from_db()
    assert request.status == "matched"
    assert Offer.objects.filter(request=request, status="accepted").count() == 1
    assert Consultation.objects.filter(request=request).count() == 1
    assert Offer.objects.filter(request=request, status="superseded").count() == 49
    assert connection.vendor in ("sqlite", "postgresql")
    assert timezone.now()
