"""Benchmark the matching preview against a straight port of the source algorithm.

WIPES the database named by DATABASE_URL (flush, then seed each size). It therefore refuses
to run unless that database's name contains "bench" or --yes is given. Use your own database:

    DATABASE_URL=sqlite:///$PWD/var/bench_matching.sqlite3 python manage.py bench_matching \
        --mechanics 10000,100000 --queries 300 --json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_matching python manage.py bench_matching ...

For every size it seeds demo mechanics, then times POST /api/matching/preview end to end
(Django test client: middleware, URL routing, ninja parsing, the service, JSON rendering) for
random customers at real postal areas across Canada and the US, weighted by population, and
times the naive port (load every approved mechanic, score all, sort) on the same data and
the same queries. The naive run is capped (--naive-queries) because at large sizes each
query takes seconds.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from mechmatch.core.brands import normalize_brand
from mechmatch.core.concerns import extract_keywords
from mechmatch.core.geo import postal_areas
from mechmatch.core.ranking import RequestType
from mechmatch.matching.naive import NaiveCriteria, find_matching_mechanics
from mechmatch.mechanics.seeding import BRAND_WEIGHTS, CANADA_SHARE, DemoSeeder

CONCERNS = (
    "Brakes squeal when I stop and the pedal feels soft",
    "Check engine light came on, code P0420",
    "Car won't start, just clicks. Battery is new",
    "Transmission slipping between 2nd and 3rd gear",
    "AC blows warm air since last week",
    "Need my iDrive coded after a retrofit",
    "Le voyant moteur est allumé et le moteur tremble",
    "Grinding noise from the front wheel when turning",
    "Want a pre-purchase inspection on a used car I am buying",
    "Install a remote starter before winter",
    "Coolant leak and the temperature gauge goes high",
    "Hybrid system warning and reduced power",
)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: simple, and honest for a few hundred samples."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Command(BaseCommand):
    help = "Benchmark /api/matching/preview vs the naive port. WIPES the DATABASE_URL database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mechanics", default="10000,100000", help="Comma-separated sizes to seed and measure.")
        parser.add_argument("--queries", type=int, default=300, help="Preview requests per size.")
        parser.add_argument(
            "--naive-queries",
            type=int,
            default=None,
            help="Naive queries per size (default: 50 up to 10k mechanics, 20 above, at most --queries).",
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--json", action="store_true", help="Print the results as one JSON line at the end.")
        parser.add_argument("--yes", action="store_true", help="Wipe the database even if its name lacks 'bench'.")
        parser.add_argument("--skip-seed", action="store_true", help="Measure the data already present (one size).")
        parser.add_argument(
            "--explain",
            type=int,
            default=0,
            metavar="N",
            help="After timing, re-run the N slowest requests and print the plan of each one's slowest query "
            "(EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = [int(s.replace("_", "")) for s in str(options["mechanics"]).split(",") if s.strip()]
        if not sizes or any(n < 1 for n in sizes):
            raise CommandError("--mechanics takes positive sizes, e.g. 10000,100000")
        db_name = str(settings.DATABASES["default"]["NAME"])
        if not options["skip_seed"] and "bench" not in db_name.lower() and not options["yes"]:
            raise CommandError(
                f"bench_matching wipes the database it runs in ({db_name}). Point DATABASE_URL at a database "
                "whose name contains 'bench' (e.g. var/bench_matching.sqlite3), or pass --yes."
            )
        self.stdout.write(f"Benchmark database: {connection.vendor} {db_name} (its data is replaced).")
        call_command("migrate", interactive=False, verbosity=0)

        results = []
        for size in sizes:
            if not options["skip_seed"]:
                self._seed(size, options["seed"])
            naive_n = options["naive_queries"]
            if naive_n is None:
                naive_n = 50 if size <= 10_000 else 20
            naive_n = min(naive_n, options["queries"])
            results.append(self._measure(size, options["queries"], naive_n, options["seed"], options["explain"]))

        self._table(results)
        if options["json"]:
            self.stdout.write(json.dumps({"sizes": results}))

    def _seed(self, size: int, seed: int) -> None:
        started = time.perf_counter()
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            DemoSeeder(seed=seed).run(mechanics=size, customers=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a live database would have
        self.stdout.write(f"Seeded {size:,} mechanics in {time.perf_counter() - started:.1f} s")

    def _queries(self, count: int, seed: int) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        areas = {country: postal_areas(country) for country in ("CA", "US")}
        weights = {country: [a.weight for a in rows] for country, rows in areas.items()}
        brands = list(BRAND_WEIGHTS)
        queries = []
        for _ in range(count):
            country = "CA" if rng.random() < CANADA_SHARE else "US"
            area = rng.choices(areas[country], weights=weights[country])[0]
            make = rng.choices(brands, weights=list(BRAND_WEIGHTS.values()))[0]
            specialist = rng.random() < 0.15
            queries.append(
                {
                    "concern": rng.choice(CONCERNS),
                    "vehicle": {"make": make, "model": "", "year": rng.randint(2008, 2025)},
                    "requestType": RequestType.BRAND_SPECIALIST if specialist else RequestType.GENERAL,
                    "requestedBrand": make if specialist else None,
                    "customerCountry": country,
                    "customerPostalCode": area.code,
                    "preferLocalMechanic": rng.random() < 0.85,
                }
            )
        return queries

    # One client sending hundreds of previews a minute: the rate limit would answer most of them.
    @override_settings(RATE_LIMITS={})
    def _measure(self, size: int, count: int, naive_count: int, seed: int, explain: int = 0) -> dict[str, Any]:
        queries = self._queries(count, seed + size)
        client = Client()
        for body in queries[:5]:  # warm caches (geo tables, code paths); not timed
            client.post("/api/matching/preview", json.dumps(body), content_type="application/json")

        timings, cpu, failures = [], [], 0
        for body in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post("/api/matching/preview", json.dumps(body), content_type="application/json")
            timings.append((time.perf_counter() - started) * 1000)
            # This process's CPU time: on a shared machine it shows the cost without other load's
            # queueing (on SQLite it includes the database work; on PostgreSQL it does not).
            cpu.append((time.process_time() - started_cpu) * 1000)
            failures += response.status_code != 200

        if explain:
            slowest = sorted(range(len(queries)), key=lambda i: -timings[i])[:explain]
            self._explain(client, [queries[i] for i in slowest], [timings[i] for i in slowest])

        naive = []
        for body in queries[:naive_count]:
            criteria = NaiveCriteria(
                request_type=body["requestType"],
                requested_brand=normalize_brand(body["requestedBrand"] or body["vehicle"]["make"]),
                extracted_keywords=extract_keywords(body["concern"]),
                customer_country=body["customerCountry"],
                customer_postal_code=body["customerPostalCode"],
                prefer_local_mechanic=body["preferLocalMechanic"],
            )
            started = time.perf_counter()
            find_matching_mechanics(criteria)
            naive.append((time.perf_counter() - started) * 1000)

        p50, p95 = percentile(timings, 50), percentile(timings, 95)
        naive_p50, naive_p95 = percentile(naive, 50), percentile(naive, 95)
        return {
            "mechanics": size,
            "queries": count,
            "failures": failures,
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "mean_ms": round(statistics.fmean(timings), 2),
            "cpu_p50_ms": round(percentile(cpu, 50), 2),
            "cpu_p95_ms": round(percentile(cpu, 95), 2),
            "naive_queries": naive_count,
            "naive_p50_ms": round(naive_p50, 1),
            "naive_p95_ms": round(naive_p95, 1),
            # Typical cost against typical cost: the ratio of medians.
            "speedup": round(naive_p50 / p50, 1) if p50 > 0 else None,
            "database": connection.vendor,
        }

    def _explain(self, client: Client, bodies: list[dict[str, Any]], timings: list[float]) -> None:
        """The plan of the slowest SQL statement of each of these requests, run again (warm)."""
        for body, elapsed in zip(bodies, timings, strict=True):
            with CaptureQueriesContext(connection) as captured:
                client.post("/api/matching/preview", json.dumps(body), content_type="application/json")
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            self.stdout.write(
                f"\n--- {elapsed:.1f} ms: {body['requestType']} {body['requestedBrand'] or ''} at "
                f"{body['customerCountry']} {body['customerPostalCode']}; {len(captured.captured_queries)} queries, "
                f"slowest {float(slowest['time']) * 1000:.1f} ms on the re-run"
            )
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            with connection.cursor() as cursor:
                cursor.execute(prefix + slowest["sql"])
                for row in cursor.fetchall():
                    line = row[0] if connection.vendor == "postgresql" else "  " * int(row[1] > 0) + str(row[-1])
                    self.stdout.write(line if len(line) <= 160 else line[:157] + "...")

    def _table(self, results: list[dict[str, Any]]) -> None:
        header = (
            f"{'mechanics':>10} {'p50 ms':>8} {'p95 ms':>8} {'naive p50':>10} {'naive p95':>10} {'speedup':>8}"
            f" {'cpu p95':>8}"
        )
        self.stdout.write(header)
        for r in results:
            self.stdout.write(
                f"{r['mechanics']:>10,} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['naive_p50_ms']:>10.1f} "
                f"{r['naive_p95_ms']:>10.1f} {r['speedup']:>7}x {r['cpu_p95_ms']:>8.1f}"
                + (f"  ({r['failures']} failed requests)" if r["failures"] else "")
            )
        self.stdout.write(
            f"Preview: {results[0]['queries']} requests per size through the API. Naive port: "
            + ", ".join(f"{r['naive_queries']} at {r['mechanics']:,}" for r in results)
            + " queries (capped: it loads every mechanic each time)."
        )
