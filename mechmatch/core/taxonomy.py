"""The service taxonomy: the single source of truth for service slugs and their labels.

Pure Python on purpose: concern extraction, matching and evaluation all import it, and
none of them should need Django to be configured to know what a valid slug is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Category = Literal["installation", "diagnostic", "repair", "maintenance"]
Language = Literal["en", "fr"]


@dataclass(frozen=True, slots=True)
class Service:
    slug: str
    label_en: str
    label_fr: str
    category: Category
    # True when the session needs brand tooling or high-voltage training, so matching
    # must restrict to mechanics who declared that specialty.
    needs_specialist: bool
    # Canonical brand (as in brands.CANONICAL_BRANDS) for brand-tooling services.
    brand: str | None = None


# Order matters: extract_keywords returns slugs in this order, so UIs and tests are stable.
SERVICES: tuple[Service, ...] = (
    Service("check_engine_light", "Check engine light", "Voyant moteur", "diagnostic", False),
    Service("abs_warning", "ABS warning light", "Voyant ABS", "diagnostic", False),
    Service("airbag_light", "Airbag light", "Voyant de coussin gonflable", "diagnostic", False),
    Service("transmission", "Transmission", "Transmission", "repair", False),
    Service("electrical", "Electrical", "Électricité", "diagnostic", False),
    Service("engine", "Engine", "Moteur", "repair", False),
    Service("hvac", "Heating & A/C", "Chauffage et climatisation", "repair", False),
    Service("battery_starting", "Battery & starting", "Batterie et démarrage", "repair", False),
    Service("brakes", "Brakes", "Freins", "repair", False),
    Service("suspension", "Suspension", "Suspension", "repair", False),
    Service("steering", "Steering", "Direction", "repair", False),
    Service("exhaust", "Exhaust & emissions", "Échappement et émissions", "repair", False),
    Service("cooling", "Cooling system", "Refroidissement", "repair", False),
    Service("fuel_system", "Fuel system", "Système d'alimentation", "repair", False),
    Service("oil_change", "Oil change", "Vidange d'huile", "maintenance", False),
    Service("tires", "Tires", "Pneus", "maintenance", False),
    Service("timing_belt", "Timing belt / chain", "Courroie de distribution", "maintenance", False),
    Service("filters", "Filters", "Filtres", "maintenance", False),
    Service("spark_plugs", "Spark plugs & ignition", "Bougies d'allumage", "maintenance", False),
    Service("backup_camera", "Backup camera", "Caméra de recul", "installation", False),
    Service("dashcam", "Dashcam", "Caméra de tableau de bord", "installation", False),
    Service("remote_starter", "Remote starter", "Démarreur à distance", "installation", False),
    Service("audio", "Audio & infotainment", "Audio et multimédia", "installation", False),
    Service("gps_tracker", "GPS tracker", "Traceur GPS", "installation", False),
    Service("alarm", "Alarm & anti-theft", "Alarme et antivol", "installation", False),
    Service("bmw_coding", "BMW coding", "Codage BMW", "diagnostic", True, "BMW"),
    Service("tesla_diagnostics", "Tesla diagnostics", "Diagnostic Tesla", "diagnostic", True, "Tesla"),
    Service(
        "mercedes_star", "Mercedes STAR diagnosis", "Diagnostic Mercedes STAR", "diagnostic", True, "Mercedes-Benz"
    ),
    Service("audi_vcds", "Audi / VW VCDS", "Audi / VW VCDS", "diagnostic", True, "Audi"),
    Service("porsche_piwis", "Porsche PIWIS", "Porsche PIWIS", "diagnostic", True, "Porsche"),
    Service("ev_hybrid", "EV & hybrid", "Véhicules électriques et hybrides", "diagnostic", True),
    Service("pre_purchase_inspection", "Pre-purchase inspection", "Inspection avant achat", "diagnostic", False),
)

SERVICE_BY_SLUG: dict[str, Service] = {service.slug: service for service in SERVICES}
SERVICE_SLUGS: frozenset[str] = frozenset(SERVICE_BY_SLUG)
# Position of each slug, so callers can sort any slug collection into taxonomy order.
SLUG_ORDER: dict[str, int] = {service.slug: index for index, service in enumerate(SERVICES)}


def is_valid_slug(slug: object) -> bool:
    return isinstance(slug, str) and slug in SERVICE_SLUGS


def label(slug: str, language: str = "en") -> str:
    """Human label for a slug; French when asked, English otherwise. Raises KeyError on unknown slugs
    so a typo in a template or a stale database row is loud rather than silently blank."""
    service = SERVICE_BY_SLUG[slug]
    return service.label_fr if language.lower().startswith("fr") else service.label_en


# The order the categories are shown in (forms group the services under them).
CATEGORIES: tuple[Category, ...] = ("diagnostic", "repair", "maintenance", "installation")


def services_by_category(language: str = "en") -> list[tuple[Category, list[tuple[str, str]]]]:
    """Every category with its (slug, label) pairs in `language`, both in taxonomy order."""
    return [
        (category, [(s.slug, label(s.slug, language)) for s in SERVICES if s.category == category])
        for category in CATEGORIES
    ]


def sort_slugs(slugs: Iterable[str]) -> list[str]:
    """Deduplicate and order valid slugs by taxonomy position (invalid ones are dropped)."""
    return sorted({s for s in slugs if is_valid_slug(s)}, key=SLUG_ORDER.__getitem__)
