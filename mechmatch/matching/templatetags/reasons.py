"""{{ offer.reason_codes|reasons_shown }}: stored reason codes in the page's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from mechmatch.matching.reasons import stored_reasons_localised

register = template.Library()


@register.filter
def reasons_shown(rows: Iterable[Mapping[str, Any]] | None) -> list[str]:
    return stored_reasons_localised(rows or [])
