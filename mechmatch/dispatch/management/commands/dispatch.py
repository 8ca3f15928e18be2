"""The dispatcher: expires offers and applies fallbacks from the durable timers in the
database. Run any number of these; see services.dispatch_tick for why that is safe.

The database or the broker going away for a while is expected, not a bug: a tick that
fails with a connection-level error closes the connection, waits (capped exponential
backoff with jitter), logs, and tries again. The process never exits for it; the rows it
had in flight were rolled back and are redone.

It also deletes expired rate-limit counts once a minute (the web only ever inserts them)."""

from __future__ import annotations

import json
import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from mechmatch.accounts.services import rate_limit_counts_prune
from mechmatch.core.backoff import Backoff
from mechmatch.dispatch.selectors import dispatch_lag_seconds
from mechmatch.dispatch.services import TRANSIENT_ERRORS, dispatch_tick

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 60.0
COUNTED = ("steps", "offers_expired", "fallbacks", "withdrawn", "errors")


class Command(BaseCommand):
    help = "Expire offers and apply fallbacks (loops; --once drains what is due now and exits)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Process everything due now, then exit.")
        parser.add_argument(
            "--batch", type=int, default=settings.DISPATCH_BATCH, help="Requests per tick (one transaction)."
        )
        parser.add_argument("--poll", type=float, default=settings.DISPATCH_POLL_SECONDS, help="Idle sleep (s).")
        parser.add_argument("--json", action="store_true", help="Print one JSON line per busy tick.")
        parser.add_argument(
            "--log-every",
            type=float,
            default=settings.DISPATCH_LOG_SECONDS,
            help="Seconds between status lines (lag and counts); 0 for none.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._stop = False

        def stop(signum: int, frame: Any) -> None:  # finish the step in flight, then leave
            self._stop = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        batch, poll = max(1, options["batch"]), max(0.01, options["poll"])
        backoff = Backoff(base_seconds=0.5, cap_seconds=settings.DISPATCH_BACKOFF_MAX_SECONDS)
        totals: dict[str, float] = {key: 0 for key in (*COUNTED, "transient_errors")}
        window = dict(totals)
        log_every = options["log_every"]
        next_log = time.monotonic() + log_every
        totals["started_at"] = time.time()
        next_prune = time.monotonic()
        while not self._stop:
            try:
                close_old_connections()
                result = dispatch_tick(batch=batch)
                if time.monotonic() >= next_prune:  # housekeeping the web leaves to a worker
                    rate_limit_counts_prune(now=int(time.time()))
                    next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
                lag = dispatch_lag_seconds() if log_every > 0 and time.monotonic() >= next_log else None
            except TRANSIENT_ERRORS as exc:
                totals["transient_errors"] += 1
                window["transient_errors"] += 1
                delay = backoff.next_delay()
                logger.warning(
                    "dispatcher: %s (%s); connection closed, retrying in %.1f s (failure %d in a row)",
                    type(exc).__name__,
                    str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "no detail",
                    delay,
                    backoff.failures,
                )
                _close_connection()
                self._sleep(delay)
                continue
            backoff.reset()
            for key in COUNTED:
                totals[key] += getattr(result, key)
                window[key] += getattr(result, key)
            if result.steps:
                totals["finished_at"] = time.time()
                if options["json"]:
                    self.stdout.write(json.dumps({"tick": result.__dict__}))
            if lag is not None:
                self._status(lag, window, seconds=log_every, as_json=options["json"])
                window = dict.fromkeys(window, 0)
                next_log = time.monotonic() + log_every
            if result.steps >= batch:
                continue  # more is due: go straight on
            if options["once"]:
                break
            self._sleep(poll)
        if options["once"] or options["json"]:
            self.stdout.write(json.dumps({"totals": totals}))

    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake within a fraction of a second of SIGTERM."""
        deadline = time.monotonic() + seconds
        while not self._stop and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.25))

    def _status(self, lag: float, window: dict[str, float], *, seconds: float, as_json: bool) -> None:
        if as_json:
            status = {"lag_seconds": round(lag, 3), "window_seconds": seconds, **window}
            self.stdout.write(json.dumps({"status": status}))
            return
        counts = ", ".join(f"{window[key]:.0f} {key.replace('_', ' ')}" for key in (*COUNTED, "transient_errors"))
        self.stdout.write(f"dispatcher: lag {lag:.1f} s; last {seconds:.0f} s: {counts}")


def _close_connection() -> None:
    """Drop the connection so the next tick opens a fresh one; a dead one may fail to close."""
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - it is being discarded either way
        logger.debug("closing the broken connection failed", exc_info=True)
