"""Dispatcher throughput: create N lapsed exclusive offers, run W dispatcher processes over
them, report offers expired (each with its fallback) per second. Uses the configured
database; the rows it creates are deleted afterwards.

`offersPerSecond` counts from the first worker's first tick to the last worker's last busy
tick, so it measures dispatching, not Python and Django starting (~1 s a process, more on a
busy machine); `offersPerSecondWithStartup` is over the whole wall time. Before the run, a
sample of `--sample` requests is dispatched in this process to count queries per expiry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from mechmatch.dispatch.models import Offer, SessionRequest
from mechmatch.dispatch.services import dispatch_tick
from mechmatch.dispatch.testing import make_lapsing_requests
from mechmatch.testing import make_customer, make_mechanic


class Command(BaseCommand):
    help = "Measure dispatcher throughput (offers expired per second) with N dispatcher processes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--offers", type=int, default=5000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--batch", type=int, default=100)
        parser.add_argument("--mechanics", type=int, default=50)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--sample", type=int, default=200, help="Requests in the query-count sample.")
        parser.add_argument("--keep", action="store_true", help="Keep the generated rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        tag = f"bench-{uuid.uuid4().hex[:8]}"
        customer = make_customer(email=f"{tag}@example.test")
        mechanics = [make_mechanic(email=f"{tag}-{i}@example.test") for i in range(options["mechanics"])]
        queries_per_expiry = self._queries_per_expiry(customer, mechanics, options["sample"], f"{tag}-sample")
        ids = make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=options["offers"], tag=tag)

        # A long choice delay: the benchmark measures the lapse step, not a second auto-match pass.
        env = dict(
            os.environ,
            EVENT_BROKER=os.environ.get("EVENT_BROKER", settings.EVENT_BROKER),
            FALLBACK_DELAY_SECONDS="3600",
        )
        cmd = [sys.executable, str(settings.BASE_DIR / "manage.py"), "dispatch", "--once", "--batch",
               str(options["batch"]), "--json"]  # fmt: skip
        load_before = os.getloadavg()
        started = time.perf_counter()
        procs = [
            subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(options["workers"])
        ]
        outputs = [p.communicate() for p in procs]
        elapsed = time.perf_counter() - started

        per_worker = []
        for out, err in outputs:
            lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            totals = next((line["totals"] for line in reversed(lines) if "totals" in line), None)
            per_worker.append(totals or {"error": err[-500:]})
        expired = Offer.objects.filter(request_id__in=ids, status=Offer.Status.EXPIRED).count()
        starts = [t["started_at"] for t in per_worker if "started_at" in t]
        ends = [t["finished_at"] for t in per_worker if "finished_at" in t]
        span = max(ends) - min(starts) if starts and ends else None
        waiting = SessionRequest.objects.filter(pk__in=ids, status=SessionRequest.Status.AWAITING_CHOICE).count()
        report = {
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "offers": options["offers"],
            "workers": options["workers"],
            "seconds": round(span, 2) if span else None,
            "wallSeconds": round(elapsed, 2),
            "offersExpired": expired,
            "requestsFellBack": waiting,
            "offersPerSecond": round(expired / span, 1) if span else None,
            "offersPerSecondWithStartup": round(expired / elapsed, 1) if elapsed else None,
            "queriesPerExpiry": queries_per_expiry,
            # The machine is shared: 1-minute load average before and after the run.
            "loadAverage": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
            "perWorker": per_worker,
        }
        if not options["keep"]:
            SessionRequest.objects.filter(customer=customer.user).delete()
            for m in mechanics:
                m.user.delete()
            customer.user.delete()
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            for key, value in report.items():
                self.stdout.write(f"{key}: {value}")

    def _queries_per_expiry(self, customer: Any, mechanics: list[Any], count: int, tag: str) -> float | None:
        if count <= 0:
            return None
        make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=count, tag=tag)
        expired = 0
        with override_settings(FALLBACK_DELAY_SECONDS=3600), CaptureQueriesContext(connection) as queries:
            while (result := dispatch_tick(batch=count)).steps:
                expired += result.offers_expired
        return round(len(queries) / expired, 2) if expired else None
