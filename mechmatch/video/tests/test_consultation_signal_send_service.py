from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mechmatch.dispatch.events import mechanic_channel, request_channel
from mechmatch.dispatch.models import Offer, StreamEvent
from mechmatch.dispatch.services import DispatchError, NotFound, consultation_end, offer_accept
from mechmatch.dispatch.tests.factories import request_for
from mechmatch.video.services import MAX_SDP_CHARS, SIGNAL_EVENT, Signal, consultation_signal_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(customer, mechanic):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    return offer_accept(mechanic=mechanic, offer_id=Offer.objects.get(request=request).pk)


def _signals(channel: str) -> list[dict]:
    return [e.payload for e in StreamEvent.objects.filter(channel=channel, kind=SIGNAL_EVENT).order_by("id")]


def test_a_customer_signal_reaches_only_the_mechanic_channel(customer, mechanic, consultation):
    role = consultation_signal_send(
        user=customer.user, consultation_id=consultation.pk, signal=Signal("offer", "abc123", sdp="v=0")
    )
    assert role == "customer"
    assert _signals(mechanic_channel(mechanic.pk)) == [
        {"consultationId": consultation.pk, "from": "customer", "kind": "offer", "peer": "abc123", "sdp": "v=0"}
    ]
    assert _signals(request_channel(consultation.request_id)) == []


def test_a_mechanic_candidate_reaches_only_the_customer_channel(mechanic, consultation):
    signal = Signal("candidate", "m1", candidate="candidate:1 1 udp 1 10.0.0.1 5000 typ host", sdp_mid="0")
    consultation_signal_send(user=mechanic.user, consultation_id=consultation.pk, signal=signal)
    [payload] = _signals(request_channel(consultation.request_id))
    assert (payload["from"], payload["candidate"], payload["sdpMid"]) == ("mechanic", signal.candidate, "0")
    assert _signals(mechanic_channel(mechanic.pk)) == []


@pytest.mark.parametrize("who", ["outsider", "operator"])
def test_anyone_but_the_two_parties_is_told_the_session_does_not_exist(request, who, consultation):
    user = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        consultation_signal_send(user=user, consultation_id=consultation.pk, signal=Signal("hello", "x"))
    assert not StreamEvent.objects.filter(kind=SIGNAL_EVENT).exists()


@pytest.mark.parametrize(
    ("signal", "field"),
    [
        (Signal("dance", "x"), "kind"),
        (Signal("hello", "not a peer!"), "peer"),
        (Signal("offer", "x"), "sdp"),
        (Signal("answer", "x", sdp="v" * (MAX_SDP_CHARS + 1)), "sdp"),
        (Signal("hello", "x", sdp="v=0"), "sdp"),
        (Signal("candidate", "x"), "candidate"),
        (Signal("bye", "x", candidate="candidate:1"), "candidate"),
    ],
)
def test_malformed_signals_are_refused_naming_the_field(customer, consultation, signal, field):
    with pytest.raises(ValidationError) as caught:
        consultation_signal_send(user=customer.user, consultation_id=consultation.pk, signal=signal)
    assert field in caught.value.message_dict


def test_an_ended_session_takes_a_hang_up_but_no_new_call(customer, consultation):
    consultation_end(user=customer.user, consultation_id=consultation.pk)
    with pytest.raises(DispatchError):
        consultation_signal_send(user=customer.user, consultation_id=consultation.pk, signal=Signal("hello", "x"))
    consultation_signal_send(user=customer.user, consultation_id=consultation.pk, signal=Signal("bye", "x"))
