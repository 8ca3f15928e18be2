"""Load scenarios for `manage.py bench_load`: simulated users browsing, idle event streams
held open, and accept-to-screen probes. Everything is bounded in time and count, and only
targets this machine (see httpclient.split_url)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mechmatch.serving.httpclient import Connection, open_stream, percentile

CONCERNS = [
    "My car won't start and the check engine light is on",
    "Brakes squeal when I stop and the pedal feels soft",
    "Transmission slips between second and third gear",
    "Battery keeps dying overnight, alternator maybe",
    "AC blows warm air and there is a burning smell",
    "Engine overheats on the highway, coolant is low",
]
LOCATIONS = [
    ("CA", "M5V 2T6"),
    ("CA", "M4C 1B5"),
    ("CA", "M6G 3A1"),
    ("CA", "M2N 6K1"),
    ("CA", "H2X 1Y4"),
    ("US", "48226"),
    ("US", "10001"),
]


def _preview(rng: random.Random) -> tuple[str, str, bytes]:
    country, postal = rng.choice(LOCATIONS)
    body = {
        "concern": rng.choice(CONCERNS),
        "vehicle": {"make": rng.choice(["Honda", "Toyota", "Ford", "BMW"]), "model": "Civic", "year": 2018},
        "customerCountry": country,
        "customerPostalCode": postal,
    }
    return "POST", "/api/matching/preview", json.dumps(body).encode()


def _directory(rng: random.Random) -> tuple[str, str, bytes]:
    country, postal = rng.choice(LOCATIONS)
    page = rng.randint(1, 3)
    return (
        "GET",
        f"/api/mechanics?customerCountry={country}&customerPostalCode={postal.replace(' ', '')}&page={page}",
        b"",
    )


def _home(rng: random.Random) -> tuple[str, str, bytes]:
    return "GET", "/", b""


ENDPOINTS: dict[str, Callable[[random.Random], tuple[str, str, bytes]]] = {
    "preview": _preview,
    "directory": _directory,
    "home": _home,
}


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)

    def record(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.latencies[name].append(seconds)
        if not ok:
            self.errors[name] += 1
            sample = f"{name}: {detail}"
            if len(self.error_samples) < 8 and not any(s[:30] == sample[:30] for s in self.error_samples):
                self.error_samples.append(sample)

    def report(self, elapsed: float) -> dict[str, Any]:
        rows = {}
        for name in sorted(self.latencies):
            values = sorted(self.latencies[name])
            rows[name] = {
                "requests": len(values),
                "rps": round(len(values) / elapsed, 1),
                "p50_ms": round(percentile(values, 0.50) * 1000, 1),
                "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                "p99_ms": round(percentile(values, 0.99) * 1000, 1),
                "errors": self.errors.get(name, 0),
            }
        every = sorted(v for values in self.latencies.values() for v in values)
        rows["all"] = {
            "requests": len(every),
            "rps": round(len(every) / elapsed, 1),
            "p50_ms": round(percentile(every, 0.50) * 1000, 1),
            "p95_ms": round(percentile(every, 0.95) * 1000, 1),
            "p99_ms": round(percentile(every, 0.99) * 1000, 1),
            "errors": sum(self.errors.values()),
        }
        return rows


def parse_mix(text: str) -> dict[str, int]:
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {name!r}; known: {', '.join(ENDPOINTS)}")
        mix[name.strip()] = int(weight or 1)
    return mix


async def _timed(
    conn: Connection,
    stats: Stats,
    name: str,
    request: tuple[str, str, dict[str, str], bytes],
    ok: Callable[[int], bool] = lambda status: 200 <= status < 400,
) -> None:
    """One request, timed and recorded under `name`; a failure is counted, never raised."""
    started = time.monotonic()
    try:
        response = await conn.request(*request)
        good, detail = ok(response.status), f"{response.status} {response.body[:120]!r}"
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
        good, detail = False, f"{type(exc).__name__}: {exc}"
    stats.record(name, time.monotonic() - started, good, detail)


async def browse(
    host: str, port: int, mix: dict[str, int], deadline: float, think: tuple[float, float], seed: int, stats: Stats
) -> None:
    """One simulated user: a request from the mix, a pause, again, until the deadline. Each
    user has its own client address, as real users behind the one proxy in front would
    (bin/bench-load trusts one proxy): one address for all would count 200 users as one
    caller against one rate limit."""
    rng = random.Random(seed)
    address = f"10.{(seed >> 16) & 255}.{(seed >> 8) & 255}.{seed & 255}"
    names, weights = list(mix), list(mix.values())
    conn = Connection(host, port)
    await asyncio.sleep(rng.uniform(0, think[1]))  # users arrive spread out, not in one burst
    try:
        while time.monotonic() < deadline:
            name = rng.choices(names, weights)[0]
            method, path, body = ENDPOINTS[name](rng)
            headers = {"X-Forwarded-For": address}
            if body:
                headers["Content-Type"] = "application/json"
            await _timed(conn, stats, name, (method, path, headers, body))
            await asyncio.sleep(rng.uniform(*think))
    finally:
        conn.close()


PHOTO_PATH = "/api/mechanic/profile/photo"


def probe_images() -> list[tuple[str, bytes, int]]:
    """The upload probe's images, each with the status it should get: the 6300x6300 PNG
    (154 KB on the wire, 119 MB decoded) that once held SQLite's write lock for over a
    second, and the largest PNG still accepted (12.6 MP, decoded in full: a PNG has no
    in-decoder scaling)."""
    import io

    from PIL import Image

    def png(size: tuple[int, int]) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", size, "navy").save(out, "PNG")
        return out.getvalue()

    return [("photo_refused", png((6300, 6300)), 400), ("photo_accepted", png((4096, 3072)), 200)]


def multipart(field_name: str, filename: str, content_type: str, data: bytes) -> tuple[str, bytes]:
    """A multipart/form-data body with one file; returns (Content-Type, body)."""
    boundary = "mechmatch-bench-" + os.urandom(8).hex()
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field_name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return f"multipart/form-data; boundary={boundary}", head + data + f"\r\n--{boundary}--\r\n".encode()


async def upload_photos(
    host: str, port: int, token: str, images: list[tuple[str, bytes, int]], deadline: float, stats: Stats
) -> None:
    """One mechanic uploading the probe images back to back until the deadline."""
    conn = Connection(host, port, timeout=60)
    try:
        while time.monotonic() < deadline:
            for name, data, expected in images:
                content_type, body = multipart("photo", "me.png", "image/png", data)
                headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
                await _timed(conn, stats, name, ("POST", PHOTO_PATH, headers, body), ok=expected.__eq__)
    finally:
        conn.close()


async def toggle_shift(
    host: str, port: int, token: str, deadline: float, stats: Stats, restore: bool, pause: float = 0.1
) -> None:
    """Another mechanic going off and on shift, a write each time, while the uploads run;
    leaves the shift as it found it."""
    conn = Connection(host, port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def shift(online: bool) -> tuple[str, str, dict[str, str], bytes]:
        return "POST", "/api/mechanic/shift", headers, json.dumps({"online": online}).encode()

    online = not restore
    try:
        while time.monotonic() < deadline:
            await _timed(conn, stats, "shift", shift(online), ok=(200).__eq__)
            online = not online
            await asyncio.sleep(pause)
        await conn.request(*shift(restore))
    finally:
        conn.close()


@dataclass
class StreamPool:
    """Idle streams held open; counts how many are still connected."""

    opened: int = 0
    failed: int = 0
    closed_early: int = 0
    failures: list[str] = field(default_factory=list)
    writers: list[asyncio.StreamWriter] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def open_now(self) -> int:
        return self.opened - self.closed_early

    async def hold(self, host: str, port: int, path: str, token: str) -> None:
        try:
            status, chunks, writer = await open_stream(host, port, path, {"Authorization": f"Bearer {token}"})
        except Exception as exc:  # noqa: BLE001
            self.failed += 1
            if len(self.failures) < 5:
                self.failures.append(f"{type(exc).__name__}: {exc}")
            return
        if status != 200:
            self.failed += 1
            if len(self.failures) < 5:
                self.failures.append(f"status {status}")
            writer.close()
            return
        self.opened += 1
        self.writers.append(writer)
        async for _chunk in chunks:
            pass  # heartbeats; a stream that ends by its lifetime is reopened by the caller's loop
        self.closed_early += 1

    async def open_many(self, host: str, port: int, targets: list[tuple[str, str]], rate: int) -> None:
        """Opens one stream per (path, token), `rate` connection attempts at a time."""
        for start in range(0, len(targets), rate):
            batch = [
                asyncio.create_task(self.hold(host, port, path, token)) for path, token in targets[start : start + rate]
            ]
            self.tasks.extend(batch)
            await asyncio.sleep(0.05)
            # wait until this batch has its headers (or failed) before the next one
            for _ in range(200):
                if self.opened + self.failed >= start + len(batch):
                    break
                await asyncio.sleep(0.05)

    def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for task in self.tasks:
            task.cancel()


async def watch_for(
    host: str, port: int, path: str, token: str, kind: str, ready: asyncio.Event, timeout: float
) -> float | None:
    """Waits on a stream for an event of `kind`; returns the monotonic time it arrived."""
    status, chunks, writer = await open_stream(host, port, path, {"Authorization": f"Bearer {token}"})
    ready.set()
    if status != 200:
        writer.close()
        return None
    buffer = b""
    try:
        async with asyncio.timeout(timeout):
            async for chunk in chunks:
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    for line in block.split(b"\n"):
                        if line.startswith(b"data: ") and json.loads(line[6:]).get("kind") == kind:
                            return time.monotonic()
    except TimeoutError:
        return None
    finally:
        writer.close()
    return None


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    return inodes


def server_processes(port: int) -> dict[int, Path]:
    """Every process holding the server's listening socket (the gunicorn master and its
    workers, or a uvicorn stream server), found through /proc."""
    inodes = _listening_inodes(port)
    found: dict[int, Path] = {}
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    found[int(pid_dir.name)] = pid_dir
                    break
        except OSError:
            continue
    return found


def server_memory(port: int) -> dict[str, Any]:
    each = {}
    for pid, pid_dir in sorted(server_processes(port).items()):
        try:
            status = (pid_dir / "status").read_text()
        except OSError:
            continue
        each[pid] = round(next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")) / 1024, 1)
    return {"processes": len(each), "rss_mb_total": round(sum(each.values()), 1), "rss_mb_each": each}


def server_cpu_seconds(port: int) -> float:
    """User + system CPU time so far of the server's processes: CPU per request is a number
    a busy machine changes far less than latency."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid_dir in server_processes(port).values():
        try:
            fields = (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"
