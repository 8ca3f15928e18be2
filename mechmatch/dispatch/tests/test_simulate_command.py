"""manage.py simulate: JSON with every policy's figures, a table, a chart, clear errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mechmatch.core.simulation import POLICIES

SMALL = ["--mechanics", "40", "--hours", "10", "--bootstrap", "20", "--requests-per-mechanic-day", "2"]


def simulate(*args: str) -> str:
    out = StringIO()
    call_command("simulate", *SMALL, *args, stdout=out)
    return out.getvalue()


def test_json_has_every_policys_figures():
    data = json.loads(simulate("--json"))
    assert set(data["policies"]) == set(POLICIES)
    for name, figures in data["policies"].items():
        for key in ("fallback_rate", "offers_per_request", "lapse_rate", "decline_rate", "local_share",
                    "unserved_rate", "unserved_by_area"):  # fmt: skip
            assert key in figures, (name, key)
        assert set(figures["time_to_start_seconds"]) == {"p50", "p50_ci95", "p90", "p90_ci95"}
        assert set(figures["utilisation"]) >= {"gini", "p10", "p90"}
    assert data["scenario"]["mechanics"] == 40 and data["wall_seconds"]["total"] > 0


def test_the_table_compares_the_chosen_policies_and_prints_the_wall_time(tmp_path):
    chart = tmp_path / "sim.svg"
    text = simulate("--policies", "selected,smart_broadcast,broadcast", "--svg", str(chart))
    header = next(line for line in text.splitlines() if "smart_broadcast" in line)
    assert "selected" in header and "broadcast" in header and "hybrid" not in header
    assert "wall time:" in text
    assert chart.read_text().startswith("<svg")


def test_a_policy_override_changes_the_scoring_policy():
    data = json.loads(simulate("--json", "--policies", "smart_broadcast", "--policy-override", "distance_max_local=5"))
    assert data["scenario"]["scoring_policy"].endswith("+override")
    assert data["scenario"]["overrides"] == ["distance_max_local=5"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policies", "everyone"], "--policies"),
        (["--policy-override", "no_such_weight=1"], "no_such_weight"),
        (["--policy-override", "favourite=lots"], "favourite"),
        (["--policy-override", "favourite"], "name=value"),
    ],
)
def test_bad_options_are_refused_naming_the_option(args, message):
    with pytest.raises(CommandError, match=message):
        simulate(*args)


def test_policies_run_side_by_side_in_worker_processes_give_the_same_figures():
    alone = json.loads(simulate("--json", "--policies", "selected,broadcast"))
    side_by_side = json.loads(simulate("--json", "--policies", "selected,broadcast", "--workers", "2"))
    assert side_by_side["policies"] == alone["policies"]
