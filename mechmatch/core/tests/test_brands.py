from __future__ import annotations

import pytest

from mechmatch.core.brands import CANONICAL_BRANDS, find_brands, normalize_brand


def test_canonical_brands_cover_the_north_american_market() -> None:
    for brand in (
        "Acura",
        "Alfa Romeo",
        "Audi",
        "BMW",
        "Buick",
        "Cadillac",
        "Chevrolet",
        "Chrysler",
        "Dodge",
        "Fiat",
        "Ford",
        "Genesis",
        "GMC",
        "Honda",
        "Hyundai",
        "Infiniti",
        "Jaguar",
        "Jeep",
        "Kia",
        "Land Rover",
        "Lexus",
        "Lincoln",
        "Lucid",
        "Maserati",
        "Mazda",
        "Mercedes-Benz",
        "Mini",
        "Mitsubishi",
        "Nissan",
        "Polestar",
        "Porsche",
        "Ram",
        "Rivian",
        "Subaru",
        "Tesla",
        "Toyota",
        "Volkswagen",
        "Volvo",
    ):
        assert brand in CANONICAL_BRANDS
    assert len(CANONICAL_BRANDS) == len(set(CANONICAL_BRANDS)) >= 45


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Chevy", "Chevrolet"),
        ("VW", "Volkswagen"),
        ("volks", "Volkswagen"),
        ("Vdub", "Volkswagen"),
        ("Merc", "Mercedes-Benz"),
        ("Benz", "Mercedes-Benz"),
        ("mercedes", "Mercedes-Benz"),
        ("MB", "Mercedes-Benz"),
        ("mercedes benz", "Mercedes-Benz"),
        ("Beemer", "BMW"),
        ("bimmer", "BMW"),
        ("Landrover", "Land Rover"),
        ("land-rover", "Land Rover"),
        ("Range Rover", "Land Rover"),
        ("  toyota  ", "Toyota"),
        ("HONDA", "Honda"),
        ("alfa romeo", "Alfa Romeo"),
        ("Alfa", "Alfa Romeo"),
        ("gmc", "GMC"),
        ("rolls royce", "Rolls-Royce"),
    ],
)
def test_normalize_brand_maps_aliases_case_and_spacing(raw: str, expected: str) -> None:
    assert normalize_brand(raw) == expected


def test_normalize_brand_ignores_accents() -> None:
    assert normalize_brand("Mércédès-Benz") == "Mercedes-Benz"
    assert normalize_brand("Hyundaï") == "Hyundai"


@pytest.mark.parametrize("raw", [None, "", "   ", "Trabant", "Lada Niva", "car"])
def test_normalize_brand_returns_none_for_unknown_or_empty(raw: str | None) -> None:
    assert normalize_brand(raw) is None


def test_every_canonical_brand_normalises_to_itself() -> None:
    for brand in CANONICAL_BRANDS:
        assert normalize_brand(brand) == brand


def test_find_brands_lists_mentions_in_order_without_duplicates() -> None:
    assert find_brands("My chevy and my wife's VW, both worse than the Chevrolet before") == ["Chevrolet", "Volkswagen"]


def test_find_brands_is_word_bounded() -> None:
    # "ram" inside "program", "kia" inside "kiave", "audi" inside "audio", "ford" inside "afford".
    assert find_brands("I can't afford to program the audio unit") == []


def test_find_brands_needs_capitals_for_brand_names_that_are_everyday_words() -> None:
    assert find_brands("a mini fridge and 8GB of ram") == []
    assert find_brands("My Mini Cooper and my Ram 1500") == ["Mini", "Ram"]


def test_find_brands_handles_multi_word_and_hyphenated_names() -> None:
    assert find_brands("Land-Rover Defender vs Alfa Romeo Giulia") == ["Land Rover", "Alfa Romeo"]
    assert find_brands("Mercedes-Benz C300") == ["Mercedes-Benz"]


def test_find_brands_on_empty_text_is_empty() -> None:
    assert find_brands("") == []
    assert find_brands(None) == []
