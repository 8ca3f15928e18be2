"""How mechanics answer offers in a simulation. A decision depends only on (seed, mechanic,
request, offer kind), never on the order events happen in, so every policy meets the same
mechanics in the same mood (common random numbers: policy differences are not noise)."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable

from mechmatch.core.simulation.model import Decision, SimMechanic

DecideFn = Callable[[SimMechanic, int, str, int], Decision]


def stable_unit(*parts: object) -> float:
    """A number in [0, 1) from the parts, the same on every run, machine and Python."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def stable_rng(*parts: object) -> random.Random:
    return random.Random(int(stable_unit(*parts) * 2**53))


def drawn_decision(mechanic: SimMechanic, request_key: int, kind: str, seed: int) -> Decision:
    """The default behaviour: the mechanic's own accept/decline chances for this kind of
    offer, and a lognormal answer time around their median (sigma 0.6)."""
    rng = stable_rng(seed, mechanic.id, request_key, kind)
    accept = mechanic.accept_exclusive if kind == "exclusive" else mechanic.accept_broadcast
    roll = rng.random()
    delay = mechanic.response_median_seconds * math.exp(rng.gauss(0.0, 0.6))
    if roll < accept:
        return Decision("accept", delay)
    if roll < accept + mechanic.decline:
        return Decision("decline", delay)
    return Decision("ignore")


def hashed_decision(mechanic_id: int, request_key: int, *, salt: str = "agreement") -> Decision:
    """A fixed decision per (mechanic, request), shared by the agreement test's real run and
    its simulated run: 30% accept, 25% decline, 45% ignore, answering after 20 to 280 s
    (inside every window, so only an ignore lapses)."""
    roll = stable_unit(salt, mechanic_id, request_key)
    delay = 20.0 + 260.0 * stable_unit(salt, "delay", mechanic_id, request_key)
    if roll < 0.30:
        return Decision("accept", delay)
    if roll < 0.55:
        return Decision("decline", delay)
    return Decision("ignore")


def hashed(salt: str = "agreement") -> DecideFn:
    """hashed_decision as an engine behaviour."""

    def decide(mechanic: SimMechanic, request_key: int, kind: str, seed: int) -> Decision:
        return hashed_decision(mechanic.id, request_key, salt=salt)

    return decide
