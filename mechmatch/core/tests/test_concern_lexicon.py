"""The concern data files (mechmatch/core/data/concerns/): a bad entry fails here, not at start."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mechmatch.core.concerns import clear_caches, extract_keywords
from mechmatch.core.concerns import lexicon as lexicon_module
from mechmatch.core.concerns.index import compile_index
from mechmatch.core.concerns.lexicon import (
    DATA_DIR,
    SIGNALS,
    Lexicon,
    LexiconError,
    load_lexicon,
    unknown_keys,
    without_unknown_keys,
)
from mechmatch.core.taxonomy import SERVICE_SLUGS
from mechmatch.core.text import tokenise


@pytest.fixture(scope="module")
def shipped() -> Lexicon:
    return load_lexicon(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data files."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "concerns"))


@pytest.fixture
def use_data_dir() -> Iterator[Callable[[Path], None]]:
    """Point the extractor at other data files; the shipped ones come back afterwards."""
    original = lexicon_module.DATA_DIR

    def use(directory: Path) -> None:
        lexicon_module.DATA_DIR = directory
        clear_caches()

    try:
        yield use
    finally:
        lexicon_module.DATA_DIR = original
        clear_caches()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_phrase_key_is_a_taxonomy_slug_or_a_signal(shipped: Lexicon) -> None:
    assert unknown_keys(shipped.phrases) == []


def test_a_misspelt_slug_in_the_data_is_reported_and_skipped_at_run_time(
    data_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _edit(data_copy / "phrases.toml", "brakes = [", 'brakess = [\n    "squeaky",\n]\n\nbrakes = [')
    loaded = load_lexicon(data_copy)
    assert unknown_keys(loaded.phrases) == ["brakess"]

    with caplog.at_level(logging.WARNING, logger=lexicon_module.__name__):
        usable = without_unknown_keys(loaded)
    assert "brakess" not in usable.phrases and "brakes" in usable.phrases
    assert "brakess" in caplog.text


def test_every_taxonomy_slug_can_be_reached_from_some_phrase(shipped: Lexicon) -> None:
    assert sorted(SERVICE_SLUGS - set(shipped.phrases)) == []
    assert sorted(SIGNALS - set(shipped.phrases)) == []


def test_every_phrase_has_tokens_and_none_is_listed_twice_under_one_key(shipped: Lexicon) -> None:
    for key, phrases in shipped.phrases.items():
        assert phrases, key
        assert all(tokenise(phrase) for phrase in phrases), key
        repeated = sorted({p for p in phrases if phrases.count(p) > 1})
        assert repeated == [], key


def test_misspellings_map_one_token_onto_a_word_the_phrases_use(shipped: Lexicon) -> None:
    vocabulary = compile_index(shipped.phrases).vocabulary
    for wrong, right in shipped.misspellings.items():
        assert tokenise(wrong) == [wrong], wrong
        assert right in vocabulary, (wrong, right)


def test_word_lists_hold_single_tokens_as_the_tokeniser_sees_them(shipped: Lexicon) -> None:
    assert shipped.common_words and shipped.markers["fr"] and shipped.markers["en"]
    assert not shipped.markers["fr"] & shipped.markers["en"]
    for word in shipped.common_words | shipped.markers["fr"] | shipped.markers["en"]:
        assert tokenise(word) == [word], word


def test_a_french_phrase_added_to_the_data_file_is_recognised(
    data_copy: Path, use_data_dir: Callable[[Path], None]
) -> None:
    assert extract_keywords("mon lave-glace marche pas") == []
    _edit(data_copy / "phrases.toml", "electrical = [", 'electrical = [\n    "lave-glace",')
    use_data_dir(data_copy)
    assert extract_keywords("mon lave-glace marche pas") == ["electrical"]
    assert extract_keywords("mes freins grincent") == ["brakes"]


def test_a_data_file_of_the_wrong_shape_names_the_file_and_the_key(data_copy: Path) -> None:
    _edit(data_copy / "phrases.toml", "brakes = [", 'brakes = "squeal"\nold_brakes = [')
    with pytest.raises(LexiconError, match="phrases.toml: brakes"):
        load_lexicon(data_copy)


def test_a_data_file_that_is_not_toml_names_the_file(data_copy: Path) -> None:
    (data_copy / "misspellings.toml").write_text("breaks = brakes\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="misspellings.toml"):
        load_lexicon(data_copy)
