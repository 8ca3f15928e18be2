from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.mechanics.models import Review
from mechmatch.mechanics.services import AlreadyRated, review_create

pytestmark = pytest.mark.django_db


def test_a_review_is_folded_into_the_rating_at_once(mechanic, customer):
    review_create(mechanic=mechanic, customer=customer.user, rating=1, session_key="s-1")
    mechanic.refresh_from_db()
    assert mechanic.review_count == 41
    assert mechanic.rating_average == pytest.approx((4.6 * 40 + 1) / 41)


def test_a_session_can_be_rated_only_once(mechanic, customer):
    review_create(mechanic=mechanic, customer=customer.user, rating=5, session_key="s-1")
    with pytest.raises(ValidationError):
        review_create(mechanic=mechanic, customer=customer.user, rating=4, session_key="s-1")


def test_a_second_review_that_raced_past_the_check_is_a_conflict_not_a_database_error(mechanic, customer, monkeypatch):
    review_create(mechanic=mechanic, customer=customer.user, rating=5, session_key="s-1")
    # As if the other submit inserted between this one's check and its insert.
    monkeypatch.setattr(Review.objects, "filter", _exists_only_on_second_look(Review.objects.filter))
    with pytest.raises(AlreadyRated):
        review_create(mechanic=mechanic, customer=customer.user, rating=4, session_key="s-1")
    mechanic.refresh_from_db()
    assert mechanic.review_count == 41


def _exists_only_on_second_look(real_filter):  # noqa: ANN001, ANN202
    looks = []

    def filter_(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        looks.append(kwargs)
        return real_filter(*args, **kwargs) if len(looks) > 1 else Review.objects.none()

    return filter_


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_it_refuses_ratings_outside_one_to_five(mechanic, customer, rating):
    with pytest.raises(ValidationError):
        review_create(mechanic=mechanic, customer=customer.user, rating=rating, session_key="s-2")
