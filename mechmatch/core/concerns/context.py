"""Context rules: what one phrase cannot say on its own.

Brand + coding intent -> that brand's tooling; Tesla -> tesla_diagnostics; a click + turning the
key -> battery/starting; buying + inspecting -> pre-purchase inspection; in an EV, charging talk
and a bare "battery" mean the traction system. Signals (keys starting with "_") are read here and
never returned.
"""

from __future__ import annotations

from collections.abc import Sequence

# slug -> the phrases (or "brand + phrase", or a DTC code) that produced it, in order
Evidence = dict[str, list[str]]

_EV_BRANDS = frozenset({"Tesla", "Rivian", "Lucid", "Polestar", "Fisker", "VinFast"})
_CODING_BRAND_SLUG = {
    "BMW": "bmw_coding",
    "Audi": "audi_vcds",
    "Volkswagen": "audi_vcds",
    "Porsche": "porsche_piwis",
    "Mercedes-Benz": "mercedes_star",
}
# Evidence for battery_starting that, in an EV, means the traction battery rather than the 12 V one.
_BARE_BATTERY = frozenset({"battery", "batteries", "batterie", "battery dead", "dead battery"})


def add_evidence(evidence: Evidence, slug: str, phrase: str) -> None:
    phrases = evidence.setdefault(slug, [])
    if phrase not in phrases:
        phrases.append(phrase)


def apply_context_rules(evidence: Evidence, brands: Sequence[str]) -> None:
    # Brand tooling: "coding" means nothing on its own, and a brand alone is not a tooling job.
    if "_coding" in evidence:
        for brand in brands:
            slug = _CODING_BRAND_SLUG.get(brand)
            if slug:
                add_evidence(evidence, slug, f"{brand} + {evidence['_coding'][0]}")
    if "Tesla" in brands or "tesla_diagnostics" in evidence:
        add_evidence(evidence, "tesla_diagnostics", "tesla")

    # "Clicks when I turn the key" is the classic weak-battery / bad-starter symptom.
    if "_click" in evidence and "_key_turn" in evidence:
        add_evidence(evidence, "battery_starting", f"{evidence['_click'][0]} + {evidence['_key_turn'][0]}")

    # Pre-purchase: wanting to buy AND wanting it inspected.
    if "_buy" in evidence and "_inspect" in evidence:
        add_evidence(evidence, "pre_purchase_inspection", f"{evidence['_buy'][0]} + {evidence['_inspect'][0]}")

    # EV context: charging/range talk and a bare "battery" are about the traction system.
    ev_context = "ev_hybrid" in evidence or "tesla_diagnostics" in evidence or bool(_EV_BRANDS & set(brands))
    if ev_context:
        if "_charge" in evidence:
            add_evidence(evidence, "ev_hybrid", evidence["_charge"][0])
        battery = evidence.get("battery_starting")
        if battery and all(p in _BARE_BATTERY for p in battery):
            del evidence["battery_starting"]
            for phrase in battery:
                add_evidence(evidence, "ev_hybrid", phrase)

    _speed_vibration(evidence)
    _symptom_places(evidence)


_BUMP_ONLY = frozenset({"over bumps", "over bump", "bumps", "speed bumps", "potholes", "pothole"})
# Places that hold wiring: smoke or a burning smell there is an electrical fault.
_WIRING_PLACES = frozenset(
    {"under the dashboard", "under the dash", "behind the dash", "behind the dashboard", "behind the radio"}
)


def _speed_vibration(evidence: Evidence) -> None:
    # Shaking that comes with speed is the classic out-of-balance wheel; shaking only while
    # braking from speed is the brakes' (warped rotors), already found by its own phrases.
    if "_vibration" in evidence and "_speed" in evidence and "brakes" not in evidence:
        add_evidence(evidence, "tires", f"{evidence['_vibration'][0]} + {evidence['_speed'][0]}")


def _symptom_places(evidence: Evidence) -> None:
    places = evidence.get("_place", [])
    if "_smoke" in evidence and any(p in _WIRING_PLACES for p in places):
        add_evidence(evidence, "electrical", f"{evidence['_smoke'][0]} + {places[0]}")
    # Lights that flicker over bumps are a loose connection, not the suspension.
    suspension = evidence.get("suspension")
    if "electrical" in evidence and suspension and all(p in _BUMP_ONLY for p in suspension):
        del evidence["suspension"]
