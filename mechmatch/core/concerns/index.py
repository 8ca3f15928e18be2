"""The compiled phrase index: every lexicon phrase as a token tuple, looked up by first token.

Built once per process on first use (a few tens of milliseconds); a lookup is then one dict
probe per candidate phrase length. One phrase may belong to several slugs; identical token
tuples listed under two keys are merged here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from mechmatch.core.concerns.lexicon import BLOCK, lexicon
from mechmatch.core.text import tokenise

Tokens = tuple[str, ...]
# A matched phrase: its tokens and the slugs (or signals) it yields.
Match = tuple[Tokens, tuple[str, ...]]
# Per first token: (phrase length, {tokens: slugs}) pairs, longest first.
_LengthTables = tuple[tuple[int, dict[Tokens, tuple[str, ...]]], ...]


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    by_first_token: dict[str, _LengthTables]
    # every token of every phrase
    vocabulary: frozenset[str]
    # alphabetic vocabulary words long enough that a one/two-letter slip is still unambiguous,
    # bucketed by length so a fuzzy lookup only compares against plausible candidates
    fuzzy_targets: dict[int, tuple[str, ...]]
    # which slugs a word yields on its own, to decide whether a fuzzy tie is harmless
    single_token_slugs: dict[str, frozenset[str]]

    def matches(self, raw: Sequence[str], repaired: Sequence[str]) -> Iterator[Match]:
        """Longest-match scan, left to right. Phrases are tried against the raw tokens and the
        spelling-repaired ones; raw wins ties so block phrases ("breaks down") see what the owner
        actually typed."""
        sequences = (raw,) if raw == repaired else (raw, repaired)
        by_first_token = self.by_first_token  # a local: this loop runs once per token
        i, n = 0, len(raw)
        while i < n:
            best: Match | None = None
            for seq in sequences:
                for size, table in by_first_token.get(seq[i], ()):
                    if best is not None and size <= len(best[0]):
                        break  # longest-first; nothing longer remains for this sequence
                    key = tuple(seq[i : i + size])
                    found = table.get(key)
                    if found is not None:
                        best = (key, found)
                        break
            if best is None:
                i += 1
                continue
            yield best
            i += len(best[0])


def compile_index(phrases: Mapping[str, Sequence[str]]) -> PhraseIndex:
    merged: dict[Tokens, list[str]] = {}
    for slug, slug_phrases in phrases.items():
        for phrase in slug_phrases:
            toks = tuple(tokenise(phrase))
            if toks and slug not in merged.setdefault(toks, []):
                merged[toks].append(slug)

    tables: dict[str, dict[int, dict[Tokens, tuple[str, ...]]]] = {}
    for toks, slugs in merged.items():
        # A real keyword beats a block entry for the exact same tokens.
        real = tuple(s for s in slugs if s != BLOCK) or (BLOCK,)
        tables.setdefault(toks[0], {}).setdefault(len(toks), {})[toks] = real
    by_first_token = {first: tuple(sorted(by_size.items(), reverse=True)) for first, by_size in tables.items()}

    vocabulary = frozenset(t for toks in merged for t in toks)
    fuzzy_targets: dict[int, tuple[str, ...]] = {}
    for word in sorted(vocabulary):
        if len(word) >= 5 and word.isalpha():
            fuzzy_targets[len(word)] = fuzzy_targets.get(len(word), ()) + (word,)
    single_token_slugs = {
        toks[0]: frozenset(slugs)
        for by_size in tables.values()
        for size, table in by_size.items()
        if size == 1
        for toks, slugs in table.items()
    }
    return PhraseIndex(by_first_token, vocabulary, fuzzy_targets, single_token_slugs)


@cache
def phrase_index() -> PhraseIndex:
    """The index of the shipped lexicon, compiled once per process."""
    return compile_index(lexicon().phrases)
