from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mechmatch.geography.management.commands.geo import Command


def run(*args: str) -> str:
    out = StringIO()
    call_command("geo", *args, stdout=out)
    return out.getvalue()


def test_lookup_prints_place_coordinates_and_precision() -> None:
    text = run("lookup", "m5v2t6", "--country", "CA")
    assert "M5V 2T6 Toronto (ON, CA)" in text
    assert "lat=43.6" in text and "lon=-79.3" in text and "precision=postal_code" in text


def test_lookup_of_an_fsa_alone_gives_its_centroid_at_fsa_precision() -> None:
    text = run("lookup", "m5v", "--country", "CA")
    assert "M5V Downtown Toronto (ON, CA)" in text and "precision=fsa" in text


def test_the_readmes_distance_example_from_an_fsa_to_a_zip_works() -> None:
    text = run("distance", "N9A", "48226", "--from-country", "CA", "--to-country", "US")
    assert 2.0 <= float(text.split()[0]) <= 3.0
    assert "from N9A Windsor (ON, CA)" in text and "precision=fsa" in text and "precision=zip" in text


def test_lookup_json_has_the_documented_keys() -> None:
    data = json.loads(run("lookup", "48226", "--country", "US", "--json"))
    assert {"code", "country", "lat", "lon", "place", "region", "precision"} <= set(data)
    assert (data["code"], data["country"], data["region"], data["place"], data["precision"]) == (
        "48226",
        "US",
        "MI",
        "Detroit, MI",
        "zip",
    )


def test_distance_json_reports_km_across_the_border_and_both_ends() -> None:
    data = json.loads(run("distance", "N9A 1A1", "48226", "--from-country", "CA", "--to-country", "US", "--json"))
    assert 2.0 <= data["km"] <= 3.0
    assert data["km"] == round(data["km"], 1)
    assert data["from"]["place"] == "Windsor" and data["to"]["place"] == "Detroit, MI"


def test_distance_text_starts_with_the_kilometres() -> None:
    text = run("distance", "M5V 2T6", "L5B 1M2", "--from-country", "CA", "--to-country", "CA")
    assert text.split()[1] == "km" and 19.5 <= float(text.split()[0]) <= 22.5


def test_city_lookup_at_city_precision() -> None:
    data = json.loads(run("city", "Saskatoon", "--country", "CA", "--json"))
    assert (data["region"], data["precision"], data["code"]) == ("SK", "city", None)
    data = json.loads(run("city", "Detroit", "--region", "Michigan", "--country", "US", "--json"))
    assert data["place"] == "Detroit, MI"


def test_bench_prints_per_code_timings_and_ends_with_one_json_object() -> None:
    text = run("bench", "--n", "300", "--json")
    assert "lookup_us_per_code: mean=" in text and "cache_load_ms:" in text
    result = json.loads(text.strip().splitlines()[-1])
    assert result["n"] == 300
    assert 0 < result["lookup_us_per_code"]["mean"] <= result["lookup_us_per_code"]["p95"] * 10
    assert result["cache_load_ms"]["total"] > 0
    kinds = result["lookup_us_by_kind"]
    assert set(kinds) == {"ca_postal_code", "ca_fsa_only", "ca_unknown_in_fsa", "us_zip"}
    assert sum(k["n"] for k in kinds.values()) == 300
    assert result["rss_mb"]["after_lookups"] > 0  # resident memory is reported (Linux)


def test_compare_shows_fsa_centroids_against_full_codes_against_the_truth() -> None:
    text = run("compare")
    crystal = next(line for line in text.splitlines() if line.startswith("S0K 1A0 Crystal Springs"))
    truth, before, now = (float(v) for v in crystal.split()[-6:-3])
    assert abs(now - truth) < 2 < 30 < truth - before
    assert "N9A Windsor, ON - 48226 Detroit, MI" in text and "refused" in text
    assert "median |error| rural: before" in text


def test_compare_json_has_one_row_per_reference_pair_and_a_summary_per_kind() -> None:
    data = json.loads(run("compare", "--json"))
    assert len(data["pairs"]) >= 10
    rural = data["summary"]["rural"]
    assert rural["median_abs_error_km_now"] < 5 < 50 < rural["median_abs_error_km_before"]
    assert {row["precision"] for row in data["pairs"]} >= {"postal_code", "fsa", "zip"}


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("lookup", "90210", "--country", "CA"), "'90210' is not a Canadian postal code"),
        (("lookup", "00000", "--country", "US"), "No location is known for the US ZIP code 00000"),
        (("lookup", "48226", "--country", "Mexico"), "not a supported country"),
        (("city", "Atlantis", "--country", "CA"), "No location is known for Atlantis"),
        (("compare", "--pairs", "/nonexistent/pairs.json"), "Cannot read the pairs file"),
        (
            ("distance", "M5V 2T6", "<script>", "--from-country", "CA", "--to-country", "US"),
            "is not a US ZIP code",
        ),
    ],
)
def test_a_bad_input_raises_command_error_with_the_reason(args: tuple[str, ...], reason: str) -> None:
    with pytest.raises(CommandError, match=reason):
        run(*args)


def test_from_the_command_line_it_exits_non_zero_with_the_reason_and_no_traceback() -> None:
    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err)
    with pytest.raises(SystemExit) as info:
        command.run_from_argv(["manage.py", "geo", "lookup", "90210", "--country", "CA"])
    assert info.value.code == 1
    assert "CommandError: '90210' is not a Canadian postal code; use the form A1A 1A1" in err.getvalue()
    assert "Traceback" not in err.getvalue() + out.getvalue()
