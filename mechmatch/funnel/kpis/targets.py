"""The plan's SUCCESS METRICS targets (spec/matching-plan.md), in one place: the dashboard
shows each beside its figure and says whether it is met."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Goal(StrEnum):
    AT_LEAST = "at_least"  # the figure must reach the value
    BELOW = "below"  # the figure must stay under the value
    ABOUT = "about"  # an expected share, neither good nor bad when missed
    RISE_BY = "rise_by"  # relative rise against the previous period (0.3 = +30%)
    DROP_BY = "drop_by"  # relative drop against the previous period (0.4 = -40%)
    RISE_BY_POINTS = "rise_by_points"  # absolute rise against the previous period


@dataclass(frozen=True)
class Target:
    value: float
    goal: Goal

    def met(self, current: float | None, previous: float | None = None) -> bool | None:
        """None when it cannot be told (no figure, or no previous figure for a change)."""
        if current is None:
            return None
        if self.goal == Goal.AT_LEAST:
            return current >= self.value
        if self.goal == Goal.BELOW:
            return current < self.value
        if self.goal == Goal.ABOUT or previous is None:
            return None
        if self.goal == Goal.RISE_BY_POINTS:
            return current - previous >= self.value
        if previous == 0:
            return None
        change = (current - previous) / previous
        return change >= self.value if self.goal == Goal.RISE_BY else change <= -self.value


TARGETS: dict[str, Target] = {
    # Matching quality (shares of the customers' choices / of requests)
    "top_match": Target(0.85, Goal.AT_LEAST),
    "alternative": Target(0.12, Goal.ABOUT),
    "favourite": Target(0.03, Goal.ABOUT),
    "fallback_broadcast": Target(0.05, Goal.BELOW),
    "chosen_score_mean": Target(120, Goal.AT_LEAST),
    # Performance
    "intake_to_start_p50": Target(180, Goal.BELOW),  # seconds
    "intake_to_start_p90": Target(180, Goal.BELOW),
    "preview_api_p50": Target(500, Goal.BELOW),  # milliseconds
    "preview_api_p95": Target(500, Goal.BELOW),
    "preview_load_p50": Target(2000, Goal.BELOW),  # milliseconds
    "preview_load_p90": Target(2000, Goal.BELOW),
    # Business impact and retention
    "repeat_booking": Target(0.50, Goal.AT_LEAST),
    "favourites_adoption": Target(0.40, Goal.AT_LEAST),
    "churn_after_first": Target(0.40, Goal.DROP_BY),
    "ltv_cents": Target(20_000, Goal.AT_LEAST),
    "nps": Target(20, Goal.RISE_BY_POINTS),
    "utilisation": Target(0.30, Goal.RISE_BY),
}
