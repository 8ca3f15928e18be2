"""Which ScoringPolicy weights may be overridden, and with what (pure Python).

The one home of the rule, for every caller that turns outside input into a policy variant:
the routing simulator's `--policy-override name=value`, and an experiment's treatment arm
(the admin form and the model's clean go through experiments.services). A bad override
raises OverrideError naming the weight, so each caller can show it against its own field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from mechmatch.core.ranking import ScoringPolicy

# Inclusive bounds per weight. Points are on a roughly 0-100 scale, so 1000 is already a
# weight that drowns every other factor: enough room for an experiment to be bold, not
# enough for a typo (an extra zero or two) to produce nonsense scores.
POINTS = (0.0, 1000.0)
_BOUNDS: dict[str, tuple[float, float]] = {
    "seen_recently_minutes": (0.0, 24 * 60.0),
    "rating_prior_mean": (0.0, 5.0),
    "rating_prior_weight": (0.0, 10_000.0),
    # The rating is mapped floor..5 onto 0..max: a floor of 5 would divide by zero.
    "rating_floor": (0.0, 4.9),
    "local_radius_km": (0.0, 20_000.0),
    "new_mechanic_days": (0.0, 3650.0),
    "new_mechanic_max_sessions": (0.0, 100_000.0),
}
# Divisors of the decay curves and the log scale: zero would divide by zero.
_POSITIVE: dict[str, tuple[float, float]] = {
    "experience_scale_years": (0.1, 100.0),
    "distance_scale_local_km": (0.1, 20_000.0),
    "distance_scale_remote_km": (0.1, 20_000.0),
    "response_half_life_seconds": (1.0, 86_400.0),
    "sessions_cap": (1.0, 1_000_000.0),
}


class OverrideError(ValueError):
    """A refused override; `weight` is the name it was given under (possibly not a weight)."""

    def __init__(self, weight: str, message: str) -> None:
        super().__init__(f"{weight}: {message}")
        self.weight = weight
        self.reason = message


def _numeric_fields() -> dict[str, type]:
    # `name` is a label, not a weight; every other field is a number (int or float).
    return {f.name: (int if f.type in ("int", int) else float) for f in fields(ScoringPolicy) if f.name != "name"}


NUMERIC_FIELDS: dict[str, type] = _numeric_fields()


def bounds(weight: str) -> tuple[float, float]:
    return _POSITIVE.get(weight) or _BOUNDS.get(weight) or POINTS


def override_value(weight: str, value: Any) -> float | int:
    """The value as the weight's own type, or OverrideError: an unknown name, a value that is
    not a finite number (booleans and numeric strings included: JSON `true` or `"20"` is a
    slip, not a weight), a fraction for a whole-number weight, or out of its bounds."""
    kind = NUMERIC_FIELDS.get(weight)
    if kind is None:
        raise OverrideError(weight, "ScoringPolicy has no such weight")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OverrideError(weight, f"{value!r} is not a number")
    if not math.isfinite(value):
        raise OverrideError(weight, f"{value!r} is not a finite number")
    number: float | int = float(value)
    if kind is int:
        if number != int(number):
            raise OverrideError(weight, f"{value!r} is not a whole number")
        number = int(number)
    low, high = bounds(weight)
    if not low <= number <= high:
        raise OverrideError(weight, f"{number:g} is outside {low:g}..{high:g}")
    return number


def overrides_clean(overrides: Any) -> dict[str, float | int]:
    """A mapping of {weight: number} checked weight by weight (sorted, so the first error
    reported is always the same one)."""
    if not isinstance(overrides, Mapping):
        raise OverrideError("overrides", 'write an object of {"weight": number}')
    return {str(name): override_value(str(name), overrides[name]) for name in sorted(overrides, key=str)}


def overrides_from_text(pairs: Iterable[str]) -> dict[str, float | int]:
    """`name=value` pairs (the simulator's command line), numbers parsed, then the same checks."""
    parsed: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            raise OverrideError(pair, "write name=value")
        try:
            parsed[name] = float(raw)  # whole-number weights take "3" or "3.0" alike
        except ValueError:
            parsed[name] = raw  # refused below, with the weight's name
    return overrides_clean(parsed)
