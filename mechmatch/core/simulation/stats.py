"""Small statistics for the simulator's report: percentiles (nearest rank, as the KPI
dashboard computes them), a seeded bootstrap interval, and the Gini coefficient."""

from __future__ import annotations

import random
from collections.abc import Sequence

from mechmatch.core.percentiles import nearest_rank


def percentile(values: Sequence[float], p: float) -> float | None:
    return nearest_rank(sorted(values), p)


def bootstrap_ci(
    values: Sequence[float], p: float, *, seed: int, resamples: int = 400, level: float = 0.95
) -> tuple[float, float] | None:
    """A percentile bootstrap interval for the p-th percentile: resample with replacement,
    take the percentile of each resample, keep the middle `level` of those. Seeded, so the
    same run prints the same interval."""
    if not values or resamples <= 0:
        return None
    rng = random.Random(seed)
    n = len(values)
    data = list(values)
    estimates = sorted(nearest_rank(sorted(rng.choices(data, k=n)), p) or 0.0 for _ in range(resamples))
    tail = (1 - level) / 2 * 100
    low = nearest_rank(estimates, max(tail, 1e-9))
    high = nearest_rank(estimates, 100 - tail)
    assert low is not None and high is not None
    return low, high


def gini(values: Sequence[float]) -> float | None:
    """0 when everyone has the same, towards 1 when one has everything; None when there is
    nobody or nothing to share."""
    xs = sorted(max(0.0, v) for v in values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return None
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return (2 * weighted) / (n * total) - (n + 1) / n
