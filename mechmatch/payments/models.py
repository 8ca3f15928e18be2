from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mechmatch.payments.plans import Plan, plan_get


class Payment(models.Model):
    """One attempt to pay for one thing (`reference`, e.g. "intake:42"). Only a verified
    provider signal moves it to PAID; a customer returning from checkout proves nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        REFUNDING = "refunding", _("Refund under way")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(max_length=64, db_index=True, help_text="What is being paid for, e.g. intake:42")
    plan_code = models.CharField(max_length=16)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="CAD")
    provider = models.CharField(max_length=16)
    provider_ref = models.CharField(max_length=255, blank=True, db_index=True, help_text="Checkout session id")
    provider_payment_ref = models.CharField(max_length=255, blank=True, db_index=True, help_text="Payment intent id")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(max_length=255, blank=True)
    # Where the customer continues after checkout: a local path, never a full URL.
    return_path = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # A paid payment buys one session: set (by a conditional UPDATE) when a request claims it.
    used_at = models.DateTimeField(null=True, blank=True)
    session_request = models.OneToOneField(
        "dispatch.SessionRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="payment"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "reference", "status"], name="payment_user_ref_status")]

    def __str__(self) -> str:
        return f"Payment {self.pk} {self.plan_code} {self.amount_cents} {self.currency} {self.status}"

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID

    @property
    def plan(self) -> Plan | None:
        return plan_get(self.plan_code)


class Refund(models.Model):
    """The one refund of a payment (OneToOne: the database refuses a second). Created PENDING
    in the transaction that moves the payment PAID -> REFUNDING; a worker asks the provider
    (with an idempotency key, so a retry after a lost answer is not a second refund)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="refund")
    amount_cents = models.PositiveIntegerField()
    reason = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_refund_ref = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # The worker's timer and lease: due when <= now; a claim pushes it forward, so a worker
    # killed mid-call is retried once the lease runs out.
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Refund {self.pk} of payment {self.payment_id} ({self.status})"
