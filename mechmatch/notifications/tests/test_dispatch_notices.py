"""Each dispatch event writes its notification once, in the change's transaction."""

from __future__ import annotations

import pytest

from mechmatch.customers.models import Favourite
from mechmatch.dispatch import services
from mechmatch.dispatch.tests.factories import lapse, request_for
from mechmatch.notifications.models import Kind, Notification
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def test_choosing_a_mechanic_writes_one_exclusive_offer_for_them(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    assert kinds_of(mechanic.user) == [Kind.EXCLUSIVE_OFFER]
    context = Notification.objects.get(user=mechanic.user).context
    assert context["customer_first_name"] == "Casey"
    assert context["vehicle"] == "2018 Honda Civic"
    assert context["concern"] == request.concern
    assert context["minutes_left"] == 5
    assert context["path"].endswith(f"#offer-{request.offers.get().pk}")


def test_accepting_writes_one_accepted_for_the_customer_with_the_session_link(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    consultation = services.offer_accept(mechanic=mechanic, offer_id=request.offers.get().pk)
    assert kinds_of(customer.user) == [Kind.ACCEPTED]
    accepted = Notification.objects.get(user=customer.user)
    assert accepted.context["path"] == f"/app/sessions/{consultation.pk}/"
    assert accepted.context["mechanic_name"] == "Morgan"


def test_a_lapse_writes_awaiting_choice_once_however_often_the_dispatcher_ticks(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    now = lapse(request)
    services.dispatch_tick(now=now)
    services.dispatch_tick(now=now)
    assert kinds_of(customer.user) == [Kind.AWAITING_CHOICE]


def test_a_decline_writes_awaiting_choice(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.offer_decline(mechanic=mechanic, offer_id=request.offers.get().pk, reason="busy")
    assert kinds_of(customer.user) == [Kind.AWAITING_CHOICE]


def test_waiting_longer_writes_window_extended_not_a_second_offer(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    services.request_choose(user=customer.user, request_id=request.pk, choice="wait_longer")
    assert kinds_of(mechanic.user) == [Kind.EXCLUSIVE_OFFER, Kind.WINDOW_EXTENDED]


def test_auto_match_writes_sent_to_others_for_the_customer(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    [make_mechanic(brands=["Honda"]) for _ in range(2)]
    services.request_choose(user=customer.user, request_id=request.pk, choice="auto_match")
    assert kinds_of(customer.user) == [Kind.AWAITING_CHOICE, Kind.BROADCAST]


def test_a_favourites_request_is_its_own_kind(customer, mechanic, windows):
    Favourite.objects.create(customer=customer, mechanic=mechanic)
    request_for(customer.user, routing="priority_broadcast")
    assert kinds_of(mechanic.user) == [Kind.FAVOURITE_REQUEST]


def test_a_rolled_back_change_notifies_nobody(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    offer = request.offers.get()
    services.offer_decline(mechanic=mechanic, offer_id=offer.pk)
    with pytest.raises(services.DispatchError):
        services.offer_accept(mechanic=mechanic, offer_id=offer.pk)
    assert Kind.ACCEPTED not in kinds_of(customer.user)
