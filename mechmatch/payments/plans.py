"""The source platform's session plans, as data. Prices are in cents; the brand-specialist
premium is added on top of any paid plan (a free taster stays free)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

BRAND_SPECIALIST_PREMIUM_CENTS = 1000


@dataclass(frozen=True, slots=True)
class Plan:
    code: str
    name: str | Promise
    minutes: int
    amount_cents: int
    description: str | Promise

    @property
    def is_free(self) -> bool:
        return self.amount_cents == 0


PLANS: tuple[Plan, ...] = (
    Plan("free", _("Free"), 5, 0, _("A quick first look: describe the problem and get a direction.")),
    Plan("quick", _("Quick Chat"), 30, 999, _("Text and voice chat for a focused question.")),
    Plan("standard", _("Standard Video"), 45, 2999, _("A video session to look at the car together.")),
    Plan("full", _("Full Diagnostic"), 60, 4999, _("A full guided diagnostic with a written summary.")),
)
PLAN_BY_CODE: dict[str, Plan] = {plan.code: plan for plan in PLANS}
PLAN_CODES: tuple[str, ...] = tuple(PLAN_BY_CODE)
DEFAULT_PLAN = "standard"


def plan_get(code: str) -> Plan | None:
    return PLAN_BY_CODE.get(code)


def plan_price_cents(code: str, *, brand_specialist: bool = False) -> int:
    """What the customer pays for a plan; raises KeyError for an unknown plan code."""
    plan = PLAN_BY_CODE[code]
    if plan.is_free:
        return 0
    return plan.amount_cents + (BRAND_SPECIALIST_PREMIUM_CENTS if brand_specialist else 0)
