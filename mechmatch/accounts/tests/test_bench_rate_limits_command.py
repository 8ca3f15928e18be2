from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_it_prints_latency_with_the_limit_off_and_on():
    out = StringIO()
    call_command("bench_rate_limits", requests=5, rounds=1, json=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert "rate limit off" in lines[0] and "rate limit on" in lines[1]
    report = json.loads(lines[-1])
    assert report["database"] == connection.vendor and report["requests"] == 5
    assert [r["limited"] for r in report["results"]] == [False, True]
    assert all(r["p95Ms"] >= r["p50Ms"] > 0 for r in report["results"])
