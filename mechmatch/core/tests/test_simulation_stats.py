"""The simulator's statistics helpers and its report."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from mechmatch.core.simulation.report import svg, table
from mechmatch.core.simulation.stats import bootstrap_ci, gini, percentile


def test_gini_is_zero_when_everyone_has_the_same():
    assert gini([3.0, 3.0, 3.0, 3.0]) == pytest.approx(0.0)


def test_gini_approaches_one_when_one_mechanic_has_all_the_work():
    assert gini([0.0, 0.0, 0.0, 10.0]) == pytest.approx(0.75)  # 1 - 1/n


def test_gini_of_nobody_or_of_no_work_is_none():
    assert gini([]) is None and gini([0.0, 0.0]) is None


def test_percentiles_are_nearest_rank_like_the_dashboard():
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 9.0, 8.0, 7.0, 6.0]
    assert percentile(values, 50) == 5.0
    assert percentile(values, 90) == 9.0
    assert percentile(values, 10) == 1.0
    assert percentile([], 50) is None


def test_a_bootstrap_interval_is_seeded_and_holds_the_estimate():
    values = [float(v) for v in range(1, 201)]
    first = bootstrap_ci(values, 50, seed=7, resamples=200)
    assert first == bootstrap_ci(values, 50, seed=7, resamples=200)
    assert first is not None and first[0] <= 100.0 <= first[1]
    assert first != bootstrap_ci(values, 50, seed=8, resamples=200)
    assert bootstrap_ci([], 50, seed=7) is None


FIGURES = {
    "requests": 10, "served": 9, "unserved": 1, "unsettled": 0,
    "time_to_start_seconds": {"p50": 60.0, "p50_ci95": [50.0, 70.0], "p90": 300.0, "p90_ci95": [200.0, 400.0]},
    "served_rate": 0.9, "unserved_rate": 0.1, "fallback_rate": 0.2, "asked_customer_rate": 0.0, "offers": 30,
    "offers_per_request": 3.0, "lapse_rate": 0.5, "decline_rate": 0.1, "local_share": 0.8,
    "utilisation": {"mechanics_on_shift": 5, "mean": 0.2, "p10": 0.0, "p90": 0.5, "gini": 0.4},
    "unserved_by_area": [{"area": "M<5", "requests": 3, "unserved": 1, "rate": 0.3333}], "events": 99,
}  # fmt: skip


def test_the_table_puts_policies_side_by_side():
    text = table({"selected": FIGURES, "broadcast": FIGURES})
    header = text.splitlines()[0]
    assert "selected" in header and "broadcast" in header
    assert "time to start P50 (min)" in text and "1.0" in text and "M<5 1/3" in text


def test_the_chart_is_valid_svg_with_a_title_and_an_escaped_data_table():
    drawing = svg({"selected": FIGURES}, title="Compare <policies>")
    root = ET.fromstring(drawing)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Compare <policies>"  # type: ignore[union-attr]
    assert "M<5" in root.find(f"{ns}desc").text  # type: ignore[union-attr,operator]
    assert root.get("role") == "img"
