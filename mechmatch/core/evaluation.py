"""Precision/recall of concern extraction against the hand-labelled set.

Pure Python so the pytest floor check and the `eval_concerns` management command share one
implementation. Scores are micro-averaged over (text, slug) pairs: every slug the extractor
returns for a row is a prediction, every labelled slug is a truth.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, TypeGuard

from mechmatch.core.concerns import extract_keywords
from mechmatch.core.taxonomy import SERVICES, is_valid_slug

LABELLED_PATH = Path(__file__).resolve().parent / "data" / "concerns_labelled.jsonl"


class LabelledRow(TypedDict):
    text: str
    keywords: list[str]


@dataclass(slots=True)
class SlugScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)


@dataclass(slots=True)
class RowError:
    text: str
    expected: list[str]
    predicted: list[str]
    missing: list[str]  # false negatives
    extra: list[str]  # false positives


@dataclass(slots=True)
class EvaluationResult:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    rows: int = 0
    per_slug: dict[str, SlugScore] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures (what `eval_concerns --json` prints)."""
        return {
            "rows": self.rows,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "per_slug": {
                slug: {
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                }
                for slug, s in self.per_slug.items()
            },
            "errors": [
                {
                    "text": e.text,
                    "expected": e.expected,
                    "predicted": e.predicted,
                    "missing": e.missing,
                    "extra": e.extra,
                }
                for e in self.errors
            ],
        }


def _ratio(numerator: int, denominator: int) -> float:
    # An empty denominator means "nothing to get wrong": count it as perfect, not as zero.
    return numerator / denominator if denominator else 1.0


def load_labelled(path: Path = LABELLED_PATH) -> list[LabelledRow]:
    rows: list[LabelledRow] = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name}:{line_no}: {exc}") from exc
                if not _is_labelled_row(row):
                    raise ValueError(f'{path.name}:{line_no}: expected {{"text": str, "keywords": [str, ...]}}')
                rows.append(row)
    return rows


def _is_labelled_row(value: object) -> TypeGuard[LabelledRow]:
    # Only the fields' types: the set's own test checks that nothing else is in a row.
    if not isinstance(value, dict):
        return False
    text, keywords = value.get("text"), value.get("keywords")
    return isinstance(text, str) and isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)


def evaluate(
    rows: Iterable[LabelledRow],
    extractor: Callable[[str], list[str]] = extract_keywords,
) -> EvaluationResult:
    per_slug = {service.slug: SlugScore() for service in SERVICES}
    errors: list[RowError] = []
    tp = fp = fn = count = 0
    for row in rows:
        count += 1
        expected = list(row["keywords"])
        invalid = [s for s in expected if not is_valid_slug(s)]
        if invalid:
            raise ValueError(f"invalid slug(s) {invalid} in labelled row {row['text']!r}")
        predicted = extractor(row["text"])
        truth, guess = set(expected), set(predicted)
        for slug in truth & guess:
            per_slug[slug].tp += 1
        for slug in guess - truth:
            per_slug[slug].fp += 1
        for slug in truth - guess:
            per_slug[slug].fn += 1
        tp += len(truth & guess)
        fp += len(guess - truth)
        fn += len(truth - guess)
        if truth != guess:
            errors.append(
                RowError(row["text"], expected, list(predicted), sorted(truth - guess), sorted(guess - truth))
            )
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return EvaluationResult(precision, recall, f1, tp, fp, fn, count, per_slug, errors)
