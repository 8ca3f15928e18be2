"""The plan's length is the session's length: when a live session must end (the plan's
minutes from its start, plus one paid extension), the end itself, and buying the extension.

Selectors (`session_deadline`, `session_extension_offer`) read; services
(`session_close_if_overdue`, `session_extend_start`) write. Every path that could keep a
session going past its time (a page load, a chat line, a photo, a video signal) calls
`session_close_if_overdue` first, so the session closes for both sides exactly at the
deadline even with no dispatcher running."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mechmatch.accounts.models import User
from mechmatch.dispatch.models import Consultation
from mechmatch.dispatch.services import NotFound, consultation_end_at_deadline
from mechmatch.payments.models import Payment
from mechmatch.payments.money import amount_display
from mechmatch.payments.plans import PLANS, Plan, plan_get, plan_price_cents
from mechmatch.payments.services import CURRENCY_BY_COUNTRY, payment_start


def extension_reference(consultation: Consultation) -> str:
    """What the extension's payment is for: one reference per session, so it is bought once."""
    return f"extension:{consultation.pk}"


def plan_next_up(code: str) -> Plan | None:
    """The next longer plan, or None from the longest (no extension beyond it)."""
    current = plan_get(code)
    if current is None:
        return None
    longer = sorted((p for p in PLANS if p.minutes > current.minutes), key=lambda p: p.minutes)
    return longer[0] if longer else None


def _extension_paid(consultation: Consultation) -> Payment | None:
    return Payment.objects.filter(
        user_id=consultation.customer_id, reference=extension_reference(consultation), status=Payment.Status.PAID
    ).first()


def session_deadline(consultation: Consultation) -> datetime | None:
    """When the session ends: its plan's minutes after it started, plus the minutes of the
    paid extension (the next plan up). None for a session without a plan (no limit)."""
    plan = plan_get(consultation.request.plan_code or "")
    if plan is None:
        return None
    seconds = plan.minutes * 60
    extension = _extension_paid(consultation)
    if extension is not None:
        extra = plan_get(extension.plan_code)
        seconds += extra.minutes * 60 if extra else 0
    return consultation.started_at + timedelta(seconds=seconds)


@dataclass(frozen=True)
class ExtensionOffer:
    plan: Plan
    amount_cents: int

    currency: str = "CAD"

    @property
    def price(self) -> str:
        """In the reader's language, through the one money formatter ("29,99 $" in French)."""
        return amount_display(self.amount_cents, self.currency, get_language() or "en")


def session_extension_offer(consultation: Consultation) -> ExtensionOffer | None:
    """What the customer may still buy: the next plan up, once, while the session is live."""
    if consultation.status != Consultation.Status.ACTIVE or _extension_paid(consultation) is not None:
        return None
    plan = plan_next_up(consultation.request.plan_code or "")
    if plan is None:
        return None
    currency = CURRENCY_BY_COUNTRY.get(consultation.request.country, "CAD")
    return ExtensionOffer(plan, plan_price_cents(plan.code), currency)


def session_close_if_overdue(consultation: Consultation, *, now: datetime | None = None) -> bool:
    """Ends the session (for both sides, at its deadline) if its time is up; returns whether it
    is over now. Cheap when it is not due: one read of the extension payment."""
    if consultation.status != Consultation.Status.ACTIVE:
        return True
    deadline = session_deadline(consultation)
    now = now or timezone.now()
    if deadline is None or now < deadline:
        return False
    consultation_end_at_deadline(consultation_id=consultation.pk, deadline=deadline, now=now)
    consultation.refresh_from_db()
    return consultation.status != Consultation.Status.ACTIVE


def session_extend_start(*, user: User, consultation_id: int, base_url: str = "") -> tuple[Payment, str]:
    """The customer buys the extension through the same payment service as the booking;
    returns the payment and where to send the customer (the checkout, or back to the session
    when it is already paid). Only the session's customer, while it is live, and once."""
    consultation = Consultation.objects.filter(pk=consultation_id, customer=user).select_related("request").first()
    if consultation is None:
        raise NotFound(_("Session not found."))
    if session_close_if_overdue(consultation):
        raise ValidationError({"extension": _("This session has ended.")})
    offer = session_extension_offer(consultation)
    if offer is None:
        raise ValidationError({"extension": _("This session cannot be extended again.")})
    back = reverse("journey:session", args=[consultation.pk])
    return payment_start(
        user=user,
        reference=extension_reference(consultation),
        plan_code=offer.plan.code,
        country=consultation.request.country or "CA",
        return_path=back,
        cancel_path=back,
        base_url=base_url,
    )
