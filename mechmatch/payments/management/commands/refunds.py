"""The refund worker: asks the payment provider for each pending refund, retrying a failed
call with backoff (see services.refunds_process_due). Run any number of these: each refund
is claimed by a conditional UPDATE, and the provider call carries an idempotency key."""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from mechmatch.core.backoff import Backoff
from mechmatch.payments.services import refunds_process_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send pending refunds to the payment provider (loops; --once drains what is due and exits)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Process everything due now, then exit.")
        parser.add_argument("--poll", type=float, default=2.0, help="Idle sleep (s).")

    def handle(self, *args: Any, **options: Any) -> None:
        self._stop = False

        def stop(signum: int, frame: Any) -> None:
            self._stop = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        backoff = Backoff(base_seconds=0.5, cap_seconds=30.0)
        total = 0
        while not self._stop:
            try:
                close_old_connections()
                tried = refunds_process_due()
            except DatabaseError as exc:
                delay = backoff.next_delay()
                logger.warning("refunds: %s; retrying in %.1f s", type(exc).__name__, delay)
                connection.close()
                time.sleep(delay)
                continue
            backoff.reset()
            total += tried
            if tried:
                continue
            if options["once"]:
                break
            time.sleep(max(0.05, options["poll"]))
        self.stdout.write(f"refunds: {total} tried")
