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


def median(values: Sequence[float]) -> float | None:
    """The nearest-rank P50 of unsorted values (an observed value, as every percentile here)."""
    return nearest_rank(sorted(values), 50)


def gini(values: Sequence[float]) -> float | None:
    """Gini coefficient of non-negative values: 0 when everyone has the same, towards 1 when
    one has everything. None for an empty sample or when everything is zero."""
    ordered = sorted(values)
    total = sum(ordered)
    if not ordered or total <= 0:
        return None
    n = len(ordered)
    weighted = sum((2 * i - n - 1) * v for i, v in enumerate(ordered, start=1))
    return weighted / (n * total)


def histogram(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """Counts of values in [edges[i], edges[i+1]); the last bin also takes everything above."""
    if len(edges) < 2:
        raise ValueError("a histogram needs at least two edges")
    counts = [0] * (len(edges) - 1)
    for value in values:
        if value < edges[0]:
            continue
        for i in range(len(counts) - 1, -1, -1):
            if value >= edges[i]:
                counts[i] += 1
                break
    return counts
