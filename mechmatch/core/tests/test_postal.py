from __future__ import annotations

import time

import pytest

from mechmatch.core.postal import (
    PROVINCES,
    US_STATES,
    PostalCodeError,
    fsa,
    is_fsa_only,
    is_valid_postal_code,
    normalize_country,
    normalize_postal_code,
    normalize_region,
)

INJECTIONS = [
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    "M5V 2T6'; --",
    "M5V<b>2T6",
    "48226\x00",
    "${jndi:ldap://x}",
]


@pytest.mark.parametrize("raw", ["M5V 2T6", "K1P 1J1", "H2X 1Y4", "V6B 4Y8", "X1A 2P7", "A1C 5M2"])
def test_it_accepts_a_canadian_postal_code_in_canonical_form(raw: str) -> None:
    assert normalize_postal_code(raw, "CA") == raw


@pytest.mark.parametrize("raw", ["m5v2t6", " M5V  2T6 ", "m5V 2t6", "\tM5V2T6\n", "M5V-2T6"])
def test_it_normalizes_odd_spacing_and_case_for_canada(raw: str) -> None:
    assert normalize_postal_code(raw, "CA") == "M5V 2T6"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("48226", "48226"),
        (" 48226 ", "48226"),
        ("48226-1234", "48226-1234"),
        ("482261234", "48226-1234"),
        ("48226 1234", "48226-1234"),
        ("02127", "02127"),
    ],
)
def test_it_accepts_us_zip_and_zip_plus_four(raw: str, expected: str) -> None:
    assert normalize_postal_code(raw, "US") == expected


def test_it_refuses_a_us_zip_for_canada() -> None:
    with pytest.raises(PostalCodeError) as info:
        normalize_postal_code("90210", "CA")
    assert str(info.value).startswith("'90210' is not a Canadian postal code; use the form A1A 1A1")


def test_it_refuses_a_canadian_postal_code_for_the_us() -> None:
    with pytest.raises(PostalCodeError) as info:
        normalize_postal_code("M5V 2T6", "US")
    assert "'M5V 2T6' is not a US ZIP code" in str(info.value)
    assert "12345" in str(info.value)


@pytest.mark.parametrize("raw", ["4822", "482261", "ABCDE", "48226-12", "48226--1234x", "4 8226"])
def test_it_refuses_malformed_us_zips(raw: str) -> None:
    with pytest.raises(PostalCodeError):
        normalize_postal_code(raw, "US")


@pytest.mark.parametrize("raw", ["M5V 2T", "M5V 2T66", "55V 2T6", "MMV 2T6", "M5V2T6X", "M 5V 2T6"])
def test_it_refuses_malformed_canadian_codes(raw: str) -> None:
    with pytest.raises(PostalCodeError):
        normalize_postal_code(raw, "CA")


@pytest.mark.parametrize("letter", list("DFIOQU"))
@pytest.mark.parametrize("template", ["{}5V 2T6", "M5{} 2T6", "M5V 2{}6"])
def test_it_refuses_letters_canada_post_never_uses(letter: str, template: str) -> None:
    with pytest.raises(PostalCodeError) as info:
        normalize_postal_code(template.format(letter), "CA")
    assert letter in str(info.value)


@pytest.mark.parametrize("letter", ["W", "Z"])
def test_it_refuses_w_and_z_as_the_first_letter_but_allows_them_later(letter: str) -> None:
    with pytest.raises(PostalCodeError, match="starts with the letter"):
        normalize_postal_code(f"{letter}1A 1A1", "CA")
    assert normalize_postal_code(f"K1{letter} 1{letter}1", "CA") == f"K1{letter} 1{letter}1"


@pytest.mark.parametrize("country", ["CA", "US"])
@pytest.mark.parametrize("raw", INJECTIONS)
def test_it_refuses_injection_strings_without_echoing_them(raw: str, country: str) -> None:
    with pytest.raises(PostalCodeError) as info:
        normalize_postal_code(raw, country)
    message = str(info.value)
    assert "<" not in message and "DROP" not in message and "jndi" not in message and "\x00" not in message


@pytest.mark.parametrize("country", ["CA", "US"])
def test_it_refuses_very_long_input_quickly_with_a_short_message(country: str) -> None:
    started = time.perf_counter()
    with pytest.raises(PostalCodeError, match="too long") as info:
        normalize_postal_code("M5V 2T6" * 1500 + "x" * 10_000, country)
    assert time.perf_counter() - started < 0.05
    assert len(str(info.value)) < 120


