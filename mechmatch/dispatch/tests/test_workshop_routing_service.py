from __future__ import annotations

import pytest

from mechmatch.dispatch import services
from mechmatch.dispatch.tests.factories import lapse, request_for
from mechmatch.mechanics.models import Workshop
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    return Workshop.objects.create(name="Queen St Garage", city="Toronto", region="ON", country="CA")


def test_workshop_only_offers_just_that_workshops_mechanics_then_expires(customer, workshop, windows):
    inside = [make_mechanic(workshop=workshop) for _ in range(2)]
    make_mechanic(brands=["Honda"])
    request = request_for(customer.user, routing="workshop_only", workshop_id=workshop.pk)
    assert set(request.offers.values_list("mechanic_id", flat=True)) == {m.pk for m in inside}
    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert request.status == "expired"


def test_hybrid_widens_to_everyone_when_the_workshop_does_not_answer(customer, workshop, windows):
    make_mechanic(workshop=workshop)
    outside = make_mechanic(brands=["Honda"])
    request = request_for(customer.user, routing="hybrid", workshop_id=workshop.pk)
    assert request.stage == "workshop"
    services.dispatch_tick(now=lapse(request))
    request.refresh_from_db()
    assert (request.status, request.stage) == ("broadcasting", "wide")
    assert request.offers.filter(mechanic=outside, status="open").exists()


def test_a_workshop_routing_needs_a_workshop(customer, windows):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        request_for(customer.user, routing="workshop_only")
    assert "workshop_id" in exc.value.message_dict
