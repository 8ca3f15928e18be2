from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.dispatch import services
from mechmatch.dispatch.models import StreamEvent
from mechmatch.dispatch.tests.factories import lapse, request_for
from mechmatch.funnel.models import FunnelEvent
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert request.status == "awaiting_choice"
    return request


def test_waiting_longer_reopens_the_same_offer_without_a_second_notification(lapsed, customer, mechanic):
    offer = lapsed.offers.get()
    services.request_choose(user=customer.user, request_id=lapsed.pk, choice="wait_longer")
    lapsed.refresh_from_db()
    offer.refresh_from_db()
    assert lapsed.status == "pending"
    assert offer.status == "open"
    assert offer.extended_count == 1
    assert lapsed.fallback_due_at == offer.expires_at
    kinds = list(StreamEvent.objects.filter(channel=f"mechanic-{mechanic.pk}").values_list("kind", flat=True))
    assert kinds.count("offer_new") == 1
    assert kinds.count("offer_extended") == 1
    assert FunnelEvent.objects.filter(name="fallback_chosen", properties__choice="wait_longer").count() == 1


def test_picking_another_sends_that_mechanic_an_exclusive_offer(lapsed, customer):
    other = make_mechanic(brands=["Honda"])
    services.request_choose(user=customer.user, request_id=lapsed.pk, choice="pick_another", mechanic_id=other.pk)
    lapsed.refresh_from_db()
    assert lapsed.status == "pending"
    assert lapsed.selected_mechanic_id == other.pk
    assert lapsed.offers.get(mechanic=other).kind == "exclusive"


def test_picking_another_needs_a_mechanic_id(lapsed, customer):
    with pytest.raises(ValidationError) as exc:
        services.request_choose(user=customer.user, request_id=lapsed.pk, choice="pick_another")
    assert "mechanic_id" in exc.value.message_dict


def test_picking_the_same_mechanic_again_is_refused(lapsed, customer, mechanic):
    with pytest.raises(ValidationError) as exc:
        services.request_choose(
            user=customer.user, request_id=lapsed.pk, choice="pick_another", mechanic_id=mechanic.pk
        )
    assert "mechanic_id" in exc.value.message_dict


def test_auto_match_offers_the_top_matches(lapsed, customer):
    [make_mechanic(brands=["Honda"]) for _ in range(4)]
    services.request_choose(user=customer.user, request_id=lapsed.pk, choice="auto_match")
    lapsed.refresh_from_db()
    assert lapsed.status == "broadcasting"
    assert lapsed.offers.filter(kind="broadcast", status="open").count() == 4


def test_schedule_parks_the_request(lapsed, customer):
    services.request_choose(user=customer.user, request_id=lapsed.pk, choice="schedule")
    lapsed.refresh_from_db()
    assert lapsed.status == "scheduled"
    assert lapsed.fallback_due_at is None


def test_a_choice_is_refused_while_the_mechanic_still_has_the_window(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    with pytest.raises(services.DispatchError, match="not waiting for your choice"):
        services.request_choose(user=customer.user, request_id=request.pk, choice="auto_match")


def test_only_the_customer_may_choose(lapsed, outsider):
    with pytest.raises(services.NotFound):
        services.request_choose(user=outsider, request_id=lapsed.pk, choice="schedule")


def test_cancelling_withdraws_the_open_offers(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    services.request_cancel(user=customer.user, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert request.offers.get().status == "withdrawn"
    assert StreamEvent.objects.filter(channel=f"mechanic-{mechanic.pk}", kind="offer_gone").exists()
