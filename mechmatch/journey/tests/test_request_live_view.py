from __future__ import annotations

import pytest
from django.urls import reverse

from mechmatch.dispatch.services import dispatch_tick

pytestmark = pytest.mark.django_db


def _live(client, request_id: int):  # noqa: ANN001, ANN202
    return client.get(reverse("journey:request_live", args=[request_id]))


def test_a_lapsed_offer_offers_the_three_fallbacks(customer_client, waiting):
    dispatch_tick()
    page = _live(customer_client, waiting.pk).content.decode()
    assert "Morgan Lee isn&#x27;t available" in page or "Morgan Lee isn't available" in page
    assert "Wait for Morgan Lee (5 more min)" in page and "Pick another mechanic" in page
    assert "Match me automatically" in page


def test_while_waiting_the_fragment_names_no_session(customer_client, waiting):
    response = _live(customer_client, waiting.pk)
    assert "Waiting for Morgan to accept" in response.content.decode()
    assert "X-Session-Url" not in response


def test_once_accepted_the_fragment_tells_the_page_where_the_session_is(customer_client, consultation):
    response = _live(customer_client, consultation.request_id)
    assert response["X-Session-Url"] == reverse("journey:session", args=[consultation.pk])
    assert "Your mechanic has joined!" in response.content.decode()
