"""The notification worker: writes the time-based notices that are due (the refund offer),
then claims due outbox rows and sends them. Run any number of these
(see services.notification_claim_next); the loop and its backoff are `WorkerCommand`'s."""

from __future__ import annotations

from django.conf import settings

from mechmatch.journey.refund_offers import refund_offers_notify
from mechmatch.notifications.services import notifications_send_due
from mechmatch.workers import WorkerCommand


class Command(WorkerCommand):
    help = "Send due notifications (loops; --once sends what is due now and exits)."
    worker_name = "notify"
    default_poll_seconds = settings.NOTIFY_POLL_SECONDS
    backoff_cap_seconds = settings.DISPATCH_BACKOFF_MAX_SECONDS

    def step(self) -> int:
        # Time-based notices are written first, so one step also sends them.
        return refund_offers_notify() + notifications_send_due(limit=50)
