"""`manage.py geo`: poke the offline geocoder from a shell (lookup, distance, city, bench)."""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mechmatch.core import geo
from mechmatch.core.postal import normalize_country


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
        sub = parser.add_subparsers(dest="action", required=True, metavar="{lookup,distance,city,bench}")

        lookup = sub.add_parser("lookup", help="Geocode one postal/ZIP code.")
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
        build_ms = None
        if options["rebuild"]:
            geo.clear_caches()
            build_ms = geo.warm_caches(rebuild=True)
        # Cold in-process load from the cache files (what a fresh worker pays once).
        geo.clear_caches()
        load_ms = geo.warm_caches()

        rng = random.Random(options["seed"])
        pool = [(area.code, country) for country in ("CA", "US") for area in geo.postal_areas(country)]
        sample = [rng.choice(pool) for _ in range(n)]
        normalize_country("CA")  # keep first-call costs out of the timings
        timings = []
        clock = time.perf_counter_ns
        for code, country in sample:
            started = clock()
            geo.geocode_postal_code(code, country)
            timings.append(clock() - started)
        timings_us = sorted(t / 1000 for t in timings)
        result = {
            "n": n,
            "lookup_us_per_code": {
                "mean": round(statistics.fmean(timings_us), 2),
                "p95": round(timings_us[min(len(timings_us) - 1, int(len(timings_us) * 0.95))], 2),
            },
            "cache_load_ms": {**{k: v["ms"] for k, v in load_ms.items()},
                              "total": round(sum(v["ms"] for v in load_ms.values()), 2)},
            "cache_load_source": {k: v["source"] for k, v in load_ms.items()},
            "cache_build_ms": {k: v["ms"] for k, v in build_ms.items()} if build_ms else None,
            "cache_dir": str(geo.cache_dir()),
        }  # fmt: skip
        per = result["lookup_us_per_code"]
        self.stdout.write(f"lookups: {n} (CA FSAs + US ZIPs, random real codes)")
        self.stdout.write(f"lookup_us_per_code: mean={per['mean']} p95={per['p95']}")
        self.stdout.write(
            "cache_load_ms: "
            + " ".join(f"{k}={v['ms']} ({v['source']})" for k, v in load_ms.items())
            + f" total={result['cache_load_ms']['total']}"
        )
        if build_ms:
            self.stdout.write("cache_build_ms: " + " ".join(f"{k}={v['ms']}" for k, v in build_ms.items()))
        if options["json"]:
            self.stdout.write(json.dumps(result))
