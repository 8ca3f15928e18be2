"""Why a mechanic was matched, or offered a request: a code and JSON-safe params.

Reasons are stored and passed around as (code, params), never as sentences, so they can be
shown in the reader's language long after they were recorded. REASON_TEMPLATES is the one
table of codes; this module renders its English text. The Django side
(mechmatch.matching.reasons) renders the same codes with gettext from a table keyed
identically, which a test checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mechmatch.core.taxonomy import SERVICE_BY_SLUG, label

ReasonKey = tuple[str, dict[str, Any]]

REASON_TEMPLATES: dict[str, str] = {
    # The ranking's reasons (core.ranking), worded for the customer.
    "favourite": "One of your favourites",
    "brand_master": "{brand} master technician",
    "brand_specialist": "{brand} specialist",
    "experienced_with": "Experienced with {services}",
    "distance_under_1km": "Less than 1 km away",
    "distance_km": "{km:,} km away",
    "available_now": "Available now",
    "responds_under_1min": "Usually responds in under a minute",
    "responds_in": "Usually responds in {minutes:,} min",
    "rating": "{rating}★ from {count:,} reviews",
    "red_seal": "Red Seal certified",
    "years_experience": "{years:,} years experience",
    "new_on_mechmatch": "New on mechmatch",
    # Reasons dispatch adds to an offer, worded for the mechanic who receives it.
    "new": "New",
    "chosen_workshop": "From the customer's chosen workshop",
    "customer_chose_you": "The customer chose you",
    "customer_favourite": "You are the customer's favourite",
}
# Singular forms: used instead of REASON_TEMPLATES when the param named here equals 1.
REASON_TEMPLATES_ONE: dict[str, str] = {
    "rating": "{rating}★ from {count:,} review",
    "years_experience": "{years:,} year experience",
}
# The param that carries the count of each template that has plural forms.
REASON_PLURAL_PARAM: dict[str, str] = {"rating": "count", "years_experience": "years", "responds_in": "minutes"}


def service_names(slugs: Iterable[str], language: str = "en") -> list[str]:
    """Taxonomy labels for slugs; a slug the taxonomy does not know is shown as is."""
    return [label(s, language) if s in SERVICE_BY_SLUG else s for s in slugs]


def reason_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The English text of one reason, from REASON_TEMPLATES."""
    values = dict(params or {})
    count_param = REASON_PLURAL_PARAM.get(code)
    template = REASON_TEMPLATES[code]
    if count_param is not None and values.get(count_param) == 1:
        template = REASON_TEMPLATES_ONE.get(code, template)
    if "services" in values:
        values["services"] = ", ".join(service_names(values["services"]))
    return template.format(**values)


def reasons_to_json(keys: Iterable[ReasonKey]) -> list[dict[str, Any]]:
    """The stored form of reasons: [{"code": ..., "params": {...}}], as offers and the API keep them."""
    return [{"code": code, "params": dict(params)} for code, params in keys]


def reasons_from_json(rows: Iterable[Mapping[str, Any]]) -> list[ReasonKey]:
    """(code, params) pairs from their stored form."""
    return [(str(row["code"]), dict(row.get("params") or {})) for row in rows]
