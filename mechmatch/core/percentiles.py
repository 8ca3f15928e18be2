"""Percentiles computed one way on every database (SQLite has no percentile function).

Method: nearest-rank. For a sorted sample of n values and a percentile p in (0, 100],
the result is the value at 1-based rank ceil(p / 100 * n). It always returns a value that
was observed, so a P90 of response times is a real response time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def nearest_rank(sorted_values: Sequence[float], percentile: float) -> float | None:
    """The nearest-rank percentile of already sorted values; None for an empty sample."""
    if not 0 < percentile <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {percentile}")
    if not sorted_values:
        return None
    rank = math.ceil(percentile / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


def share(part: int, whole: int) -> float | None:
    """part / whole as a fraction, None when there is nothing to divide by."""
    return part / whole if whole else None
