"""The notification worker: claims due outbox rows and sends them. Run any number of these
(see services.notification_claim_next). Like the dispatcher, a database error closes the
connection, waits with capped exponential backoff and carries on."""

from __future__ import annotations

import contextlib
import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from mechmatch.core.backoff import Backoff
from mechmatch.dispatch.services import TRANSIENT_ERRORS
from mechmatch.notifications.services import notifications_send_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send due notifications (loops; --once sends what is due now and exits)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Send everything due now, then exit.")
        parser.add_argument("--poll", type=float, default=settings.NOTIFY_POLL_SECONDS, help="Idle sleep (s).")

    def handle(self, *args: Any, **options: Any) -> None:
        self._stop = False

        def stop(signum: int, frame: Any) -> None:
            self._stop = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        backoff = Backoff(base_seconds=0.5, cap_seconds=settings.DISPATCH_BACKOFF_MAX_SECONDS)
        total = 0
        while not self._stop:
            try:
                close_old_connections()
                handled = notifications_send_due(limit=50)
            except TRANSIENT_ERRORS as exc:
                delay = backoff.next_delay()
                logger.warning("notify: %s; retrying in %.1f s", type(exc).__name__, delay)
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
            self.stdout.write(f"notify: {total} handled")

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stop and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.25))
