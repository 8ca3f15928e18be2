"""Signalling for the session's video call: the two parties' browsers exchange offers,
answers, ICE candidates and hang-ups through the server, each message delivered on the
other party's private event channel (the customer's request channel, the mechanic's own).

Nothing here touches media: the call itself is peer to peer (or through TURN), and the
server only relays small, bounded, typed messages between the two people of one session."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.dispatch import events
from mechmatch.dispatch.models import Consultation
from mechmatch.dispatch.services import DispatchError, NotFound
from mechmatch.journey.session_length import session_close_if_overdue

SIGNAL_EVENT = "rtc_signal"
SIGNAL_KINDS = ("hello", "offer", "answer", "candidate", "restart", "bye")
# A Chrome offer with audio, video and a dozen codecs is 5-8 kB; a candidate line ~200 chars.
MAX_SDP_CHARS = 16_000
MAX_CANDIDATE_CHARS = 1_000
MAX_MID_CHARS = 32
PEER_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")


@dataclass(frozen=True)
class Signal:
    kind: str
    peer: str
    sdp: str = ""
    candidate: str = ""
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None


def _signal_clean(signal: Signal) -> None:
    if signal.kind not in SIGNAL_KINDS:
        raise ValidationError({"kind": _("Unknown signal kind.")})
    if not PEER_RE.match(signal.peer or ""):
        raise ValidationError({"peer": _("The peer id must be 1 to 32 letters or digits.")})
    if signal.kind in ("offer", "answer"):
        if not signal.sdp:
            raise ValidationError({"sdp": _("An offer or an answer needs its session description.")})
        if len(signal.sdp) > MAX_SDP_CHARS:
            raise ValidationError({"sdp": _("The session description is too long.")})
    elif signal.sdp:
        raise ValidationError({"sdp": _("Only an offer or an answer carries a session description.")})
    if signal.kind == "candidate":
        if not signal.candidate or len(signal.candidate) > MAX_CANDIDATE_CHARS:
            raise ValidationError({"candidate": _("An ICE candidate line is required (at most 1000 characters).")})
        if signal.sdp_mid is not None and len(signal.sdp_mid) > MAX_MID_CHARS:
            raise ValidationError({"sdp_mid": _("The media id is too long.")})
        if signal.sdp_mline_index is not None and not 0 <= signal.sdp_mline_index <= 64:
            raise ValidationError({"sdp_mline_index": _("The media line index is out of range.")})
    elif signal.candidate:
        raise ValidationError({"candidate": _("Only a candidate signal carries a candidate line.")})


def consultation_signal_send(*, user: User, consultation_id: int, signal: Signal) -> str:
    """Relays one signalling message from one party of a live session to the other; returns
    the sender's role. Anyone else (operators included: they watch, they do not join the
    call) gets NotFound, and an ended session refuses new signals except a hang-up."""
    consultation = (
        Consultation.objects.filter(pk=consultation_id)
        .filter(Q(customer=user) | Q(mechanic__user=user))
        .select_related("mechanic", "request")
        .first()
    )
    if consultation is None:
        raise NotFound(_("Session not found."))
    _signal_clean(signal)
    if session_close_if_overdue(consultation) and signal.kind != "bye":
        raise DispatchError(_("This session has ended."))
    role = "mechanic" if consultation.mechanic.user_id == user.pk else "customer"
    payload: dict[str, object] = {
        "consultationId": consultation.pk,
        "from": role,
        "kind": signal.kind,
        "peer": signal.peer,
    }
    if signal.sdp:
        payload["sdp"] = signal.sdp
    if signal.kind == "candidate":
        payload.update(candidate=signal.candidate, sdpMid=signal.sdp_mid, sdpMLineIndex=signal.sdp_mline_index)
    recipient = (
        events.request_channel(consultation.request_id)
        if role == "mechanic"
        else events.mechanic_channel(consultation.mechanic_id)
    )
    events.publish(recipient, SIGNAL_EVENT, payload)
    return role
