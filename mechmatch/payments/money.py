"""The one home for showing an amount of money: `amount_display(2900, "CAD", "fr-ca")` is
"29,00 $" and in English "$29.00". Pages, receipts and refund notices all call it, with the
page's or the recipient's language. French puts a no-break space before the symbol and
between thousands, so the amount never wraps."""

from __future__ import annotations

NBSP = "\u00a0"
# Currencies we charge in (payments.services.CURRENCY_BY_COUNTRY) show as a dollar sign;
# anything else shows its ISO code after the number.
_SYMBOLS = {"CAD": "$", "USD": "$"}


def _base_language(language: str) -> str:
    return (language or "en").lower().replace("_", "-").split("-")[0]


def amount_display(cents: int, currency: str = "CAD", language: str = "en") -> str:
    """`cents` of `currency` written for a reader of `language` ("en", "fr", "fr-ca", ...)."""
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(int(cents)), 100)
    symbol = _SYMBOLS.get((currency or "").upper())
    if _base_language(language) == "fr":
        number = f"{whole:,}".replace(",", NBSP) + f",{fraction:02d}"
        return f"{sign}{number}{NBSP}{symbol or (currency or '').upper()}"
    number = f"{whole:,}.{fraction:02d}"
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {(currency or '').upper()}"
