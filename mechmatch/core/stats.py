"""Statistics for comparing experiment arms (pure Python, no scipy).

- `wilson_interval`: the Wilson score interval of a rate (sound near 0% and 100% and for
  small samples, unlike the normal approximation).
- `bootstrap_percentile_interval`: a seeded percentile-bootstrap interval for a percentile
  (P50, P90) computed by nearest rank, as everywhere else (core.percentiles).
- `sample_ratio_mismatch`: Pearson's chi-square test of the arms' counts against the
  intended split; a tiny p-value means the assignment or the logging is broken.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from mechmatch.core.percentiles import nearest_rank

Z_95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Interval:
    estimate: float | None
    low: float | None
    high: float | None


def wilson_interval(successes: int, trials: int, *, z: float = Z_95) -> Interval:
    """The rate successes/trials with its Wilson score interval; all None without trials."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes}/{trials}")
    if trials == 0:
        return Interval(None, None, None)
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high)


def bootstrap_percentile_interval(
    values: Sequence[float],
    percentile: float,
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """The sample's nearest-rank percentile and a percentile-bootstrap interval around it.
    The same seed gives the same interval."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    ordered = sorted(values)
    estimate = nearest_rank(ordered, percentile)
    if not ordered:
        return Interval(None, None, None)
    rng = random.Random(seed)
    n = len(ordered)
    estimates = sorted(
        float(nearest_rank(sorted(rng.choices(ordered, k=n)), percentile) or 0.0) for _ in range(resamples)
    )
    tail = (1 - confidence) / 2 * 100
    low = nearest_rank(estimates, max(tail, 100 / resamples))
    high = nearest_rank(estimates, 100 - tail)
    return Interval(estimate, low, high)


def chi_square_survival(statistic: float, dof: int) -> float:
    """P(X >= statistic) for a chi-square variable with `dof` degrees of freedom, in closed
    form for integer dof (dof 1: erfc(sqrt(x/2)); dof 2: exp(-x/2); higher by the series)."""
    if dof < 1:
        raise ValueError("dof must be at least 1")
    if statistic <= 0:
        return 1.0
    half = statistic / 2
    if dof % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, dof // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    total = math.erfc(math.sqrt(half))
    if dof > 1:
        term = math.sqrt(statistic) * math.sqrt(2 / math.pi) * math.exp(-half)
        series = term
        for i in range(1, (dof - 1) // 2):
            term *= statistic / (2 * i + 1)
            series += term
        total += series
    return min(1.0, total)


@dataclass(frozen=True, slots=True)
class SrmResult:
    statistic: float
    dof: int
    p_value: float

    def mismatch(self, alpha: float = 0.001) -> bool:
        return self.p_value < alpha


def sample_ratio_mismatch(observed: Sequence[int], expected_shares: Sequence[float]) -> SrmResult:
    """Pearson's chi-square of the arms' counts against their intended shares (any scale:
    10/10 and 0.5/0.5 are the same split)."""
    if len(observed) != len(expected_shares) or len(observed) < 2:
        raise ValueError("need one intended share per arm, at least two arms")
    if any(s <= 0 for s in expected_shares) or any(o < 0 for o in observed):
        raise ValueError("shares must be positive and counts non-negative")
    total = sum(observed)
    if total == 0:
        return SrmResult(0.0, len(observed) - 1, 1.0)
    scale = sum(expected_shares)
    statistic = 0.0
    for count, share in zip(observed, expected_shares, strict=True):
        expected = total * share / scale
        statistic += (count - expected) ** 2 / expected
    dof = len(observed) - 1
    return SrmResult(statistic, dof, chi_square_survival(statistic, dof))
