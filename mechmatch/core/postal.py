"""Country, region and postal-code validation for Canada and the United States.

Pure Python on purpose: forms, the API, the seeder and the geocoder all share these rules,
and none of them should need Django to validate an address.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "MAX_INPUT_LENGTH",
    "PROVINCES",
    "US_STATES",
    "PostalCodeError",
    "fold_name",
    "fsa",
    "is_fsa_only",
    "is_valid_postal_code",
    "normalize_country",
    "normalize_postal_code",
    "normalize_region",
]

# Nothing legitimate is this long; refusing early keeps regexes and messages cheap on hostile input.
MAX_INPUT_LENGTH = 20

PROVINCES: dict[str, str] = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

# French names, historical abbreviations and the spellings used by the GeoNames-derived data.
_PROVINCE_ALIASES: dict[str, str] = {
    "alberta": "AB",
    "colombie britannique": "BC",
    "manitoba": "MB",
    "nouveau brunswick": "NB",
    "newfoundland": "NL",
    "labrador": "NL",
    "terre neuve et labrador": "NL",
    "nf": "NL",
    "nfld": "NL",
    "nouvelle ecosse": "NS",
    "northwest territory": "NT",
    "territoires du nord ouest": "NT",
    "nwt": "NT",
    "nunavut territory": "NU",
    "ile du prince edouard": "PE",
    "pei": "PE",
    "pq": "QC",
    "que": "QC",
    "yukon territory": "YT",
    "yk": "YT",
}
_STATE_ALIASES: dict[str, str] = {
    "washington dc": "DC",
    "washington d c": "DC",
    "d c": "DC",
}

# The countries served, by their ISO codes: what the API takes and answers.
COUNTRY_CODES = ("CA", "US")
_COUNTRIES: dict[str, str] = {
    "ca": "CA",
    "can": "CA",
    "canada": "CA",
    "us": "US",
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "united states": "US",
    "united states of america": "US",
}

# Canada Post never uses D F I O Q U (OCR confusion) and never starts a code with W or Z.
_CA_FIRST = "ABCEGHJKLMNPRSTVXY"
_CA_OTHER = "ABCEGHJKLMNPRSTVWXYZ"
# The local delivery unit (the last three characters) is optional: "M5V" alone names a forward
# sortation area, which is all some people will give.
_CA_SHAPE = re.compile(r"([A-Z][0-9][A-Z])(?:[\s-]*([0-9][A-Z][0-9]))?")
_US_SHAPE = re.compile(r"([0-9]{5})(?:[\s-]*([0-9]{4}))?")
# Only these characters ever appear in a postal code as people type it; anything else is not
# echoed back in messages so hostile input is never reflected.
_PLAIN = re.compile(r"[A-Za-z0-9 -]*")

_CA_HINT = gettext_lazy("use the form A1A 1A1")
_US_HINT = gettext_lazy("use the form 12345 or 12345-6789")


class PostalCodeError(ValueError):
    """A postal code that is empty, malformed or from the other country; the message is shown to users."""


def fold_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free key, so 'Québec', 'QUEBEC' and 'quebec' match."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", stripped.casefold()).split())


def _shown(raw: str) -> str:
    """How to name the user's input in a message without reflecting markup or megabytes back."""
    value = raw.strip()
    if len(value) <= MAX_INPUT_LENGTH and _PLAIN.fullmatch(value):
        return f"'{value}'"
    return _("That value")


def normalize_country(raw: str) -> str:
    """Return 'CA' or 'US' for the usual spellings of either country."""
    if raw == "CA" or raw == "US":  # the hot path: callers usually pass already-normal codes
        return raw
    if not isinstance(raw, str) or len(raw) > 40:
        raise ValueError(_("Country must be Canada (CA) or the United States (US)."))
    country = _COUNTRIES.get(fold_name(raw))
    if country is None:
        raise ValueError(
            _("%(country)s is not a supported country; use Canada (CA) or the United States (US).")
            % {"country": _shown(raw)}
        )
    return country


