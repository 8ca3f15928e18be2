from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_prints_a_table_and_a_json_last_line():
    out = StringIO()
    call_command("bench_matching", mechanics="60,120", queries=6, naive_queries=2, yes=True, json=True, stdout=out)
    lines = out.getvalue().strip().splitlines()
    result = json.loads(lines[-1])
    assert [s["mechanics"] for s in result["sizes"]] == [60, 120]
    for size in result["sizes"]:
        assert {"mechanics", "p50_ms", "p95_ms", "naive_p50_ms", "naive_p95_ms", "speedup"} <= set(size)
        assert size["failures"] == 0 and size["p95_ms"] >= size["p50_ms"] > 0
    assert any("speedup" in line for line in lines)


@pytest.mark.django_db
def test_the_benchmark_refuses_to_wipe_a_database_not_named_for_benchmarks():
    with pytest.raises(CommandError, match="wipes"):
        call_command("bench_matching", mechanics="10", queries=1, stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_explain_prints_the_plan_of_the_slowest_requests_slowest_query():
    out = StringIO()
    call_command("bench_matching", mechanics="80", queries=6, naive_queries=1, yes=True, explain=2, stdout=out)
    text = out.getvalue()
    assert text.count("\n--- ") == 2 and "slowest" in text
    # A plan names how the mechanics table is read, on either database.
    assert "mechanics_mechanic" in text.split("\n--- ", 1)[1]
