"""Deterministic experiment arms (pure Python).

A customer's bucket is sha256(name, salt, unit id) reduced to 0..9999, so it is the same
on every device and every call. Arms take buckets from opposite ends: treatment from the
bottom (0 up to its share), control from the top (down from 9999). Growing either share
only takes buckets from the unenrolled middle, so nobody ever moves from one arm to the
other; shrinking a share sends the customers at its edge back to "not enrolled" only.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

BUCKETS = 10_000
TREATMENT = "treatment"
CONTROL = "control"
ARMS = (TREATMENT, CONTROL)


def bucket(name: str, salt: str, unit_id: int | str) -> int:
    """The unit's bucket in 0..BUCKETS-1 for this experiment and salt."""
    digest = hashlib.sha256(f"{name}\x1f{salt}\x1f{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def share_buckets(percent: Decimal | float | int) -> int:
    """How many buckets a share in percent covers (0.01% resolution, rounded down)."""
    value = Decimal(str(percent))
    if value < 0 or value > 100:
        raise ValueError(f"a share is a percentage in 0..100, got {percent}")
    return int(value * BUCKETS / 100)


def arm_for_bucket(
    position: int, *, treatment_percent: Decimal | float, control_percent: Decimal | float
) -> str | None:
    """The arm of a bucket: treatment at the bottom, control at the top, None between."""
    if not 0 <= position < BUCKETS:
        raise ValueError(f"bucket out of range: {position}")
    treatment, control = share_buckets(treatment_percent), share_buckets(control_percent)
    if treatment + control > BUCKETS:
        raise ValueError("the arms' shares add up to more than 100%")
    if position < treatment:
        return TREATMENT
    if position >= BUCKETS - control:
        return CONTROL
    return None


def arm_for(
    name: str, salt: str, unit_id: int | str, *, treatment_percent: Decimal | float, control_percent: Decimal | float
) -> str | None:
    return arm_for_bucket(
        bucket(name, salt, unit_id), treatment_percent=treatment_percent, control_percent=control_percent
    )