def normalize_postal_code(raw: str, country: str) -> str:
    """Canonical form: 'A1A 1A1' (or the FSA alone, 'A1A') for Canada, '12345' or '12345-6789' for the US."""
    country = normalize_country(country)
    if not isinstance(raw, str):
        raise PostalCodeError(_("A postal code must be text."))
    if len(raw) > MAX_INPUT_LENGTH:
        raise PostalCodeError(_("That postal code is too long (over %(n)s characters).") % {"n": MAX_INPUT_LENGTH})
    value = raw.strip().upper()
    if not value:
        raise PostalCodeError(_("Enter a postal code.") if country == "CA" else _("Enter a ZIP code."))
    return _normalize_ca(raw, value) if country == "CA" else _normalize_us(raw, value)


def _normalize_ca(raw: str, value: str) -> str:
    match = _CA_SHAPE.fullmatch(value)
    if match is None:
        if _US_SHAPE.fullmatch(value):
            raise PostalCodeError(
                _("%(code)s is not a Canadian postal code; %(hint)s (that looks like a US ZIP code).")
                % {"code": _shown(raw), "hint": _CA_HINT}
            )
        raise PostalCodeError(
            _("%(code)s is not a Canadian postal code; %(hint)s.") % {"code": _shown(raw), "hint": _CA_HINT}
        )
    area, unit = match.groups()
    code = f"{area} {unit}" if unit else area
    if code[0] not in _CA_FIRST:
        raise PostalCodeError(
            _("%(code)s is not a Canadian postal code: no postal code starts with the letter %(letter)s.")
            % {"code": _shown(raw), "letter": code[0]}
        )
    for letter in code[2::3]:  # the letters at positions 2 and 5 (just 2 for an FSA)
        if letter not in _CA_OTHER:
            raise PostalCodeError(
                _("%(code)s is not a Canadian postal code: Canada Post never uses the letter %(letter)s.")
                % {"code": _shown(raw), "letter": letter}
            )
    return code


def _normalize_us(raw: str, value: str) -> str:
    match = _US_SHAPE.fullmatch(value)
    if match is None:
        if _CA_SHAPE.fullmatch(value):
            raise PostalCodeError(
                _("%(code)s is not a US ZIP code; %(hint)s (that looks like a Canadian postal code).")
                % {"code": _shown(raw), "hint": _US_HINT}
            )
        raise PostalCodeError(_("%(code)s is not a US ZIP code; %(hint)s.") % {"code": _shown(raw), "hint": _US_HINT})
    zip5, plus4 = match.groups()
    return f"{zip5}-{plus4}" if plus4 else zip5


_FOLDED_PROVINCES = {fold_name(name): code for code, name in PROVINCES.items()}
_FOLDED_STATES = {fold_name(name): code for code, name in US_STATES.items()}


def is_fsa_only(code: str) -> bool:
    """True for a normalized Canadian code that names only its forward sortation area ('M5V')."""
    return len(code) == 3


def fsa(code: str) -> str:
    """Forward sortation area: the first three characters of a Canadian postal code."""
    return normalize_postal_code(code, "CA")[:3]


def is_valid_postal_code(raw: str, country: str) -> bool:
    try:
        normalize_postal_code(raw, country)
    except ValueError:
        return False
    return True


def normalize_region(raw: str, country: str) -> str:
    """Two-letter province or state code from a code or a full name (English; French for provinces)."""
    country = normalize_country(country)
    names, aliases = (PROVINCES, _PROVINCE_ALIASES) if country == "CA" else (US_STATES, _STATE_ALIASES)
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 60:
        raise ValueError(_("Enter a Canadian province or territory.") if country == "CA" else _("Enter a US state."))
    key = fold_name(raw)
    if key.upper() in names:
        return key.upper()
    code = (_FOLDED_PROVINCES if country == "CA" else _FOLDED_STATES).get(key) or aliases.get(key)
    if code:
        return code
    if country == "CA":
        raise ValueError(_("%(region)s is not a Canadian province or territory.") % {"region": _shown(raw)})
    raise ValueError(_("%(region)s is not a US state.") % {"region": _shown(raw)})


def postal_area(code: str) -> str:
    """The area a code belongs to for supply tables: the FSA in Canada ('M5V'), the ZIP3 in
    the US ('941'); '' when there is no usable code."""
    cleaned = "".join(code.split()).upper()
    if len(cleaned) < 3:
        return ""
    return cleaned[:3]
