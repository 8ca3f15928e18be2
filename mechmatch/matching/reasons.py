"""Match and offer reasons in the reader's language.

core.reasons holds the one table of reason codes and renders their English text; this module
renders the same (code, params) with gettext from a parallel table of lazy templates (so
makemessages finds them), keyed by the same codes (a test checks), with plural forms where a
count appears, localised numbers, and taxonomy labels in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import npgettext, npgettext_lazy, pgettext, pgettext_lazy

from mechmatch.core.brands import CANONICAL_BRANDS
from mechmatch.core.ranking import ScoredMatch
from mechmatch.core.reasons import REASON_PLURAL_PARAM, ReasonKey, reasons_from_json, service_names

# Same codes as core.reasons.REASON_TEMPLATES. Plural templates choose their form from "n".
TEMPLATES: dict[str, Any] = {
    "favourite": pgettext_lazy("match reason", "One of your favourites"),
    "brand_master": pgettext_lazy("match reason", "%(brand)s master technician"),
    "brand_specialist": pgettext_lazy("match reason", "%(brand)s specialist"),
    "experienced_with": pgettext_lazy("match reason", "Experienced with %(services)s"),
    "distance_under_1km": pgettext_lazy("match reason", "Less than 1 km away"),
    "distance_km": pgettext_lazy("match reason", "%(km)s km away"),
    "available_now": pgettext_lazy("match reason", "Available now"),
    "responds_under_1min": pgettext_lazy("match reason", "Usually responds in under a minute"),
    "responds_in": npgettext_lazy(
        "match reason", "Usually responds in %(minutes)s min", "Usually responds in %(minutes)s min", "n"
    ),
    "rating": npgettext_lazy(
        "match reason", "%(rating)s★ from %(count)s review", "%(rating)s★ from %(count)s reviews", "n"
    ),
    "red_seal": pgettext_lazy("match reason", "Red Seal certified"),
    "years_experience": npgettext_lazy("match reason", "%(years)s year experience", "%(years)s years experience", "n"),
    "new_on_mechmatch": pgettext_lazy("match reason", "New on mechmatch"),
    # Added by dispatch to offers, worded for the mechanic who receives them.
    "new": pgettext_lazy("match reason", "New"),
    "chosen_workshop": pgettext_lazy("match reason", "From the customer's chosen workshop"),
    "customer_chose_you": pgettext_lazy("match reason", "The customer chose you"),
    "customer_favourite": pgettext_lazy("match reason", "You are the customer's favourite"),
}


def _service_list(slugs: Sequence[str], language: str) -> str:
    names = service_names(slugs, language)
    if language.lower().startswith("fr"):
        names = [_in_sentence(name) for name in names]
    if len(names) < 2:
        return "".join(names)
    # Translators: joins the last two services of "Experienced with ..." (English keeps a comma).
    return pgettext("match reason", "%(first)s, %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _in_sentence(name: str) -> str:
    """'Freins' -> 'freins' inside a French sentence; brands and acronyms keep their capitals."""
    first = name.split(" ", 1)[0]
    if not first or first in CANONICAL_BRANDS or sum(ch.isupper() for ch in first) > 1:
        return name
    return first[0].lower() + name[1:]


def _render(code: str, params: dict[str, Any], language: str) -> str:
    template = TEMPLATES[code]
    values: dict[str, Any] = dict(params)
    for name in ("km", "count", "minutes", "years"):
        if name in values:
            values[name] = number_format(values[name], force_grouping=True)
    if "rating" in values:
        values["rating"] = number_format(float(values["rating"]), decimal_pos=1)
    if "services" in values:
        values["services"] = _service_list(list(values["services"]), language)
    plural = REASON_PLURAL_PARAM.get(code)
    if plural is not None:
        values["n"] = int(params.get(plural, 0))
    return str(template % values) if values else str(template)


def reasons_localised(match_or_keys: ScoredMatch | Iterable[ReasonKey], language: str | None = None) -> list[str]:
    """The reasons of a match (or a sequence of (code, params)) in `language` (default: active)."""
    language = language or translation.get_language() or "en"
    keys = match_or_keys.reason_keys if isinstance(match_or_keys, ScoredMatch) else match_or_keys
    with translation.override(language):
        return [_render(code, dict(params or {}), language) for code, params in keys]


def stored_reasons_localised(rows: Iterable[Mapping[str, Any]], language: str | None = None) -> list[str]:
    """Reasons in their stored form ({"code", "params"}, as offers keep them) in `language`."""
    return reasons_localised(reasons_from_json(rows), language)


def summary_localised(reasons: list[str], language: str | None = None) -> str:
    """core.ranking.format_match_reasons in `language`: at most two reasons and a count of the rest."""
    with translation.override(language or translation.get_language() or "en"):
        if not reasons:
            return pgettext("match reason", "Available to help")
        if len(reasons) <= 2:
            return " · ".join(reasons)
        rest = len(reasons) - 2
        more = npgettext("match reason", "+%(count)s more", "+%(count)s more", rest) % {"count": rest}
        return f"{reasons[0]} · {reasons[1]} · {more}"


# The ranking's score factors (core.ranking's breakdown keys), as a customer reads them in
# "How this score was made". A test checks every key the ranking writes has a label here.
FACTOR_LABELS: dict[str, Any] = {
    "availability": pgettext_lazy("score factor", "Availability"),
    "concern": pgettext_lazy("score factor", "Fits your problem"),
    "brand": pgettext_lazy("score factor", "Brand expertise"),
    "experience": pgettext_lazy("score factor", "Experience"),
    "rating": pgettext_lazy("score factor", "Reviews"),
    "red_seal": pgettext_lazy("score factor", "Red Seal"),
    "profile": pgettext_lazy("score factor", "Complete profile"),
    "sessions": pgettext_lazy("score factor", "Sessions done"),
    "country": pgettext_lazy("score factor", "Same country"),
    "distance": pgettext_lazy("score factor", "Distance"),
    "response": pgettext_lazy("score factor", "Response time"),
    "favourite": pgettext_lazy("score factor", "Your favourite"),
    "load": pgettext_lazy("score factor", "Busy right now"),
    "new": pgettext_lazy("score factor", "New mechanic boost"),
}


def score_factors(breakdown: Mapping[str, float]) -> list[dict[str, Any]]:
    """The factors that moved a score, largest first, each with its label in the active
    language, its points, and its share of the largest factor (for a bar)."""
    moved = [(key, points) for key, points in breakdown.items() if round(points, 1) != 0]
    largest = max((abs(points) for _, points in moved), default=0.0) or 1.0
    return [
        {
            "key": key,
            "label": str(FACTOR_LABELS.get(key, key)),
            "points": round(points, 1),
            "share": round(abs(points) / largest, 3),
        }  # fmt: skip
        for key, points in sorted(moved, key=lambda item: (-item[1], item[0]))
    ]