@pytest.mark.parametrize("country", ["CA", "US"])
@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_it_refuses_empty_input(raw: str, country: str) -> None:
    with pytest.raises(PostalCodeError, match="Enter a"):
        normalize_postal_code(raw, country)


def test_it_refuses_a_postal_code_that_is_not_text() -> None:
    with pytest.raises(PostalCodeError):
        normalize_postal_code(48226, "US")  # type: ignore[arg-type]


def test_a_postal_code_error_is_a_value_error() -> None:
    assert issubclass(PostalCodeError, ValueError)


def test_is_valid_postal_code_answers_without_raising() -> None:
    assert is_valid_postal_code("m5v2t6", "CA")
    assert is_valid_postal_code("48226-1234", "US")
    assert not is_valid_postal_code("90210", "CA")
    assert not is_valid_postal_code("D5V 2T6", "CA")
    assert not is_valid_postal_code("48226", "Mexico")


def test_fsa_is_the_first_three_characters_of_the_normalized_code() -> None:
    assert fsa(" n9a1a1 ") == "N9A"
    with pytest.raises(PostalCodeError):
        fsa("48226")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CA", "CA"),
        ("ca", "CA"),
        ("Canada", "CA"),
        (" canada ", "CA"),
        ("US", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("united states of america", "US"),
    ],
)
def test_it_normalizes_country_spellings(raw: str, expected: str) -> None:
    assert normalize_country(raw) == expected


@pytest.mark.parametrize("raw", ["Mexico", "MX", "", "Canadaa", "<script>", "x" * 10_000])
def test_it_refuses_other_countries_with_a_clear_message(raw: str) -> None:
    with pytest.raises(ValueError, match="Canada") as info:
        normalize_country(raw)
    assert "<" not in str(info.value) and len(str(info.value)) < 120


def test_it_lists_all_thirteen_provinces_and_every_state() -> None:
    assert len(PROVINCES) == 13
    assert {"NL", "PE", "NS", "NB", "QC", "ON", "MB", "SK", "AB", "BC", "YT", "NT", "NU"} == set(PROVINCES)
    assert len(set(US_STATES) - {"DC", "PR"}) == 50
    assert "DC" in US_STATES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("on", "ON"),
        ("Ontario", "ON"),
        ("Québec", "QC"),
        ("quebec", "QC"),
        ("QC", "QC"),
        ("British Columbia", "BC"),
        ("prince edward island", "PE"),
        ("Newfoundland and Labrador", "NL"),
        ("Northwest Territories", "NT"),
        ("Colombie-Britannique", "BC"),
    ],
)
def test_it_normalizes_province_codes_and_names(raw: str, expected: str) -> None:
    assert normalize_region(raw, "CA") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("mi", "MI"), ("Michigan", "MI"), ("NEW YORK", "NY"), ("District of Columbia", "DC"), ("ca", "CA")],
)
def test_it_normalizes_state_codes_and_names(raw: str, expected: str) -> None:
    assert normalize_region(raw, "US") == expected


@pytest.mark.parametrize(
    ("raw", "country"), [("Ontario", "US"), ("Michigan", "CA"), ("ZZ", "CA"), ("", "US"), ("<b>", "US")]
)
def test_it_refuses_regions_of_the_other_country_or_unknown(raw: str, country: str) -> None:
    with pytest.raises(ValueError) as info:
        normalize_region(raw, country)
    assert "<" not in str(info.value)


@pytest.mark.parametrize("raw", ["M5V", "m5v", " m5v\t", "K1W"])
def test_it_accepts_a_forward_sortation_area_alone(raw: str) -> None:
    code = normalize_postal_code(raw, "CA")
    assert code == raw.strip().upper() and is_fsa_only(code) and fsa(code) == code


def test_a_full_code_is_not_an_fsa_alone() -> None:
    assert not is_fsa_only(normalize_postal_code("M5V 2T6", "CA"))


@pytest.mark.parametrize(("raw", "reason"), [("D5V", "starts with the letter D"), ("M5D", "never uses the letter D")])
def test_an_fsa_alone_follows_the_same_letter_rules(raw: str, reason: str) -> None:
    with pytest.raises(PostalCodeError, match=reason):
        normalize_postal_code(raw, "CA")


def test_postal_area_is_the_fsa_in_canada_and_the_zip3_in_the_us():
    from mechmatch.core.postal import postal_area

    assert postal_area("m5v 2t6") == "M5V"
    assert postal_area("94107-1234") == "941"
    assert postal_area("") == ""
