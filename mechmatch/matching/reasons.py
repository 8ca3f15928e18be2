"""Match reasons in the customer's language.

core.ranking stays pure Python: it records every reason as (code, params) next to the English
text it renders from REASON_TEMPLATES. This module renders the same (code, params) with gettext
from a parallel table of lazy templates (so makemessages finds them), with plural forms where a
count appears, localised numbers, and taxonomy labels in the active language.

Texts stored before keys existed (dispatch offers keep English strings) are parsed back into
(code, params) through REASON_TEMPLATES, so they can be localised at render time too.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import npgettext, npgettext_lazy, pgettext, pgettext_lazy

from mechmatch.core.brands import CANONICAL_BRANDS
from mechmatch.core.ranking import (
    REASON_TEMPLATES,
    REASON_TEMPLATES_ONE,
    ReasonKey,
    ScoredMatch,
    service_names,
)
from mechmatch.core.taxonomy import SERVICES

# Same codes as core.ranking.REASON_TEMPLATES. Plural templates choose their form from "n".
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
}
# The param that carries the count of each plural template.
_PLURAL_PARAM = {"responds_in": "minutes", "rating": "count", "years_experience": "years"}

# Reasons dispatch adds to offers as plain English (not produced by the ranking core). They are
# shown to the mechanic, so they are worded for the mechanic.
DISPATCH_TEMPLATES: dict[str, Any] = {
    "Available now": TEMPLATES["available_now"],
    "New": pgettext_lazy("match reason", "New"),
    "From the customer's chosen workshop": pgettext_lazy("match reason", "From the customer's chosen workshop"),
    "The customer chose you": pgettext_lazy("match reason", "The customer chose you"),
    "You are the customer's favourite": pgettext_lazy("match reason", "You are the customer's favourite"),
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
    template = TEMPLATES.get(code)
    if template is None:  # a code newer than this table: the core's English beats nothing
        from mechmatch.core.ranking import reason_text

        return reason_text(code, params)
    values: dict[str, Any] = dict(params)
    for name in ("km", "count", "minutes", "years"):
        if name in values:
            values[name] = number_format(values[name], force_grouping=True)
    if "rating" in values:
        values["rating"] = number_format(float(values["rating"]), decimal_pos=1)
    if "services" in values:
        values["services"] = _service_list(list(values["services"]), language)
    plural = _PLURAL_PARAM.get(code)
    if plural is not None:
        values["n"] = int(params.get(plural, 0))
    return str(template % values) if values else str(template)


def reasons_localised(match_or_keys: ScoredMatch | Iterable[ReasonKey], language: str | None = None) -> list[str]:
    """The reasons of a match (or a sequence of (code, params)) in `language` (default: active)."""
    language = language or translation.get_language() or "en"
    if isinstance(match_or_keys, ScoredMatch):
        if not match_or_keys.reason_keys and match_or_keys.reasons:
            return reasons_from_text(match_or_keys.reasons, language)
        keys: Iterable[ReasonKey] = match_or_keys.reason_keys
    else:
        keys = match_or_keys
    with translation.override(language):
        return [_render(code, dict(params or {}), language) for code, params in keys]


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


# --------------------------------------------------------------------------- stored English texts

_FIELD_PATTERNS = {
    "km": r"[\d,]+",
    "count": r"[\d,]+",
    "minutes": r"\d+",
    "years": r"\d+",
    "rating": r"\d+\.\d",
    "brand": r".+?",
    "services": r".+",
}
_SLUG_BY_ENGLISH = {service.label_en: service.slug for service in SERVICES}


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>{_FIELD_PATTERNS[name]})")
    return re.compile("".join(parts))


_PARSERS: list[tuple[str, re.Pattern[str]]] = [
    (code, _pattern(template)) for table in (REASON_TEMPLATES, REASON_TEMPLATES_ONE) for code, template in table.items()
]


def reason_key_from_text(text: str) -> ReasonKey | None:
    """(code, params) for an English reason the core rendered, or None."""
    for code, pattern in _PARSERS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        params: dict[str, Any] = {}
        for name, value in found.groupdict().items():
            if name in ("km", "count", "minutes", "years"):
                params[name] = int(value.replace(",", ""))
            elif name == "services":
                params[name] = [_SLUG_BY_ENGLISH.get(part, part) for part in value.split(", ")]
            else:
                params[name] = value
        return code, params
    return None


def reasons_from_text(texts: Iterable[str], language: str | None = None) -> list[str]:
    """Localise stored English reasons; a text nobody knows is shown as stored."""
    language = language or translation.get_language() or "en"
    out = []
    with translation.override(language):
        for text in texts:
            text = str(text)
            if text in DISPATCH_TEMPLATES:
                out.append(str(DISPATCH_TEMPLATES[text]))
                continue
            key = reason_key_from_text(text)
            out.append(_render(*key, language) if key else text)
    return out
