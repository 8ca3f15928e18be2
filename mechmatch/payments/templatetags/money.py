"""`{% money cents currency %}`: an amount in the page's language (payments.money)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from mechmatch.payments.money import amount_display

register = template.Library()


@register.simple_tag
def money(cents: int, currency: str = "CAD") -> str:
    return amount_display(cents, currency, get_language() or "en")
