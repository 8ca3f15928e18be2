"""The loop every long-running worker command shares (notify, refunds): claim and handle what
is due, sleep when idle, and treat the database or the broker going away as transient: close
the connection, back off with jitter, carry on. `--once` drains what is due and exits."""

from __future__ import annotations

import contextlib
import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from mechmatch.core.backoff import Backoff
from mechmatch.dispatch.services import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


class WorkerCommand(BaseCommand):
    """Subclasses name themselves and implement `step()`, returning how many rows it handled."""

    worker_name = "worker"
    default_poll_seconds = 2.0
    backoff_cap_seconds = 30.0

    def step(self) -> int:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Handle everything due now, then exit.")
        parser.add_argument("--poll", type=float, default=self.default_poll_seconds, help="Idle sleep (s).")

    def handle(self, *args: Any, **options: Any) -> None:
        self._stop = False

        def stop(signum: int, frame: Any) -> None:
            self._stop = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        backoff = Backoff(base_seconds=0.5, cap_seconds=self.backoff_cap_seconds)
        total = 0
        while not self._stop:
            try:
                close_old_connections()
                handled = self.step()
            except TRANSIENT_ERRORS as exc:
                delay = backoff.next_delay()
                logger.warning("%s: %s; retrying in %.1f s", self.worker_name, type(exc).__name__, delay)
                with contextlib.suppress(Exception):  # a dead connection may fail to close
                    connection.close()
                self._sleep(delay)
                continue
            backoff.reset()
            total += handled
            if handled:
                continue
            if options["once"]:
                break
            self._sleep(max(0.05, options["poll"]))
        if options["once"]:
            self.stdout.write(f"{self.worker_name}: {total} handled")

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stop and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.25))
