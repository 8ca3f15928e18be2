"""How long a worker waits after a transient failure (the database or the broker gone for a
moment): capped exponential backoff with full jitter, so restarted workers do not retry in
step and hammer a database that is coming back."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def next_delay(self) -> float:
        """Record a failure; the wait before the next try is uniform in [0, ceiling], the
        ceiling doubling from `base_seconds` per consecutive failure up to `cap_seconds`."""
        ceiling = self.ceiling()
        self.failures += 1
        return float(self.rng.uniform(0, ceiling))

    def ceiling(self) -> float:
        """The most the next delay can be."""
        return min(self.cap_seconds, self.base_seconds * 2.0 ** min(self.failures, 30))

    def reset(self) -> None:
        """A success: the next failure starts from `base_seconds` again."""
        self.failures = 0
