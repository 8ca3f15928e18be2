from __future__ import annotations

import dataclasses

import pytest

from mechmatch.core.brands import CANONICAL_BRANDS
from mechmatch.core.taxonomy import (
    SERVICE_BY_SLUG,
    SERVICE_SLUGS,
    SERVICES,
    SLUG_ORDER,
    Service,
    is_valid_slug,
    label,
    sort_slugs,
)

EXPECTED_SLUGS = [
    "check_engine_light",
    "abs_warning",
    "airbag_light",
    "transmission",
    "electrical",
    "engine",
    "hvac",
    "battery_starting",
    "brakes",
    "suspension",
    "steering",
    "exhaust",
    "cooling",
    "fuel_system",
    "oil_change",
    "tires",
    "timing_belt",
    "filters",
    "spark_plugs",
    "backup_camera",
    "dashcam",
    "remote_starter",
    "audio",
    "gps_tracker",
    "alarm",
    "bmw_coding",
    "tesla_diagnostics",
    "mercedes_star",
    "audi_vcds",
    "porsche_piwis",
    "ev_hybrid",
    "pre_purchase_inspection",
]


def test_taxonomy_has_exactly_the_32_canonical_slugs_in_order() -> None:
    assert [s.slug for s in SERVICES] == EXPECTED_SLUGS


def test_every_slug_looks_up_its_own_service_and_position() -> None:
    # A slug listed twice would make the lookups disagree with the list (the later entry wins).
    for position, service in enumerate(SERVICES):
        assert SERVICE_BY_SLUG[service.slug] is service
        assert SLUG_ORDER[service.slug] == position
        assert is_valid_slug(service.slug)
    assert len(SERVICE_SLUGS) == len(SERVICES)


def test_every_service_has_both_labels_and_a_known_category() -> None:
    for service in SERVICES:
        assert service.label_en and service.label_fr
        assert service.category in {"installation", "diagnostic", "repair", "maintenance"}


def test_brand_tooling_services_name_their_canonical_brand() -> None:
    assert SERVICE_BY_SLUG["bmw_coding"].brand == "BMW"
    assert SERVICE_BY_SLUG["tesla_diagnostics"].brand == "Tesla"
    assert SERVICE_BY_SLUG["mercedes_star"].brand == "Mercedes-Benz"
    assert SERVICE_BY_SLUG["audi_vcds"].brand == "Audi"
    assert SERVICE_BY_SLUG["porsche_piwis"].brand == "Porsche"
    for service in SERVICES:
        if service.brand is not None:
            assert service.brand in CANONICAL_BRANDS
            assert service.needs_specialist


def test_services_are_frozen_and_slotted() -> None:
    service = SERVICE_BY_SLUG["brakes"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        service.slug = "other"  # type: ignore[misc]
    assert not hasattr(service, "__dict__")
    assert isinstance(service, Service)


def test_label_returns_french_when_asked_and_english_by_default() -> None:
    assert label("brakes") == "Brakes"
    assert label("brakes", "fr") == "Freins"
    assert label("remote_starter", "fr-CA") == "Démarreur à distance"


def test_label_of_an_unknown_slug_is_loud() -> None:
    with pytest.raises(KeyError):
        label("flux_capacitor")


def test_is_valid_slug_rejects_unknown_and_non_strings() -> None:
    assert is_valid_slug("hvac")
    assert not is_valid_slug("ac")
    assert not is_valid_slug(None)
    assert not is_valid_slug(3)


def test_sort_slugs_orders_by_taxonomy_and_drops_invalid() -> None:
    assert sort_slugs(["tires", "check_engine_light", "nope", "tires"]) == ["check_engine_light", "tires"]


def test_services_by_category_lists_every_service_once_under_its_category_in_either_language():
    from mechmatch.core.taxonomy import CATEGORIES, SERVICE_BY_SLUG, SERVICES, services_by_category

    for language in ("en", "fr"):
        groups = services_by_category(language)
        assert [category for category, _ in groups] == list(CATEGORIES)
        slugs = [slug for _, options in groups for slug, _ in options]
        assert sorted(slugs) == sorted(s.slug for s in SERVICES)
        assert all(SERVICE_BY_SLUG[slug].category == category for category, options in groups for slug, _ in options)
    assert ("brakes", "Freins") in dict(services_by_category("fr"))["repair"]
