"""The refund worker: asks the payment provider for each pending refund, retrying a failed
call with backoff (see services.refunds_process_due). Run any number of these: each refund
is claimed by a conditional UPDATE, and the provider call carries an idempotency key."""

from __future__ import annotations

from mechmatch.payments.services import refunds_process_due
from mechmatch.workers import WorkerCommand


class Command(WorkerCommand):
    help = "Send pending refunds to the payment provider (loops; --once drains what is due and exits)."
    worker_name = "refunds"

    def step(self) -> int:
        return refunds_process_due()
