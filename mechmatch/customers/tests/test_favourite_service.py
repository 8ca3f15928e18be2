from __future__ import annotations

import pytest

from mechmatch.customers.selectors import favourite_mechanic_ids
from mechmatch.customers.services import favourite_add, favourite_remove

pytestmark = pytest.mark.django_db


def test_favouriting_twice_keeps_one_favourite(customer, mechanic):
    favourite_add(customer=customer, mechanic=mechanic)
    favourite_add(customer=customer, mechanic=mechanic)
    assert favourite_mechanic_ids(customer=customer) == [mechanic.pk]


def test_a_favourite_can_be_removed(customer, mechanic):
    favourite_add(customer=customer, mechanic=mechanic)
    assert favourite_remove(customer=customer, mechanic_id=mechanic.pk) is True
    assert favourite_mechanic_ids(customer=customer) == []
