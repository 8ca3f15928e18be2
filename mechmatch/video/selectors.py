"""What a party's browser needs to place the call: the ICE servers (STUN and TURN from the
environment, TURN credentials minted for this person and session, good for a limited time)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from mechmatch.accounts.models import User
from mechmatch.core.turn import turn_credential_mint


def ice_servers_for(*, user: User, session_seconds: int | None, now: int | None = None) -> list[dict[str, Any]]:
    """RTCPeerConnection's `iceServers`. STUN URLs go as they are; TURN URLs carry a coturn
    shared-secret credential (when TURN_SECRET is set) that expires after the session's length
    plus TURN_CREDENTIAL_GRACE_SECONDS. An empty list means host candidates only: fine on one
    network, a relay is needed across most others."""
    urls = [u for u in settings.ICE_SERVERS if u]
    stun = [u for u in urls if u.startswith("stun:")]
    turn = [u for u in urls if u.startswith(("turn:", "turns:"))]
    servers: list[dict[str, Any]] = []
    if stun:
        servers.append({"urls": stun})
    if turn and settings.TURN_SECRET:
        ttl = (session_seconds or 3600) + int(settings.TURN_CREDENTIAL_GRACE_SECONDS)
        credential = turn_credential_mint(
            settings.TURN_SECRET, f"u{user.pk}", int(now if now is not None else time.time()), ttl
        )
        servers.append({"urls": turn, "username": credential.username, "credential": credential.credential})
    return servers


def ice_has_relay(servers: list[dict[str, Any]]) -> bool:
    return any(str(u).startswith(("turn:", "turns:")) for s in servers for u in s.get("urls", []))
