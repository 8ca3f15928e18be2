from __future__ import annotations

import pytest

from mechmatch.core.text import fold, tokenise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Démarreur À Distance", "demarreur a distance"),
        ("CITROËN", "citroen"),
        ("ça", "ca"),
        ("Plain ASCII", "plain ascii"),
    ],
)
def test_fold_lower_cases_and_strips_accents(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_tokenise_splits_on_word_boundaries_after_folding() -> None:
    assert tokenise("Mon VOYANT moteur, est allumé!!!") == ["mon", "voyant", "moteur", "est", "allume"]


def test_tokenise_keeps_a_slash_c_as_one_token_but_not_inside_words() -> None:
    assert tokenise("my A/C and a / c") == ["my", "ac", "and", "ac"]
    assert tokenise("data/config") == ["data", "config"]


def test_tokenise_glues_english_contractions_with_either_apostrophe() -> None:
    assert tokenise("won't start") == ["wont", "start"]
    assert tokenise("doesn’t crank") == ["doesnt", "crank"]
    # Only known contraction heads: "it's" stays two tokens.
    assert tokenise("it's t") == ["it", "s", "t"]


def test_tokenise_keeps_dotted_model_names_together() -> None:
    assert tokenise("my ID.4 battery") == ["my", "id.4", "battery"]
