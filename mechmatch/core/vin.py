"""North American VIN validation (ISO 3779 with the 49 CFR 565 check digit)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_VIN_SHAPE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


class VinError(ValueError):
    pass


def normalize_vin(raw: str) -> str:
    vin = (raw or "").strip().upper().replace(" ", "").replace("-", "")
    if len(vin) != 17:
        raise VinError(_("A VIN has exactly 17 characters."))
    if not _VIN_SHAPE.match(vin):
        raise VinError(_("A VIN uses only digits and letters other than I, O and Q."))
    total = sum(_TRANSLITERATION[ch] * weight for ch, weight in zip(vin, _WEIGHTS, strict=True))
    check = total % 11
    expected = "X" if check == 10 else str(check)
    if vin[8] != expected:
        raise VinError(_("This VIN's check digit does not match; please check it for typos."))
    return vin
