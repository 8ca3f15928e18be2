from __future__ import annotations

import pytest

from mechmatch.dispatch import services
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_going_off_shift_withdraws_open_offers_and_moves_the_request_on(customer, mechanic, windows):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    result = services.mechanic_shift_set(mechanic=mechanic, online=False)
    request.refresh_from_db()
    mechanic.refresh_from_db()
    assert result == services.ShiftChange(online=False, withdrawn_offers=1)
    assert mechanic.is_on_shift is False
    assert request.offers.get().status == "withdrawn"
    assert request.status == "awaiting_choice"


def test_an_unapproved_mechanic_cannot_go_on_shift(windows):
    pending = make_mechanic(approved=False, on_shift=False)
    with pytest.raises(services.Forbidden):
        services.mechanic_shift_set(mechanic=pending, online=True)


def test_off_shift_mechanics_receive_no_offers(customer, windows):
    off = make_mechanic(brands=["Honda"], on_shift=False)
    on = make_mechanic(brands=["Honda"])
    request = request_for(customer.user)
    offered = set(request.offers.values_list("mechanic_id", flat=True))
    assert on.pk in offered and off.pk not in offered
