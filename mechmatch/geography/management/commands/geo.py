"""`manage.py geo`: poke the offline geocoder from a shell (lookup, distance, city, bench, compare)."""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mechmatch.core import ca_codes, geo
from mechmatch.core.postal import is_fsa_only, normalize_country, normalize_postal_code

REFERENCE_PAIRS = Path(geo.__file__).resolve().parent / "data" / "geo_reference_pairs.json"


def _point_dict(point: geo.GeoPoint) -> dict[str, Any]:
    return {
        "code": point.postal_code,
        "country": point.country,
        "lat": point.lat,
        "lon": point.lon,
        "place": point.place,
        "region": point.region,
        "precision": point.precision,
        "timezone": point.timezone,
    }


class Command(BaseCommand):
    help = "Offline geocoding: look up postal codes or cities, measure distances, benchmark lookups."
    requires_system_checks: list[str] = []  # read-only tool; no need to check models or the database

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{lookup,distance,city,bench,compare}")

        lookup = sub.add_parser("lookup", help="Geocode one postal/ZIP code (a full code, an FSA like M5V, a ZIP).")
        lookup.add_argument("code")
        lookup.add_argument("--country", required=True, help="CA or US")
        lookup.add_argument("--json", action="store_true")

        distance = sub.add_parser("distance", help="Great-circle distance between two postal/ZIP codes.")
        distance.add_argument("a")
        distance.add_argument("b")
        distance.add_argument("--from-country", required=True)
        distance.add_argument("--to-country", required=True)
        distance.add_argument("--json", action="store_true")

        city = sub.add_parser("city", help="Geocode a city (city precision).")
        city.add_argument("city")
        city.add_argument("--region", default=None, help="province/state code or name")
        city.add_argument("--country", required=True)
        city.add_argument("--json", action="store_true")

        bench = sub.add_parser("bench", help="Time postal-code lookups and cache loading.")
        bench.add_argument("--n", type=int, default=20_000)
        bench.add_argument("--seed", type=int, default=1)
        bench.add_argument("--rebuild", action="store_true", help="also time rebuilding the cache files")
        bench.add_argument("--json", action="store_true")

        compare = sub.add_parser(
            "compare", help="Distances on reference pairs: FSA centroids (before) vs full codes (now) vs the truth."
        )
        compare.add_argument("--pairs", default=str(REFERENCE_PAIRS), help="JSON file of pairs")
        compare.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValueError as exc:  # PostalCodeError, GeocodeError and bad country/region are ValueErrors
            raise CommandError(str(exc)) from exc

    def _emit(self, options: dict[str, Any], data: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(data) if options["json"] else text)

    def _lookup(self, options: dict[str, Any]) -> None:
        point = geo.geocode_postal_code(options["code"], options["country"])
        self._emit(options, _point_dict(point), self._describe(point))

    def _city(self, options: dict[str, Any]) -> None:
        point = geo.geocode_city(options["city"], options["region"], options["country"])
        self._emit(options, _point_dict(point), self._describe(point))

    def _distance(self, options: dict[str, Any]) -> None:
        a = geo.geocode_postal_code(options["a"], options["from_country"])
        b = geo.geocode_postal_code(options["b"], options["to_country"])
        km = round(geo.distance_km(a, b), 1)
        text = f"{km} km\n  from {self._describe(a)}\n  to   {self._describe(b)}"
        self._emit(options, {"km": km, "from": _point_dict(a), "to": _point_dict(b)}, text)

    @staticmethod
    def _describe(point: geo.GeoPoint) -> str:
        label = f"{point.postal_code} " if point.postal_code else ""
        return (
            f"{label}{point.place} ({point.region}, {point.country}) "
            f"lat={point.lat:.5f} lon={point.lon:.5f} precision={point.precision}"
        )

    def _bench(self, options: dict[str, Any]) -> None:
        n = options["n"]
        if n < 1:
            raise CommandError("--n must be at least 1.")
        rss_start = _rss_mb()
        build_ms = None
        if options["rebuild"]:
            geo.clear_caches()
            build_ms = geo.warm_caches(rebuild=True)
        # Cold in-process load from the cache files (what a fresh worker pays once).
        geo.clear_caches()
        load_ms = geo.warm_caches()
        started = time.perf_counter()
        geo.geocode_postal_code("S0K 1A0", "CA")  # opens this thread's connection to the codes file
        open_ms = round((time.perf_counter() - started) * 1000, 2)
        rss_loaded = _rss_mb()

        samples = _bench_samples(random.Random(options["seed"]), n)
        rss_sampled = _rss_mb()
        normalize_country("CA")  # keep first-call costs out of the timings
        clock = time.perf_counter_ns
        by_kind: dict[str, list[float]] = {}
        for kind, code, country in samples:
            started_ns = clock()
            geo.geocode_postal_code(code, country)
            by_kind.setdefault(kind, []).append((clock() - started_ns) / 1000)
        timings_us = sorted(t for kind_timings in by_kind.values() for t in kind_timings)
        result: dict[str, Any] = {
            "n": len(timings_us),
            "lookup_us_per_code": _mean_p95(timings_us),
            "lookup_us_by_kind": {kind: _mean_p95(sorted(t)) | {"n": len(t)} for kind, t in by_kind.items()},
            "cache_load_ms": {**{k: v["ms"] for k, v in load_ms.items()},
                              "total": round(sum(v["ms"] for v in load_ms.values()), 2)},
            "cache_load_source": {k: v["source"] for k, v in load_ms.items()},
            "codes_file_open_ms": open_ms,
            "cache_build_ms": {k: v["ms"] for k, v in build_ms.items()} if build_ms else None,
            # Drawing the sample loads the US demo areas (geonames cities): the lookups' own cost
            # is the step from samples_drawn to after_lookups.
            "rss_mb": {"start": rss_start, "tables_loaded": rss_loaded, "samples_drawn": rss_sampled,
                       "after_lookups": _rss_mb()},
            "cache_dir": str(geo.cache_dir()),
        }  # fmt: skip
        per = result["lookup_us_per_code"]
        self.stdout.write(
            f"lookups: {result['n']} random real codes: " + ", ".join(f"{len(t)} {k}" for k, t in by_kind.items())
        )
        self.stdout.write(f"lookup_us_per_code: mean={per['mean']} p50={per['p50']} p95={per['p95']} max={per['max']}")
        for kind, stats in result["lookup_us_by_kind"].items():
            self.stdout.write(f"  {kind}: " + " ".join(f"{k}={v}" for k, v in stats.items()))
        self.stdout.write(
            "cache_load_ms: "
            + " ".join(f"{k}={v['ms']} ({v['source']})" for k, v in load_ms.items())
            + f" total={result['cache_load_ms']['total']}; codes file opened in {open_ms} ms"
        )
        rss = result["rss_mb"]
        self.stdout.write("rss_mb: " + " ".join(f"{k}={v}" for k, v in rss.items()))
        if build_ms:
            self.stdout.write("cache_build_ms: " + " ".join(f"{k}={v['ms']}" for k, v in build_ms.items()))
        if options["json"]:
            self.stdout.write(json.dumps(result))

    def _compare(self, options: dict[str, Any]) -> None:
        try:
            pairs = json.loads(Path(options["pairs"]).read_text(encoding="utf-8"))["pairs"]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read the pairs file: {exc}") from exc
        rows = [_compared(pair) for pair in pairs]
        summary = {
            kind: {
                "pairs": len(kind_rows),
                "median_abs_error_km_before": _median_abs([r["before_km"] for r in kind_rows], kind_rows),
                "median_abs_error_km_now": _median_abs([r["now_km"] for r in kind_rows], kind_rows),
            }
            for kind in dict.fromkeys(r["kind"] for r in rows)
            if (kind_rows := [r for r in rows if r["kind"] == kind])
        }
        if options["json"]:
            self.stdout.write(json.dumps({"pairs": rows, "summary": summary}))
            return
        columns = ("truth", "before", "now", "err before", "err now")
        self.stdout.write(f"{'pair':<50} {'kind':<6} " + " ".join(f"{c:>10}" for c in columns) + "  precision")
        for r in rows:
            before = "refused" if r["before_km"] is None else f"{r['before_km']:.1f}"
            err_before = "" if r["before_km"] is None else f"{r['before_km'] - r['truth_km']:+.1f}"
            self.stdout.write(
                f"{r['label'][:50]:<50} {r['kind']:<6} {r['truth_km']:>10.1f} {before:>10} {r['now_km']:>10.1f} "
                f"{err_before:>10} {r['now_km'] - r['truth_km']:>+10.1f}  {r['precision']}"
            )
        self.stdout.write("km; before = every Canadian code at its FSA centroid (an FSA alone was refused)")
        for kind, stats in summary.items():
            self.stdout.write(
                f"median |error| {kind}: before {stats['median_abs_error_km_before']} km, "
                f"now {stats['median_abs_error_km_now']} km ({stats['pairs']} pairs)"
            )


