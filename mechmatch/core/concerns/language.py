"""Reply-language guess from function words: enough to pick English or French, not a general
language detector."""

from __future__ import annotations

from collections.abc import Sequence

from mechmatch.core.concerns.lexicon import lexicon
from mechmatch.core.taxonomy import Language


def guess_language(tokens: Sequence[str]) -> Language:
    """French when more tokens are French markers than English ones; English otherwise."""
    markers = lexicon().markers
    fr_words, en_words = markers["fr"], markers["en"]
    fr = sum(1 for t in tokens if t in fr_words)
    en = sum(1 for t in tokens if t in en_words)
    return "fr" if fr > en else "en"
