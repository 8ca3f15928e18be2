"""Folding and tokenising free text, shared by concern extraction and brand lookup.

Owners type in English and Québec French, with or without accents, in any case, with
typographic apostrophes. Everything that compares their words with ours goes through `fold`
first, so "Démarreur", "DEMARREUR" and "demarreur" are one word; and phrase tables go through
the same `tokenise` as the owner's text, so the two can never disagree.
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
# "a/c" must survive tokenisation as one token; so must "id.4"-style names via the regex above.
_AC_RE = re.compile(r"\ba\s*/\s*c\b")
# English contractions split by the tokeniser ("won't" -> won + t); glue them back so phrase
# tables can say "wont start" once and match "won't start", "wont start" and "won’t start".
_CONTRACTION_HEADS = frozenset(
    {
        "won",
        "can",
        "don",
        "doesn",
        "isn",
        "aren",
        "didn",
        "wasn",
        "weren",
        "wouldn",
        "couldn",
        "shouldn",
        "hasn",
        "haven",
        "ain",
    }
)


def fold(text: str) -> str:
    """Lower-case and strip accents (é -> e) so 'Citroën'-style input compares plainly."""
    if text.isascii():  # the common case; skips the per-character Unicode walk (hot path)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenise(text: str) -> list[str]:
    """Folded word tokens: letters and digits, "a/c" kept as "ac", "won't" glued to "wont"."""
    folded = _AC_RE.sub(" ac ", fold(text))
    raw = _TOKEN_RE.findall(folded)
    tokens: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok in _CONTRACTION_HEADS and i + 1 < len(raw) and raw[i + 1] == "t":
            tokens.append(tok + "t")
            i += 2
            continue
        tokens.append(tok)
        i += 1
    return tokens
