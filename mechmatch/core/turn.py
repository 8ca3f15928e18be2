"""TURN credentials in coturn's shared-secret REST scheme (``use-auth-secret``).

coturn accepts a username ``<expiry unix time>:<user id>`` whose password is
``base64(HMAC-SHA1(static-auth-secret, username))``; it refuses the pair once the
expiry has passed, so a credential handed to a browser is only good for one session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass


@dataclass(frozen=True)
class TurnCredential:
    username: str
    credential: str
    expires_at: int


def turn_credential_mint(secret: str, user_id: str, now: int, ttl_seconds: int) -> TurnCredential:
    """Mint a credential valid from ``now`` for ``ttl_seconds`` (all times in unix seconds)."""
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    if not secret:
        raise ValueError("secret must not be empty")
    expires_at = now + ttl_seconds
    username = f"{expires_at}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return TurnCredential(username, base64.b64encode(digest).decode("ascii"), expires_at)
