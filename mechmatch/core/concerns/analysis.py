"""The concern pipeline: tokens -> repaired tokens -> phrases, codes and brands -> slugs."""

from __future__ import annotations

from dataclasses import dataclass, field

from mechmatch.core.brands import find_brands
from mechmatch.core.concerns.context import Evidence, add_evidence, apply_context_rules
from mechmatch.core.concerns.dtc import code_slugs, find_codes
from mechmatch.core.concerns.index import phrase_index
from mechmatch.core.concerns.language import guess_language
from mechmatch.core.concerns.lexicon import BLOCK, lexicon
from mechmatch.core.concerns.spelling import known_words, repair
from mechmatch.core.taxonomy import SLUG_ORDER, Language
from mechmatch.core.text import tokenise


@dataclass(slots=True)
class ConcernAnalysis:
    keywords: list[str]
    # keyword -> the phrases (or "brand + phrase", or DTC codes) that produced it
    evidence: dict[str, list[str]] = field(default_factory=dict)
    dtc_codes: list[str] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    language: Language = "en"


def analyse_concern(text: str | None) -> ConcernAnalysis:
    if not text or not text.strip():
        return ConcernAnalysis(keywords=[])
    raw = tokenise(text)
    evidence: Evidence = {}
    for toks, slugs in phrase_index().matches(raw, [repair(t) for t in raw]):
        for slug in slugs:
            if slug != BLOCK:
                add_evidence(evidence, slug, " ".join(toks))

    dtc_codes = find_codes(text)
    for code in dtc_codes:
        for slug in code_slugs(code):
            add_evidence(evidence, slug, code)

    brands = find_brands(text)
    apply_context_rules(evidence, brands)

    keywords = sorted((s for s in evidence if not s.startswith("_")), key=SLUG_ORDER.__getitem__)
    return ConcernAnalysis(
        keywords=keywords,
        evidence={s: evidence[s] for s in keywords},
        dtc_codes=dtc_codes,
        brands=brands,
        language=guess_language(raw),
    )


def extract_keywords(text: str | None) -> list[str]:
    """Taxonomy slugs for a concern, in taxonomy order, deduplicated. [] for greetings/noise."""
    return analyse_concern(text).keywords


def clear_caches() -> None:
    """Forget the lexicon and everything compiled from it, so the next call reads the data files
    again: for tests that point the lexicon at other files, and the benchmark's cold-load timing."""
    for cached in (lexicon, phrase_index, known_words, repair):
        cached.cache_clear()
