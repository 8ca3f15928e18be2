"""The concern lexicon: the data files in mechmatch/core/data/concerns/, read and shape-checked.

The words live in TOML so that adding a phrase (in either language) is a data-file diff only.
They are read on first use rather than at import, and a phrase filed under a key that is neither
a taxonomy slug nor a signal is skipped with a warning instead of stopping the app: the lexicon
tests (core/tests/test_concern_lexicon.py) are where such an entry fails.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from mechmatch.core.taxonomy import SERVICE_SLUGS, Language

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "concerns"

# Phrases under this key swallow their tokens and yield nothing ("take a break", "tire of").
BLOCK = "_block"
# Keys the context rules (concerns/context.py) read; like BLOCK they are never returned.
SIGNALS: frozenset[str] = frozenset(
    {BLOCK, "_buy", "_charge", "_click", "_coding", "_inspect", "_key_turn", "_place", "_smoke", "_speed", "_vibration"}
)


class LexiconError(ValueError):
    """A data file that does not have the shape the extractor reads (names the file and key)."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    # slug or signal -> phrases as written (natural spelling; tokenised when the index is built)
    phrases: Mapping[str, tuple[str, ...]]
    # single token -> the token it stands for
    misspellings: Mapping[str, str]
    # real words that spelling repair must leave alone
    common_words: frozenset[str]
    # function words per language, for the reply-language guess
    markers: Mapping[Language, frozenset[str]]


def load_lexicon(directory: Path) -> Lexicon:
    """Read every data file in `directory`, keeping every key; raises LexiconError on a bad shape."""
    phrases_file = _read(directory / "phrases.toml")
    phrases = {key: _string_list(value, f"phrases.toml: {key}") for key, value in phrases_file.items()}
    misspellings = {
        wrong: _string(right, f"misspellings.toml: {wrong}")
        for wrong, right in _read(directory / "misspellings.toml").items()
    }
    common = _read(directory / "common_words.toml")
    markers = _read(directory / "language_markers.toml")
    return Lexicon(
        phrases=phrases,
        misspellings=misspellings,
        common_words=_word_set(common.get("words"), "common_words.toml: words"),
        markers={
            "fr": _word_set(markers.get("fr"), "language_markers.toml: fr"),
            "en": _word_set(markers.get("en"), "language_markers.toml: en"),
        },
    )


def unknown_keys(phrases: Mapping[str, object]) -> list[str]:
    """Phrase keys that are neither a taxonomy slug nor a signal the context rules read."""
    return [key for key in phrases if key not in SERVICE_SLUGS and key not in SIGNALS]


def without_unknown_keys(lexicon: Lexicon) -> Lexicon:
    """The lexicon minus phrases under unknown keys, each one logged: they could only ever
    produce slugs nothing else understands."""
    unknown = unknown_keys(lexicon.phrases)
    if not unknown:
        return lexicon
    logger.warning("concern phrases under unknown keys are ignored: %s", ", ".join(unknown))
    return replace(lexicon, phrases={k: v for k, v in lexicon.phrases.items() if k not in unknown})


@cache
def lexicon() -> Lexicon:
    """The shipped lexicon, read once per process."""
    return without_unknown_keys(load_lexicon(DATA_DIR))


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path.name}: {exc}") from exc


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise LexiconError(f"{where} must be a string")
    return value


def _string_list(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise LexiconError(f"{where} must be a list of strings")
    return tuple(_string(item, where) for item in value)


def _word_set(value: object, where: str) -> frozenset[str]:
    return frozenset(_string(value, where).split())
