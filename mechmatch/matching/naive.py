"""A straight port of the source platform's matcher (src/lib/mechanicMatching.ts plus the plan's
postal-prefix additions), kept only as the benchmark's baseline.

It does what the original did: load every approved mechanic, score each in application code
with fixed point bonuses and postal-prefix "distances" (999 when unknown), sort, take the top
ten. Do not use it for anything but comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mechmatch.core.ranking import RequestType
from mechmatch.mechanics.models import Mechanic


@dataclass(slots=True)
class NaiveCriteria:
    request_type: str = RequestType.GENERAL
    requested_brand: str | None = None
    extracted_keywords: list[str] = field(default_factory=list)
    customer_country: str = "CA"
    customer_postal_code: str = ""
    prefer_local_mechanic: bool = True


@dataclass(slots=True)
class NaiveMatch:
    mechanic_id: int
    match_score: float
    match_reasons: list[str]
    distance: float


def calculate_postal_code_score(customer_postal: str, mechanic_postal: str) -> int:
    if not customer_postal or not mechanic_postal:
        return 0
    cust_fsa, mech_fsa = customer_postal[:3].upper(), mechanic_postal[:3].upper()
    if cust_fsa == mech_fsa:
        return 40
    if cust_fsa[:2] == mech_fsa[:2]:
        return 25
    if cust_fsa[0] == mech_fsa[0]:
        return 10
    return 0


def calculate_distance_from_postal_codes(postal1: str, postal2: str) -> float:
    if not postal1 or not postal2:
        return 999
    fsa1, fsa2 = postal1[:3].upper(), postal2[:3].upper()
    if fsa1 == fsa2:
        return 3
    if fsa1[:2] == fsa2[:2]:
        return 15
    if fsa1[0] == fsa2[0]:
        return 50
    return 999


def find_matching_mechanics(criteria: NaiveCriteria) -> list[NaiveMatch]:
    # The original: select * from mechanics where approved, then filter and score in JS.
    mechanics = list(Mechanic.objects.filter(application_status=Mechanic.ApplicationStatus.APPROVED))
    if criteria.request_type == RequestType.BRAND_SPECIALIST and criteria.requested_brand:
        mechanics = [m for m in mechanics if criteria.requested_brand in (m.brand_specializations or [])]

    scored: list[NaiveMatch] = []
    for mechanic in mechanics:
        score = 0.0
        reasons: list[str] = []
        if mechanic.is_on_shift:
            score += 50
            reasons.append("Available now")
        for keyword in criteria.extracted_keywords:
            if keyword in (mechanic.service_specialities or []):
                score += 15
                reasons.append(f"Expert in {keyword}")
        if criteria.requested_brand and criteria.requested_brand in (mechanic.brand_specializations or []):
            score += 30
            reasons.append(f"{criteria.requested_brand} specialist")
        if mechanic.years_experience >= 10:
            score += 20
        elif mechanic.years_experience >= 5:
            score += 10
        if mechanic.rating_average >= 4.5:
            score += 15
        elif mechanic.rating_average >= 4.0:
            score += 10
        if mechanic.red_seal_certified:
            score += 10
            reasons.append("Red Seal certified")
        if mechanic.profile_completion >= 80:
            score += 5
        if mechanic.completed_sessions >= 50:
            score += 10
        if mechanic.country == criteria.customer_country:
            score += 10
        if criteria.prefer_local_mechanic and criteria.customer_postal_code and mechanic.postal_code:
            postal = calculate_postal_code_score(criteria.customer_postal_code, mechanic.postal_code)
            score += postal
            if postal >= 40:
                reasons.append(f"Same neighborhood ({mechanic.postal_code[:3]})")
        distance = calculate_distance_from_postal_codes(criteria.customer_postal_code, mechanic.postal_code)
        scored.append(NaiveMatch(mechanic.pk, score, reasons, distance))

    scored.sort(key=lambda m: -m.match_score)
    return scored[:10]
