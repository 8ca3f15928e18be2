from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mechmatch.matching.services import DIRECTORY_SORTS
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db


def test_it_times_every_sort_and_filter_and_prints_json(settings):
    make_mechanic(display_name="Mara Bench", postal_code="M5V 3L9", brands=["BMW"], services=["brakes"])
    out = StringIO()
    call_command("bench_directory", skip_seed=True, queries=2, json=True, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    sorts = {row["sort"] for row in result["combinations"]}
    assert sorts == set(DIRECTORY_SORTS)
    assert all(row["p95_ms"] >= row["p50_ms"] >= 0 for row in result["combinations"])
    assert not any(row["sort"] == "distance" and not row["location"] for row in result["combinations"])


def test_it_refuses_to_wipe_a_database_not_named_for_benchmarks():
    with pytest.raises(CommandError, match="wipes"):
        call_command("bench_directory", queries=1, stdout=StringIO())
