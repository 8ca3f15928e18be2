"""Offer reasons become codes: Offer.reasons (English sentences) -> Offer.reason_codes
([{"code", "params"}], see mechmatch.core.reasons), and so do the candidates' reasons in
SessionRequest.match_scores ("reasons" -> "reasonCodes").

The English sentences are parsed here, once, against the templates they were written from
(frozen below: this migration must read old rows the same way whatever the code says later).
Every sentence ever stored came from these templates; one that somehow does not parse is
dropped, since nothing could render it in another language. Reversing renders the English.
"""

from __future__ import annotations

import re
import string
from typing import Any

from django.db import migrations, models

from mechmatch.core.taxonomy import SERVICE_BY_SLUG, SERVICES

BATCH = 500

# The templates as they stood when sentences were stored (core.ranking and dispatch).
TEMPLATES = {
    "favourite": "One of your favourites",
    "brand_master": "{brand} master technician",
    "brand_specialist": "{brand} specialist",
    "experienced_with": "Experienced with {services}",
    "distance_under_1km": "Less than 1 km away",
    "distance_km": "{km:,} km away",
    "available_now": "Available now",
    "responds_under_1min": "Usually responds in under a minute",
    "responds_in": "Usually responds in {minutes} min",
    "rating": "{rating}★ from {count:,} reviews",
    "red_seal": "Red Seal certified",
    "years_experience": "{years} years experience",
    "new_on_mechmatch": "New on mechmatch",
    "new": "New",
    "chosen_workshop": "From the customer's chosen workshop",
    "customer_chose_you": "The customer chose you",
    "customer_favourite": "You are the customer's favourite",
}
TEMPLATES_ONE = {
    "rating": "{rating}★ from {count:,} review",
    "years_experience": "{years} year experience",
}
PLURAL_PARAM = {"rating": "count", "years_experience": "years", "responds_in": "minutes"}
FIELD_PATTERNS = {
    "km": r"[\d,]+",
    "count": r"[\d,]+",
    "minutes": r"\d+",
    "years": r"\d+",
    "rating": r"\d+\.\d",
    "brand": r".+?",
    "services": r".+",
}
INTEGER_FIELDS = ("km", "count", "minutes", "years")
SLUG_BY_ENGLISH = {service.label_en: service.slug for service in SERVICES}


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>{FIELD_PATTERNS[name]})")
    return re.compile("".join(parts))


PARSERS = [(code, _pattern(template)) for table in (TEMPLATES, TEMPLATES_ONE) for code, template in table.items()]


def reason_from_text(text: str) -> dict[str, Any] | None:
    for code, pattern in PARSERS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        params: dict[str, Any] = {}
        for name, value in found.groupdict().items():
            if name in INTEGER_FIELDS:
                params[name] = int(value.replace(",", ""))
            elif name == "services":
                params[name] = [SLUG_BY_ENGLISH.get(part, part) for part in value.split(", ")]
            else:
                params[name] = value
        return {"code": code, "params": params}
    return None


def reasons_from_texts(texts: list[Any]) -> list[dict[str, Any]]:
    out = []
    for text in texts or []:
        reason = text if isinstance(text, dict) else reason_from_text(str(text))
        if reason is not None:
            out.append(reason)
    return out


def text_from_reason(reason: dict[str, Any]) -> str:
    code, params = reason["code"], dict(reason.get("params") or {})
    template = TEMPLATES[code]
    if params.get(PLURAL_PARAM.get(code, "")) == 1:
        template = TEMPLATES_ONE.get(code, template)
    if "services" in params:
        labels = (SERVICE_BY_SLUG[s].label_en if s in SERVICE_BY_SLUG else s for s in params["services"])
        params["services"] = ", ".join(labels)
    return template.format(**params)


def _convert(apps: Any, offers_field: tuple[str, str], candidate_keys: tuple[str, str], convert: Any) -> None:
    """Rewrite every offer's reasons and every stored candidate's, in batches."""
    source, target = offers_field
    Offer = apps.get_model("dispatch", "Offer")
    SessionRequest = apps.get_model("dispatch", "SessionRequest")
    batch = []
    for offer in Offer.objects.only("pk", source).iterator(chunk_size=BATCH):
        setattr(offer, target, convert(getattr(offer, source)))
        batch.append(offer)
        if len(batch) >= BATCH:
            Offer.objects.bulk_update(batch, [target])
            batch = []
    if batch:
        Offer.objects.bulk_update(batch, [target])
    old_key, new_key = candidate_keys
    batch = []
    for request in SessionRequest.objects.only("pk", "match_scores").iterator(chunk_size=BATCH):
        candidates = (request.match_scores or {}).get("candidates") or []
        if not any(old_key in c for c in candidates):
            continue
        for c in candidates:
            c[new_key] = convert(c.pop(old_key, []))
        batch.append(request)
        if len(batch) >= BATCH:
            SessionRequest.objects.bulk_update(batch, ["match_scores"])
            batch = []
    if batch:
        SessionRequest.objects.bulk_update(batch, ["match_scores"])


def texts_to_codes(apps: Any, schema_editor: Any) -> None:
    _convert(apps, ("reasons", "reason_codes"), ("reasons", "reasonCodes"), reasons_from_texts)


def codes_to_texts(apps: Any, schema_editor: Any) -> None:
    _convert(
        apps,
        ("reason_codes", "reasons"),
        ("reasonCodes", "reasons"),
        lambda reasons: [text_from_reason(r) for r in reasons or [] if r.get("code") in TEMPLATES],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="reason_codes",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(texts_to_codes, codes_to_texts, elidable=False),
        migrations.RemoveField(model_name="offer", name="reasons"),
    ]
