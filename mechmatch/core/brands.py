"""Car brands sold (or still commonly driven) in Canada and the US, and alias normalisation.

Owners type "chevy", "VW", "Benz", "bimmer", "Landrover"; mechanics declare brands from a
list. normalize_brand maps the former onto the latter so matching compares like with like.
"""

from __future__ import annotations

import re

from mechmatch.core.text import fold

CANONICAL_BRANDS: tuple[str, ...] = (
    "Acura",
    "Alfa Romeo",
    "Aston Martin",
    "Audi",
    "Bentley",
    "BMW",
    "Buick",
    "Cadillac",
    "Chevrolet",
    "Chrysler",
    "Dodge",
    "Ferrari",
    "Fiat",
    "Fisker",
    "Ford",
    "Genesis",
    "GMC",
    "Honda",
    "Hummer",
    "Hyundai",
    "Infiniti",
    "Jaguar",
    "Jeep",
    "Kia",
    "Lamborghini",
    "Land Rover",
    "Lexus",
    "Lincoln",
    "Lotus",
    "Lucid",
    "Maserati",
    "Mazda",
    "McLaren",
    "Mercedes-Benz",
    "Mercury",
    "Mini",
    "Mitsubishi",
    "Nissan",
    "Pontiac",
    "Polestar",
    "Porsche",
    "Ram",
    "Rivian",
    "Rolls-Royce",
    "Saab",
    "Saturn",
    "Scion",
    "Smart",
    "Subaru",
    "Suzuki",
    "Tesla",
    "Toyota",
    "VinFast",
    "Volkswagen",
    "Volvo",
)

# Nicknames and common misspellings -> canonical. Keys are written naturally; they are folded
# with the same _key() as user input, so "Land-Rover", "land rover" and "LANDROVER" all hit.
_ALIASES: dict[str, str] = {
    "chevy": "Chevrolet",
    "chev": "Chevrolet",
    "chevrolet": "Chevrolet",
    "chevy truck": "Chevrolet",
    "vw": "Volkswagen",
    "volks": "Volkswagen",
    "vdub": "Volkswagen",
    "v dub": "Volkswagen",
    "volkswagon": "Volkswagen",
    "volkswagen": "Volkswagen",
    "merc": "Mercedes-Benz",
    "benz": "Mercedes-Benz",
    "mercedes": "Mercedes-Benz",
    "mb": "Mercedes-Benz",
    "mercedez": "Mercedes-Benz",
    "mercedes benz": "Mercedes-Benz",
    "mercedez benz": "Mercedes-Benz",
    "beemer": "BMW",
    "bimmer": "BMW",
    "beamer": "BMW",
    "bmw": "BMW",
    "landrover": "Land Rover",
    "range rover": "Land Rover",
    "rangerover": "Land Rover",
    "alfa": "Alfa Romeo",
    "caddy": "Cadillac",
    "caddie": "Cadillac",
    "lambo": "Lamborghini",
    "rolls": "Rolls-Royce",
    "roller": "Rolls-Royce",
    "mini cooper": "Mini",
    "hyundia": "Hyundai",
    "hundai": "Hyundai",
    "toyta": "Toyota",
    "porshe": "Porsche",
    "porche": "Porsche",
    "infinity": "Infiniti",
    "mazada": "Mazda",
    "mitsu": "Mitsubishi",
    "subie": "Subaru",
    "suby": "Subaru",
    "jag": "Jaguar",
    "dodge ram": "Ram",
    "ram trucks": "Ram",
    "aston": "Aston Martin",
}

# Brand words that are also everyday words. find_brands only accepts them when the original
# text capitalises them ("my Mini", not "a mini fridge"); normalize_brand, which is given a
# brand field, accepts them regardless.
_AMBIGUOUS_IN_TEXT: frozenset[str] = frozenset(
    {
        "mini",
        "ram",
        "smart",
        "genesis",
        "lucid",
        "mercury",
        "saturn",
        "lotus",
        "caddy",
        "caddie",
        "roller",
        "rolls",
        "jag",
        "aston",
        "volks",
        "chev",
    }
)
# Aliases too short or generic to trust in free text at all ("5 mb", "merc" is fine).
_NEVER_IN_TEXT: frozenset[str] = frozenset({"mb"})


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    # Spaces, hyphens and punctuation are dropped entirely: "Land-Rover" == "landrover".
    return _NON_ALNUM.sub("", fold(text))


_LOOKUP: dict[str, str] = {_key(b): b for b in CANONICAL_BRANDS}
_LOOKUP.update({_key(alias): brand for alias, brand in _ALIASES.items()})


def normalize_brand(raw: str | None) -> str | None:
    """Canonical brand for a free-form brand field, or None when it is empty or unknown."""
    if not raw:
        return None
    return _LOOKUP.get(_key(raw))


def _phrase_pattern(phrase: str) -> str:
    # Between words of a multi-word name allow any run of spaces/hyphens ("Alfa-Romeo").
    words = _NON_ALNUM.split(fold(phrase))
    return r"[\s\-]*".join(re.escape(w) for w in words if w)


# One alternation, longest names first so "mercedes benz" wins over "mercedes" and "range rover"
# is not read as nothing. Matching runs on folded text; \b keeps "ram" out of "program".
_NAME_PAIRS = [(fold(b), b) for b in CANONICAL_BRANDS] + [(fold(a), b) for a, b in _ALIASES.items()]
_TEXT_NAMES: dict[str, str] = {name: brand for name, brand in _NAME_PAIRS if name not in _NEVER_IN_TEXT}
_TEXT_RE = re.compile(
    r"\b(" + "|".join(_phrase_pattern(n) for n in sorted(_TEXT_NAMES, key=len, reverse=True)) + r")\b"
)
_TEXT_NAME_BY_KEY: dict[str, str] = {_key(n): n for n in _TEXT_NAMES}


def find_brands(text: str | None) -> list[str]:
    """Canonical brands mentioned in free text, in order of first mention, deduplicated."""
    if not text:
        return []
    folded = fold(text)
    # NFKD + combining-strip keeps one character per original character for Latin text, so
    # offsets in `folded` line up with `text` and we can check the original capitalisation.
    aligned = len(folded) == len(text)
    found: list[str] = []
    for match in _TEXT_RE.finditer(folded):
        name = _TEXT_NAME_BY_KEY[_key(match.group(1))]
        if name in _AMBIGUOUS_IN_TEXT:
            original = text[match.start() : match.end()] if aligned else match.group(1)
            if not original[:1].isupper():
                continue
        brand = _TEXT_NAMES[name]
        if brand not in found:
            found.append(brand)
    return found
