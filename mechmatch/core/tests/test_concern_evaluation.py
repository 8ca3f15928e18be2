from __future__ import annotations

from mechmatch.core.evaluation import LABELLED_PATH, EvaluationResult, LabelledRow, evaluate, load_labelled
from mechmatch.core.taxonomy import is_valid_slug

# Floors below the current scores (see report) so a regression fails, while leaving room to
# add harder labelled rows without immediately breaking the build.
PRECISION_FLOOR = 0.90
RECALL_FLOOR = 0.85


def test_labelled_set_is_large_enough_and_well_formed() -> None:
    rows = load_labelled()
    assert len(rows) >= 150
    for row in rows:
        assert set(row) == {"text", "keywords"}, row
        assert isinstance(row["text"], str)
        assert all(is_valid_slug(slug) for slug in row["keywords"]), row
        assert len(set(row["keywords"])) == len(row["keywords"]), row


def test_labelled_set_keeps_its_hard_cases() -> None:
    # Guard against "tuning" the set by deleting what the extractor gets wrong.
    rows = load_labelled()
    texts = " ".join(row["text"].lower() for row in rows)
    for trap in ("back", "black", "cancel", "excellent", "alarming", "accord", "practical", "break even"):
        assert trap in texts, trap
    assert sum(1 for row in rows if not row["keywords"]) >= 20  # greetings and traps
    assert sum(1 for row in rows if len(row["keywords"]) >= 2) >= 30  # multi-issue messages


def test_extractor_stays_above_precision_and_recall_floors() -> None:
    result = evaluate(load_labelled())
    details = "\n".join(f"{e.text[:70]!r} missing={e.missing} extra={e.extra}" for e in result.errors)
    assert result.precision >= PRECISION_FLOOR, details
    assert result.recall >= RECALL_FLOOR, details


def test_evaluate_micro_averages_over_text_slug_pairs() -> None:
    rows: list[LabelledRow] = [{"text": "a", "keywords": ["brakes", "tires"]}, {"text": "b", "keywords": []}]
    fake = {"a": ["brakes", "hvac"], "b": ["audio"]}
    result = evaluate(rows, extractor=fake.__getitem__)
    assert isinstance(result, EvaluationResult)
    assert (result.tp, result.fp, result.fn) == (1, 2, 1)
    assert result.precision == 1 / 3
    assert result.recall == 1 / 2
    assert abs(result.f1 - 0.4) < 1e-9
    assert result.per_slug["hvac"].fp == 1 and result.per_slug["tires"].fn == 1
    assert [e.text for e in result.errors] == ["a", "b"]


def test_evaluate_of_nothing_is_vacuously_perfect() -> None:
    result = evaluate([])
    assert (result.precision, result.recall, result.tp, result.rows) == (1.0, 1.0, 0, 0)


def test_labelled_file_lives_next_to_the_code() -> None:
    assert LABELLED_PATH.name == "concerns_labelled.jsonl" and LABELLED_PATH.exists()
