"""Compare routing policies before trying them on customers: a seeded discrete-event
simulation of a demo city (mechmatch/core/simulation) with the real ranking and this
deployment's dispatch rules. Reads no database and writes none.

    manage.py simulate --hours 24 --mechanics 1000 --policies selected,smart_broadcast,broadcast
    manage.py simulate --json | jq '.policies.smart_broadcast.fallback_rate'
    manage.py simulate --policy-override distance_max_local=20 --svg var/sim.svg
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mechmatch.core.simulation import POLICIES
from mechmatch.core.simulation.population import CITIES, PopulationParams, generate
from mechmatch.core.simulation.report import compare, svg, table
from mechmatch.dispatch.simulation import dispatch_rules, policy_with_overrides
from mechmatch.mechanics.seeding import BRAND_SERVICE, BRAND_WEIGHTS


class Command(BaseCommand):
    help = "Simulate routing policies over a demo city and compare their figures side by side."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hours", type=float, default=24.0, help="Simulated hours of arrivals.")
        parser.add_argument("--mechanics", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=settings.DEMO_SEED)
        parser.add_argument("--city", default="toronto", choices=sorted(CITIES))
        parser.add_argument(
            "--policies", default=",".join(POLICIES), help=f"Comma-separated, from: {', '.join(POLICIES)}."
        )
        parser.add_argument(
            "--policy-override", action="append", default=[], metavar="NAME=VALUE",
            help="A ScoringPolicy weight for this run (repeatable).",
        )  # fmt: skip
        parser.add_argument(
            "--requests-per-mechanic-day", type=float, default=PopulationParams.requests_per_mechanic_day
        )
        parser.add_argument("--bootstrap", type=int, default=400, help="Bootstrap resamples for the intervals.")
        parser.add_argument("--workers", type=int, default=1, help="Processes to run policies side by side.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--svg", type=Path, help="Write an SVG chart of the comparison to this path.")

    def handle(self, *args: Any, **options: Any) -> None:
        routings = [p.strip() for p in options["policies"].split(",") if p.strip()]
        unknown = [p for p in routings if p not in POLICIES]
        if unknown or not routings:
            raise CommandError(
                f"--policies: unknown {', '.join(unknown) or '(none)'}; choose from {', '.join(POLICIES)}"
            )
        if options["hours"] <= 0 or options["mechanics"] <= 0 or options["workers"] <= 0:
            raise CommandError("--hours, --mechanics and --workers must be positive.")
        try:
            policy = policy_with_overrides(options["policy_override"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        params = PopulationParams(
            mechanics=options["mechanics"],
            hours=options["hours"],
            city=options["city"],
            requests_per_mechanic_day=options["requests_per_mechanic_day"],
        )
        started = time.perf_counter()
        scenario = generate(params, seed=options["seed"], brand_weights=BRAND_WEIGHTS, brand_service=BRAND_SERVICE)
        generated = time.perf_counter()
        results, cpu = compare(
            scenario,
            routings,
            rules=dispatch_rules(),
            policy=policy,
            resamples=options["bootstrap"],
            workers=options["workers"],
        )
        finished = time.perf_counter()
        timing = {
            "generate": round(generated - started, 3),
            "simulate_and_report": round(finished - generated, 3),
            "total": round(finished - started, 3),
            "cpu_per_policy": cpu,
        }
        output = {
            "scenario": {
                **scenario.meta,
                "seed": scenario.seed,
                "hours": scenario.hours,
                "mechanics": len(scenario.mechanics),
                "requests": len(scenario.arrivals),
                "scoring_policy": policy.name,
                "overrides": options["policy_override"],
            },
            "policies": results,
            "wall_seconds": timing,
        }
        if options["svg"]:
            options["svg"].parent.mkdir(parents=True, exist_ok=True)
            title = (
                f"Routing policies, {scenario.meta['city']}, {len(scenario.mechanics)} mechanics, seed {scenario.seed}"
            )
            options["svg"].write_text(svg(results, title=title), encoding="utf-8")
        if options["json"]:
            self.stdout.write(json.dumps(output, indent=2))
            return
        meta = output["scenario"]
        self.stdout.write(
            f"{meta['city']}: {meta['mechanics']} mechanics, {meta['requests']} requests over {meta['hours']:g} h, "
            f"seed {meta['seed']}, scoring policy {meta['scoring_policy']}"
        )
        self.stdout.write(table(results))
        per_policy = ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())
        self.stdout.write(
            f"wall time: {timing['total']:.2f} s (generate {timing['generate']:.2f}, "
            f"simulate and report {timing['simulate_and_report']:.2f}); CPU s per policy: {per_policy}"
        )
        if options["svg"]:
            self.stdout.write(f"chart: {options['svg']}")
        sys.stdout.flush()
