"""The dispatcher: expires offers and applies fallbacks from the durable timers in the
database. Run any number of these; see services.dispatch_tick for why that is safe."""

from __future__ import annotations

import json
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from mechmatch.dispatch.services import dispatch_tick


class Command(BaseCommand):
    help = "Expire offers and apply fallbacks (loops; --once drains what is due now and exits)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Process everything due now, then exit.")
        parser.add_argument("--batch", type=int, default=settings.DISPATCH_BATCH, help="Requests per tick.")
        parser.add_argument("--poll", type=float, default=settings.DISPATCH_POLL_SECONDS, help="Idle sleep (s).")
        parser.add_argument("--json", action="store_true", help="Print one JSON line per busy tick.")

    def handle(self, *args: Any, **options: Any) -> None:
        self._stop = False

        def stop(signum: int, frame: Any) -> None:  # finish the step in flight, then leave
            self._stop = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        batch, poll = max(1, options["batch"]), max(0.01, options["poll"])
        totals = {"steps": 0, "offers_expired": 0, "fallbacks": 0, "withdrawn": 0, "errors": 0}
        while not self._stop:
            close_old_connections()
            result = dispatch_tick(batch=batch)
            for key in totals:
                totals[key] += getattr(result, key)
            if result.steps and options["json"]:
                self.stdout.write(json.dumps({"tick": result.__dict__}))
            if result.steps >= batch:
                continue  # more is due: go straight on
            if options["once"]:
                break
            time.sleep(poll)
        if options["once"] or options["json"]:
            self.stdout.write(json.dumps({"totals": totals}))
