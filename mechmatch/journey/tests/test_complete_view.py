from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from mechmatch.journey.services import session_end
from mechmatch.mechanics.models import Mechanic, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(customer, consultation):
    session_end(user=customer.user, consultation_id=consultation.pk)
    return consultation


def test_after_a_high_rating_the_customer_is_invited_to_add_the_mechanic_to_favourites(
    customer_client,
    ended,
    customer,
):
    url = reverse("journey:complete", args=[ended.pk])
    assert "Rate Morgan Lee" in customer_client.get(url).content.decode()
    customer_client.post(url, {"rating": "4"})
    assert "Add Morgan to favourites" in customer_client.get(url).content.decode()
    customer_client.post(reverse("journey:session_favourite", args=[ended.pk]), {"from": "complete"})
    assert customer.favourites.filter(mechanic=ended.mechanic).exists()


def test_a_low_rating_does_not_push_favourites(customer_client, ended):
    url = reverse("journey:complete", args=[ended.pk])
    customer_client.post(url, {"rating": "2"})
    assert "to favourites" not in customer_client.get(url).content.decode()


def test_a_session_is_rated_once(customer_client, ended):
    url = reverse("journey:complete", args=[ended.pk])
    assert customer_client.post(url, {"rating": "5", "comment": "Great"})["Location"] == url
    customer_client.post(url, {"rating": "1", "comment": "Changed my mind"})
    review = Review.objects.get()
    assert (review.rating, review.comment) == (5, "Great")
    ended.mechanic.refresh_from_db()
    assert ended.mechanic.review_count == 48  # the 47 it had, and this one


def test_a_rating_out_of_range_is_reported_beside_the_stars(customer_client, ended):
    response = customer_client.post(reverse("journey:complete", args=[ended.pk]), {"rating": "9"})
    assert response.status_code == 200 and response.context["form"].errors["rating"]
    assert not Review.objects.exists()


def test_a_session_still_running_leads_back_to_it(customer_client, consultation):
    response = customer_client.get(reverse("journey:complete", args=[consultation.pk]))
    assert response["Location"] == reverse("journey:session", args=[consultation.pk])


def test_rating_a_rated_session_again_is_a_conflict(customer_client, ended):
    url = reverse("journey:complete", args=[ended.pk])
    assert customer_client.post(url, {"rating": "5", "comment": "Great"}).status_code == 302
    again = customer_client.post(url, {"rating": "1", "comment": "Changed my mind"})
    assert again.status_code == 409
    assert "Great" in again.content.decode()  # the rating that was kept


def _rate(client: Client, url: str, barrier: threading.Barrier, statuses: list[int]) -> None:
    try:
        barrier.wait()
        statuses.append(client.post(url, {"rating": "4", "comment": "Good"}).status_code)
    finally:
        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_ratings_of_one_session_keep_one_and_answer_409_to_the_rest(ended, customer):
    # Each submit passes the "not rated yet" check before any has inserted; the unique
    # session key lets one win, and the others must hear 409, not a 500.
    reviews_before = ended.mechanic.review_count
    url = reverse("journey:complete", args=[ended.pk])
    clients = []
    for _ in range(10):
        client = Client(raise_request_exception=False)
        client.force_login(customer.user)
        clients.append(client)

    barrier = threading.Barrier(10)
    statuses: list[int] = []
    threads = [threading.Thread(target=_rate, args=(c, url, barrier, statuses)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(statuses) == [302] + [409] * 9
    assert Review.objects.filter(session_key=f"consultation-{ended.pk}").count() == 1
    assert Mechanic.objects.get(pk=ended.mechanic_id).review_count == reviews_before + 1
