"""`python manage.py eval_concerns [--json] [--show-errors]`: score concern extraction.

Thin wrapper: all the scoring lives in mechmatch.core.evaluation (pure Python, shared with the
pytest floor check), so the numbers printed here are the numbers the test suite enforces.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mechmatch.core.concerns import analyse_concern, clear_caches
from mechmatch.core.evaluation import LABELLED_PATH, evaluate, load_labelled


class Command(BaseCommand):
    help = "Precision/recall/F1 of concern keyword extraction on the labelled set."
    # Pure computation over a JSONL file: no database, URLs or models involved, so it should run
    # (e.g. in CI) even while another part of the project fails its system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
        parser.add_argument("--show-errors", action="store_true", help="list every mislabelled row")
        parser.add_argument("--path", type=Path, default=LABELLED_PATH, help="labelled JSONL file")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = load_labelled(options["path"])
        load_ms = _cold_load_ms()
        result = evaluate(rows)
        micros = _micros_per_call([row["text"] for row in rows])

        if options["json"]:
            payload = result.as_dict()
            payload["us_per_call"] = round(micros, 1)
            payload["load_ms"] = round(load_ms, 1)
            if not options["show_errors"]:
                payload.pop("errors")
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return

        self.stdout.write(f"rows       {result.rows}")
        self.stdout.write(f"precision  {result.precision:.4f}")
        self.stdout.write(f"recall     {result.recall:.4f}")
        self.stdout.write(f"f1         {result.f1:.4f}")
        self.stdout.write(f"tp/fp/fn   {result.tp}/{result.fp}/{result.fn}")
        self.stdout.write(f"speed      {micros:.1f} µs per call (mean over the set)")
        self.stdout.write(f"load       {load_ms:.1f} ms (data files read and compiled, once per process)")
        self.stdout.write("")
        self.stdout.write("per-slug errors (slugs with any fp/fn):")
        noisy = [(slug, s) for slug, s in result.per_slug.items() if s.fp or s.fn]
        for slug, score in noisy or []:
            self.stdout.write(f"  {slug:<24} tp={score.tp:<3} fp={score.fp:<3} fn={score.fn:<3}")
        if not noisy:
            self.stdout.write("  none")
        if options["show_errors"]:
            self.stdout.write("")
            self.stdout.write(f"rows with errors ({len(result.errors)}):")
            for error in result.errors:
                self.stdout.write(f"  {error.text!r}")
                self.stdout.write(f"      missing={error.missing} extra={error.extra}")


def _cold_load_ms() -> float:
    # The lexicon is read and compiled on the first call, not at import: time that call alone.
    clear_caches()
    start = time.perf_counter()
    analyse_concern("warm up")
    return (time.perf_counter() - start) * 1e3


def _micros_per_call(texts: list[str], repeats: int = 5) -> float:
    if not texts:
        return 0.0
    for text in texts:  # warm the spelling cache, as a long-running worker would be
        analyse_concern(text)
    start = time.perf_counter()
    for _ in range(repeats):
        for text in texts:
            analyse_concern(text)
    return (time.perf_counter() - start) / (repeats * len(texts)) * 1e6
