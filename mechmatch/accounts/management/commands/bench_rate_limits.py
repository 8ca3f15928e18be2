"""What a rate limit costs a request: N keyword extractions through the API with the limit
off, then on (at a rate too high to refuse any), alternating. The counts are in the
database (mechmatch.throttles). Each request comes from a new address, as the worst case:
every one inserts a new count and reads a window that is not there."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client, override_settings


class Command(BaseCommand):
    help = "Measure the latency a rate limit adds to an API request (p50/p95 ms, limit off vs on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=500)
        parser.add_argument("--rounds", type=int, default=2)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        count, results = options["requests"], []
        backend = connection.vendor
        for round_number in range(options["rounds"]):
            for limited in (False, True):
                limits = {"keywords": "1000000/min"} if limited else {}
                p50, p95 = self._measure(count, limits, subnet=round_number % 250)
                results.append({"limited": limited, "p50Ms": round(p50, 2), "p95Ms": round(p95, 2)})
                state = "on " if limited else "off"
                self.stdout.write(
                    f"{backend}: rate limit {state} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms ({count} requests)"
                )
        if options["json"]:
            self.stdout.write(json.dumps({"database": backend, "requests": count, "results": results}))

    def _measure(self, count: int, limits: dict[str, str], subnet: int) -> tuple[float, float]:
        client, timings = Client(), []
        with override_settings(RATE_LIMITS=limits):
            for n in range(count):
                started = time.perf_counter()
                response = client.post(
                    "/api/keywords/extract",
                    {"description": "brakes squeal"},
                    content_type="application/json",
                    REMOTE_ADDR=f"10.{subnet}.{n // 250 % 250}.{n % 250}",
                )
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"request {n} answered {response.status_code}")
        return statistics.median(timings), sorted(timings)[int(len(timings) * 0.95)]
