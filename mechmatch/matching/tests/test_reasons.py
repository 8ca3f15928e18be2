"""Match reasons rendered in the active language from the core's (code, params)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import translation

from mechmatch.core.ranking import Candidate, MatchCriteria, ScoredMatch, score
from mechmatch.core.reasons import REASON_TEMPLATES, ReasonKey, reason_text, reasons_to_json
from mechmatch.matching.reasons import (
    TEMPLATES,
    reasons_localised,
    stored_reasons_localised,
    summary_localised,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _match(**overrides: Any) -> ScoredMatch:
    candidate = replace(
        Candidate(
            id=1,
            lat=43.6442,
            lon=-79.3590,  # about 3 km from the customer
            country="CA",
            is_on_shift=True,
            rating=4.8,
            review_count=212,
            avg_response_seconds=110,
            years_experience=12,
            red_seal_verified=True,
            brands=("Honda",),
            services=("brakes", "steering"),
            approved_at=NOW - timedelta(days=400),
            completed_sessions=60,
        ),
        **overrides,
    )
    criteria = MatchCriteria(
        requested_brand="Honda",
        keywords=("brakes", "steering"),
        lat=43.6442,
        lon=-79.3963,
        country="CA",
        favourite_ids=frozenset({1}),
        now=NOW,
    )
    return score(candidate, criteria)


def test_english_rendering_is_exactly_the_core_text():
    match = _match()
    assert reasons_localised(match, "en") == match.reasons


def test_french_rendering_of_every_reason():
    assert reasons_localised(_match(), "fr-ca") == [
        "Un de vos favoris",
        "Spécialiste Honda",
        "Expérimenté en freins et direction",
        "À 3 km",
        "Disponible maintenant",
        "4,8★ selon 212 avis",
        "Répond habituellement en 2 min",
        "Certifié Sceau rouge",
        "12 ans d'expérience",
    ]


def test_other_reasons_in_french():
    keys: list[ReasonKey] = [
        ("brand_master", {"brand": "Honda"}),
        ("distance_under_1km", {}),
        ("distance_km", {"km": 1234}),
        ("new_on_mechmatch", {}),
        ("responds_under_1min", {}),
        ("experienced_with", {"services": ["bmw_coding"]}),
    ]
    assert reasons_localised(keys, "fr-ca") == [
        "Maître technicien Honda",
        "À moins de 1 km",
        "À 1\xa0234 km",
        "Nouveau sur mechmatch",
        "Répond habituellement en moins d'une minute",
        "Expérimenté en codage BMW",
    ]


def test_counts_choose_the_plural_form():
    assert reasons_localised([("rating", {"rating": "5.0", "count": 1})], "en") == ["5.0★ from 1 review"]
    assert reasons_localised([("rating", {"rating": "4.9", "count": 2})], "en") == ["4.9★ from 2 reviews"]
    assert reasons_localised([("years_experience", {"years": 1})], "fr-ca") == ["1 an d'expérience"]
    assert reasons_localised([("years_experience", {"years": 15})], "fr-ca") == ["15 ans d'expérience"]
    assert summary_localised(["A", "B", "C"], "fr-ca") == "A · B · +1 autre"
    assert summary_localised(["A", "B", "C", "D"], "fr-ca") == "A · B · +2 autres"
    assert summary_localised(["A", "B", "C", "D"], "en") == "A · B · +2 more"
    assert summary_localised([], "fr-ca") == "Disponible pour aider"


def test_service_labels_come_from_the_taxonomy_in_french():
    rendered = reasons_localised([("experienced_with", {"services": ["hvac", "ev_hybrid"]})], "fr-ca")
    assert rendered == ["Expérimenté en chauffage et climatisation et véhicules électriques et hybrides"]
    assert reasons_localised([("experienced_with", {"services": ["hvac"]})], "en") == ["Experienced with Heating & A/C"]


def test_the_active_language_is_the_default():
    with translation.override("fr-ca"):
        assert reasons_localised([("available_now", {})]) == ["Disponible maintenant"]
    with translation.override("en"):
        assert reasons_localised([("available_now", {})]) == ["Available now"]


def test_every_template_has_a_french_translation():
    params = {"brand": "Honda", "services": ["brakes"], "km": 3, "minutes": 2, "rating": "4.8", "count": 2, "years": 12}
    for code in TEMPLATES:
        assert reasons_localised([(code, params)], "fr-ca") != reasons_localised([(code, params)], "en"), code


SAMPLE_PARAMS = {"brand": "Honda", "services": ["brakes"], "km": 3, "minutes": 2, "rating": "4.8", "count": 2}


def _differs_in_french(code: str) -> bool:
    params = {**SAMPLE_PARAMS, "years": 12}
    return reasons_localised([(code, params)], "fr-ca") != reasons_localised([(code, params)], "en")


def test_the_english_and_french_tables_have_exactly_the_core_codes():
    french = {code for code in TEMPLATES if _differs_in_french(code)}
    assert set(TEMPLATES) == set(REASON_TEMPLATES)
    assert french == set(REASON_TEMPLATES)


def test_the_gettext_english_is_the_core_english_for_every_code():
    for code in REASON_TEMPLATES:
        for count in (1, 1234):
            params = {**SAMPLE_PARAMS, "km": count, "count": count, "minutes": count, "years": count}
            assert reasons_localised([(code, params)], "en") == [reason_text(code, params)], code


def test_dispatch_reasons_are_worded_for_the_mechanic_in_french():
    stored = reasons_to_json([("customer_chose_you", {}), ("customer_favourite", {}), ("new", {})])
    assert stored_reasons_localised([*stored, {"code": "chosen_workshop"}], "fr-ca") == [
        "Choisi par le client",
        "Favori du client",
        "Nouveau",
        "De l'atelier choisi par le client",
    ]
    assert stored_reasons_localised(stored, "en") == [
        "The customer chose you",
        "You are the customer's favourite",
        "New",
    ]


def test_stored_reasons_render_like_the_match_they_came_from():
    match = _match()
    stored = reasons_to_json(match.reason_keys)
    assert stored_reasons_localised(stored, "fr-ca") == reasons_localised(match, "fr-ca")
    assert stored_reasons_localised(stored, "en") == match.reasons


@pytest.mark.django_db
def test_every_score_factor_the_ranking_writes_has_a_label():
    from mechmatch.core.ranking import MatchCriteria, score
    from mechmatch.matching.reasons import FACTOR_LABELS
    from mechmatch.matching.selectors import scoring_policy
    from mechmatch.testing import make_mechanic

    mechanic = make_mechanic(display_name="Factor Frank")
    from mechmatch.matching.selectors import mechanic_candidates_by_ids

    candidate = mechanic_candidates_by_ids([mechanic.pk])[0]
    criteria = MatchCriteria(lat=43.64, lon=-79.39, country="CA", now=mechanic.created_at)
    breakdown = score(candidate, criteria, scoring_policy()).breakdown
    assert set(breakdown) <= set(FACTOR_LABELS)
