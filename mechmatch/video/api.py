"""The call's signalling endpoint: a party's browser posts here, the other party's page hears
it on its private event stream (see video.services)."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from mechmatch.accounts.auth import SignedInRequest, api_auth
from mechmatch.api_errors import StrictIn, fields_renamed
from mechmatch.api_schema import WholeNumber, object_errors
from mechmatch.video.services import MAX_CANDIDATE_CHARS, MAX_MID_CHARS, MAX_SDP_CHARS, Signal, consultation_signal_send

router = Router(tags=["video"], auth=api_auth)


class SignalIn(StrictIn):
    kind: Literal["hello", "offer", "answer", "candidate", "restart", "bye"]
    peer: str = Field(..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$", description="The sender's call id")
    sdp: str = Field(default="", max_length=MAX_SDP_CHARS)
    candidate: str = Field(default="", max_length=MAX_CANDIDATE_CHARS)
    sdpMid: str | None = Field(default=None, max_length=MAX_MID_CHARS)
    # The bounds on the number itself, so the schema states them inside its anyOf.
    sdpMLineIndex: WholeNumber | None = None  # its range is the service's rule (a 400 naming it)


class SignalOut(Schema):
    sent: bool
    role: str


# The service's field names as this API spells them.
_API_NAMES = {"sdp_mid": "sdpMid", "sdp_mline_index": "sdpMLineIndex"}


@router.post(
    "/consultations/{consultation_id}/signals",
    response={202: SignalOut, **object_errors(409)},
    summary="Relay a video-call signal (offer, answer, ICE candidate, hang-up) to the session's other party",
)
def consultation_signal(request: SignedInRequest, consultation_id: int, payload: SignalIn) -> Status:
    signal = Signal(
        kind=payload.kind,
        peer=payload.peer,
        sdp=payload.sdp,
        candidate=payload.candidate,
        sdp_mid=payload.sdpMid,
        sdp_mline_index=payload.sdpMLineIndex,
    )
    try:
        role = consultation_signal_send(user=request.user, consultation_id=consultation_id, signal=signal)
    except ValidationError as exc:
        raise fields_renamed(exc, _API_NAMES) from exc
    return Status(202, {"sent": True, "role": role})
