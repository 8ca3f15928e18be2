"""A seeded discrete-event simulation of routing policies: the real core.ranking and the
dispatch rules over a synthetic demo city (pure Python; the `simulate` command wires it to
settings). Modules: model (data), behaviour (mechanics' answers), population (the city),
candidates and policies (matching and routing), engine (the event loop), stats, report."""

from mechmatch.core.simulation.engine import Engine, Scenario, run_policies
from mechmatch.core.simulation.model import POLICIES, DispatchRules, SearchStep

__all__ = ["POLICIES", "DispatchRules", "Engine", "Scenario", "SearchStep", "run_policies"]