def _rss_mb() -> float | None:
    """Resident memory of this process now (Linux), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _mean_p95(timings_us: list[float]) -> dict[str, float]:
    """Of sorted timings. The median beside the mean shows when a few stalls (another process
    taking the core, a page of the codes file read from disk) make up most of the mean."""
    return {
        "mean": round(statistics.fmean(timings_us), 2),
        "p50": round(timings_us[len(timings_us) // 2], 2),
        "p95": round(timings_us[min(len(timings_us) - 1, int(len(timings_us) * 0.95))], 2),
        "max": round(timings_us[-1], 2),
    }


def _bench_samples(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """(kind, code, country) drawn from real data: mostly full Canadian codes (random rows of the
    codes file) and US ZIPs, plus FSAs alone and full codes the file does not know."""
    connection = sqlite3.connect(f"file:{ca_codes.database_path()}?mode=ro&immutable=1", uri=True)
    try:
        (rows,) = connection.execute("SELECT max(rowid) FROM PostalCodes").fetchone()
        wanted = [rng.randint(1, rows) for _ in range(n)]
        codes = [c for (c,) in connection.execute(
            f"SELECT code FROM PostalCodes WHERE rowid IN ({','.join('?' * len(set(wanted)))})", sorted(set(wanted))
        )]  # fmt: skip
    finally:
        connection.close()
    zips = [area.code for area in geo.postal_areas("US")]
    samples = []
    for _ in range(n):
        roll = rng.random()
        full = rng.choice(codes)
        if roll < 0.45:
            samples.append(("ca_postal_code", full, "CA"))
        elif roll < 0.55:
            samples.append(("ca_fsa_only", full[:3], "CA"))
        elif roll < 0.60:
            samples.append(("ca_unknown_in_fsa", f"{full[:3]} 9Z9", "CA"))  # no code ends in 9Z9
        else:
            samples.append(("us_zip", rng.choice(zips), "US"))
    return samples


def _compared(pair: dict[str, Any]) -> dict[str, Any]:
    ends = (pair["from"], pair["to"])
    now = [geo.geocode_postal_code(end["code"], end["country"]) for end in ends]
    before = [_fsa_centroid_point(end["code"], end["country"]) for end in ends]
    truth_km = geo.haversine_km(ends[0]["lat"], ends[0]["lon"], ends[1]["lat"], ends[1]["lon"])
    return {
        "kind": pair["kind"],
        "label": f"{ends[0]['code']} {ends[0]['place']} - {ends[1]['code']} {ends[1]['place']}",
        "truth_km": round(truth_km, 1),
        "before_km": None if None in before else round(geo.distance_km(*before), 1),  # type: ignore[arg-type]
        "now_km": round(geo.distance_km(*now), 1),
        "precision": geo.coarser_precision(now[0].precision, now[1].precision),
    }


def _fsa_centroid_point(code: str, country: str) -> geo.GeoPoint | None:
    """Where the geocoder put a code before full codes were read: a Canadian code at its FSA
    centroid, a ZIP where it still is; an FSA alone was refused (None)."""
    if country != "CA":
        return geo.geocode_postal_code(code, country)
    normalized = normalize_postal_code(code, country)
    return None if is_fsa_only(normalized) else geo.geocode_postal_code(normalized[:3], country)


def _median_abs(values: list[float | None], rows: list[dict[str, Any]]) -> float | None:
    errors = [abs(v - r["truth_km"]) for v, r in zip(values, rows, strict=True) if v is not None]
    return round(statistics.median(errors), 1) if errors else None
