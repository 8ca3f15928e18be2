"""Cells safe to open in a spreadsheet: a cell that starts with = + - @ (or a tab or carriage
return) would be read as a formula (CSV injection), so it is prefixed with an apostrophe,
which spreadsheets show as text. OWASP's recommendation."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
