"""Loads the demo data (mechmatch.mechanics.seeding) and writes the demo sign-ins to a file."""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from mechmatch.mechanics.models import Mechanic
from mechmatch.mechanics.seeding import DemoSeeder


class Command(BaseCommand):
    help = "Load reproducible demo mechanics and customers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mechanics", type=int, default=settings.DEMO_MECHANICS)
        parser.add_argument("--customers", type=int, default=settings.DEMO_CUSTOMERS)
        parser.add_argument("--seed", type=int, default=settings.DEMO_SEED)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when mechanics already exist.")
        parser.add_argument("--accounts-file", default=str(settings.DEMO_ACCOUNTS_FILE))
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Mechanic.objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        started = time.perf_counter()
        seeder = DemoSeeder(seed=options["seed"])
        seeder.avatars_write()
        with transaction.atomic():
            accounts = seeder.run(mechanics=options["mechanics"], customers=options["customers"])
        # Planner statistics for what was just bulk-loaded. Without them PostgreSQL (whose
        # autovacuum may be off, or a minute away) guesses the mechanics table is tiny and
        # filters every eligible row by cell instead of reading the cell index: 4x the
        # database time of a directory page on the demo data.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        with open(options["accounts_file"], "w", encoding="utf-8") as fh:
            json.dump(accounts, fh, indent=2)
        self.stdout.write(
            f"Seeded {options['mechanics']} mechanics and {options['customers']} customers in {elapsed:.1f} s; "
            f"sign-in details in {options['accounts_file']}"
        )
