from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

# Four rows whose outcome is fixed by the extractor's own tests: brakes and hvac are found,
# the greeting yields nothing, "cel" adds an unlabelled check_engine_light, and the labelled
# "brakes" on the A/C row is never predicted. So tp=3, fp=1, fn=1.
ROWS = [
    {"text": "my breaks squeal", "keywords": ["brakes"]},
    {"text": "hello there", "keywords": []},
    {"text": "AC not cold", "keywords": ["hvac", "brakes"]},
    {"text": "new tires and the CEL is on", "keywords": ["tires"]},
]


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in ROWS) + "\n", encoding="utf-8")
    return path


def _run(*args: str, path: Path) -> str:
    out = StringIO()
    call_command("eval_concerns", *args, path=path, stdout=out)
    return out.getvalue()


def test_it_prints_the_scores_of_the_labelled_set(labelled: Path) -> None:
    lines = _run(path=labelled).splitlines()
    assert "rows       4" in lines
    assert "precision  0.7500" in lines
    assert "recall     0.7500" in lines
    assert "f1         0.7500" in lines
    assert "tp/fp/fn   3/1/1" in lines
    assert any(line.startswith("speed ") and "µs per call" in line for line in lines)
    assert any(line.startswith("load ") and " ms " in line for line in lines)


def test_it_lists_the_slugs_with_errors_and_only_those(labelled: Path) -> None:
    output = _run(path=labelled)
    noisy = output.split("per-slug errors (slugs with any fp/fn):\n", 1)[1].splitlines()
    assert [line.split()[0] for line in noisy if line.strip()] == ["check_engine_light", "brakes"]
    assert "fp=1" in noisy[0] and "fn=1" in noisy[1]
    assert "rows with errors" not in output


def test_show_errors_names_each_wrong_row_with_what_was_missing_and_extra(labelled: Path) -> None:
    output = _run("--show-errors", path=labelled)
    assert "rows with errors (2):" in output
    assert "'AC not cold'\n      missing=['brakes'] extra=[]" in output
    assert "'new tires and the CEL is on'\n      missing=[] extra=['check_engine_light']" in output


def test_json_prints_one_object_with_the_same_figures(labelled: Path) -> None:
    payload = json.loads(_run("--json", path=labelled).strip().splitlines()[-1])
    assert (payload["rows"], payload["tp"], payload["fp"], payload["fn"]) == (4, 3, 1, 1)
    assert (payload["precision"], payload["recall"], payload["f1"]) == (0.75, 0.75, 0.75)
    assert payload["per_slug"]["brakes"] == {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.5}
    assert payload["us_per_call"] > 0 and payload["load_ms"] > 0
    assert "errors" not in payload


def test_json_with_show_errors_includes_the_wrong_rows(labelled: Path) -> None:
    payload = json.loads(_run("--json", "--show-errors", path=labelled).strip().splitlines()[-1])
    assert [e["text"] for e in payload["errors"]] == ["AC not cold", "new tires and the CEL is on"]
    assert payload["errors"][0]["missing"] == ["brakes"]


def test_an_empty_set_scores_as_vacuously_perfect(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    payload = json.loads(_run("--json", path=empty).strip())
    assert (payload["rows"], payload["precision"], payload["recall"], payload["us_per_call"]) == (0, 1.0, 1.0, 0.0)
