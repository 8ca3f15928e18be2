"""Spelling repair of one token: the explicit misspelling table, then a bounded
Damerau-Levenshtein search over the phrase vocabulary.

Conservative on purpose: short tokens ("ac", "cel", "cat", "tire") are exactly where fuzzy
matchers produce nonsense, so they are never fuzzed, and known words (vocabulary, common words,
language markers) are never changed. When unsure, the token comes back unchanged.
"""

from __future__ import annotations

from functools import cache, lru_cache

from mechmatch.core.concerns.index import PhraseIndex, phrase_index
from mechmatch.core.concerns.lexicon import lexicon


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance with an early exit once every cell exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


@cache
def known_words() -> frozenset[str]:
    """Everyday words that must never be "repaired" into vocabulary."""
    words = lexicon()
    return (
        phrase_index().vocabulary
        | words.common_words
        | frozenset(words.misspellings)
        | words.markers["fr"]
        | words.markers["en"]
    )


@lru_cache(maxsize=8192)
def repair(token: str) -> str:
    """Best-effort spelling repair of one token; returns the token unchanged when unsure."""
    fixed = lexicon().misspellings.get(token)
    if fixed is not None:
        return fixed
    # Tokens over 30 letters are not words; skipping them also keeps the cache small under abuse.
    if len(token) < 6 or len(token) > 30 or token in known_words() or not token.isalpha():
        return token
    index = phrase_index()
    limit = 2 if len(token) >= 9 else 1
    best: str | None = None
    best_distance = limit + 1
    tie = False
    for candidate in _candidates(index, token, limit):
        distance = damerau_levenshtein(token, candidate, limit)
        if distance < best_distance:
            best, best_distance, tie = candidate, distance, False
        elif distance == best_distance and candidate != best:
            tie = True
    # Two equally close candidates (e.g. plural/singular) are fine only if they mean the same slug.
    if best is None or (tie and not _same_meaning_neighbours(index, token, best_distance, limit)):
        return token
    return best


def _candidates(index: PhraseIndex, token: str, limit: int) -> list[str]:
    # Misspellings keep the first letter in practice; this also halves the work.
    return [
        candidate
        for length in range(len(token) - limit, len(token) + limit + 1)
        for candidate in index.fuzzy_targets.get(length, ())
        if candidate[0] == token[0]
    ]


def _same_meaning_neighbours(index: PhraseIndex, token: str, distance: int, limit: int) -> bool:
    slugs: set[str] = set()
    for candidate in _candidates(index, token, limit):
        if damerau_levenshtein(token, candidate, limit) == distance:
            slugs |= index.single_token_slugs.get(candidate, frozenset({"?" + candidate}))
    return len(slugs) == 1
