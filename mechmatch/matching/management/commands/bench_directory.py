"""Benchmark the directory (Browse & select) over every sort and filter combination.

WIPES the database named by DATABASE_URL unless --skip-seed is given (then it measures the
mechanics already there), so like bench_matching it refuses a database whose name lacks
"bench" without --yes:

    DATABASE_URL=sqlite:///$PWD/var/bench_directory.sqlite3 python manage.py bench_directory \
        --mechanics 100000 --queries 40 --json

Each combination (sort x filter x with/without a location) runs --queries calls of
`mechanic_directory_list`, the service both the page and GET /api/mechanics call, for
customers at random real postal areas weighted by population; it prints p50/p95 in ms per
combination and the worst p95.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from mechmatch.core.geo import postal_areas
from mechmatch.core.percentiles import nearest_rank
from mechmatch.matching.services import DIRECTORY_SORTS, mechanic_directory_list
from mechmatch.mechanics.seeding import CANADA_SHARE, DemoSeeder

FILTERS: dict[str, dict[str, Any]] = {
    "none": {},
    "brand": {"brand": "BMW"},
    "service": {"service": "brakes"},
    "min_rating": {"min_rating": 4.5},
    "available_now": {"available_now": True},
    "name": {"q": "mar"},
    "within_50km": {"max_distance_km": 50.0},
}


class Command(BaseCommand):
    help = "Benchmark the directory over every sort and filter. WIPES the DATABASE_URL database unless --skip-seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mechanics", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=40, help="Calls per combination.")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--skip-seed", action="store_true")
        parser.add_argument("--yes", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        db_name = str(settings.DATABASES["default"]["NAME"])
        if not options["skip_seed"]:
            if "bench" not in db_name.lower() and not options["yes"]:
                raise CommandError(f"bench_directory wipes {db_name}; use a database named *bench* or pass --yes.")
            call_command("migrate", interactive=False, verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
            started = time.perf_counter()
            with transaction.atomic():
                DemoSeeder(seed=options["seed"]).run(mechanics=options["mechanics"], customers=0)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"Seeded {options['mechanics']:,} mechanics in {time.perf_counter() - started:.1f} s")

        rng = random.Random(options["seed"])
        areas = {country: postal_areas(country) for country in ("CA", "US")}
        places = []
        for _ in range(options["queries"]):
            country = "CA" if rng.random() < CANADA_SHARE else "US"
            area = rng.choices(areas[country], weights=[a.weight for a in areas[country]])[0]
            places.append({"country": country, "postal_code": area.code})

        rows = []
        for sort, (filter_name, filters), located in itertools.product(DIRECTORY_SORTS, FILTERS.items(), (True, False)):
            if not located and (sort == "distance" or "max_distance_km" in filters):
                continue  # refused without a location (a 400), nothing to time
            times = []
            for place in places:
                kwargs = {**filters, "sort": sort, **(place if located else {})}
                started = time.perf_counter()
                mechanic_directory_list(**kwargs)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            rows.append(
                {
                    "sort": sort,
                    "filter": filter_name,
                    "location": located,
                    "p50_ms": round(nearest_rank(times, 50) or 0, 1),
                    "p95_ms": round(nearest_rank(times, 95) or 0, 1),
                }
            )
            self.stdout.write(
                f"{sort:<11} {filter_name:<14} {'located' if located else 'anywhere':<9} "
                f"p50 {rows[-1]['p50_ms']:>7.1f} ms   p95 {rows[-1]['p95_ms']:>7.1f} ms"
            )
        worst = max(rows, key=lambda r: r["p95_ms"])
        self.stdout.write(
            f"Worst p95: {worst['p95_ms']} ms ({worst['sort']}, {worst['filter']}, "
            f"{'located' if worst['location'] else 'anywhere'}) on {connection.vendor}, "
            f"{options['queries']} calls per combination"
        )
        if options["json"]:
            self.stdout.write(json.dumps({"database": connection.vendor, "combinations": rows, "worst": worst}))
