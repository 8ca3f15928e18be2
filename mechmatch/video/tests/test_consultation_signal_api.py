from __future__ import annotations

import pytest
from django.test import Client

from mechmatch.dispatch.models import Offer, StreamEvent
from mechmatch.dispatch.services import offer_accept
from mechmatch.dispatch.tests.factories import request_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(customer, mechanic):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    return offer_accept(mechanic=mechanic, offer_id=Offer.objects.get(request=request).pk)


def _url(consultation) -> str:  # noqa: ANN001
    return f"/api/consultations/{consultation.pk}/signals"


def test_a_party_posts_a_signal_and_it_is_accepted(customer_api, consultation):
    response = customer_api.post(_url(consultation), {"kind": "hello", "peer": "abc"}, content_type="application/json")
    assert (response.status_code, response.json()) == (202, {"sent": True, "role": "customer"})


def test_an_outsider_gets_404_and_nothing_is_relayed(outsider_api, consultation):
    response = outsider_api.post(_url(consultation), {"kind": "hello", "peer": "abc"}, content_type="application/json")
    assert response.status_code == 404
    assert not StreamEvent.objects.filter(kind="rtc_signal").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "dance", "peer": "abc"}, "kind"),
        ({"kind": "hello", "peer": "a b"}, "peer"),
        ({"kind": "offer", "peer": "abc", "sdp": "v" * 16_001}, "sdp"),
        ({"kind": "hello", "peer": "abc", "extra": 1}, "extra"),
    ],
)
def test_bad_bodies_get_422_naming_the_field(customer_api, consultation, body, field):
    response = customer_api.post(_url(consultation), body, content_type="application/json")
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()


def test_a_media_line_index_out_of_range_gets_400_naming_it(customer_api, consultation):
    body = {"kind": "candidate", "peer": "abc", "candidate": "c", "sdpMLineIndex": 99}
    response = customer_api.post(_url(consultation), body, content_type="application/json")
    assert response.status_code == 400
    assert "sdpMLineIndex" in {e["field"] for e in response.json()["errors"]}, response.json()


def test_an_offer_without_its_description_gets_400_naming_sdp(customer_api, consultation):
    response = customer_api.post(_url(consultation), {"kind": "offer", "peer": "abc"}, content_type="application/json")
    assert response.status_code == 400
    assert "sdp" in {e["field"] for e in response.json()["errors"]}


def test_a_browser_session_needs_the_csrf_token(customer, consultation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    response = client.post(_url(consultation), {"kind": "hello", "peer": "abc"}, content_type="application/json")
    assert response.status_code == 403
