"""Process plumbing for the serving tests: free ports, `bin/serve` and other servers as
subprocesses, the process tree read from /proc, and bounded waits (never timing
assertions: every wait is generous so a busy 2-core CI machine passes)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from mechmatch.dispatch.tests.factories import BASE_DIR, subprocess_env

T = TypeVar("T")
BIN = Path(os.environ.get("VIRTUAL_ENV", BASE_DIR / ".venv")) / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], T], timeout: float = 90.0, every: float = 0.25, what: str = "") -> T:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            value = predicate()
            if value:
                return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(every)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(url: str, *, method: str = "GET", data: Any = None, headers: dict[str, str] | None = None) -> Reply:
    """One request; HTTP errors are replies too. The timeout only guards against a hang."""
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@dataclass
class Served:
    """A running `bin/serve`: supervisord, gunicorn and its workers, the dispatcher."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def supervisor(self) -> int:
        return self.process.pid

    def program(self, marker: str) -> list[int]:
        return [pid for pid in children(self.supervisor) if marker in cmdline(pid) and alive(pid)]

    def dispatchers(self) -> list[int]:
        return self.program("manage.py dispatch")

    def web_master(self) -> int:
        masters = self.program("gunicorn")
        assert len(masters) == 1, masters
        return masters[0]

    def web_workers(self) -> list[int]:
        return [pid for pid in children(self.web_master()) if alive(pid)]

    def answers(self, path: str = "/") -> bool:
        return http(self.url + path).status == 200


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@contextlib.contextmanager
def serve(tmp_path: Path, *, web_workers: int = 2, **env_extra: str) -> Iterator[Served]:
    """`bin/serve` on a free port against this run's test database, stopped afterwards."""
    port = free_port()
    env = subprocess_env(
        PORT=str(port),
        BIN=str(BIN),
        WEB_WORKERS=str(web_workers),
        WEB_THREADS="4",
        SERVE_RUN_DIR=str(tmp_path / "run"),
        DISPATCH_POLL_SECONDS="0.2",
        **env_extra,
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BASE_DIR / "bin" / "serve")], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    served = Served(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_for(served.answers, 120, what=f"bin/serve on port {port}")
        wait_for(lambda: served.dispatchers() and len(served.web_workers()) == web_workers, 60, what="every process")
        yield served
    finally:
        stop_process_group(process)


def postgres_bin(name: str) -> str:
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return name


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port, for tests that stop the database."""

    def __init__(self) -> None:
        import tempfile

        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="mm-pg-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            import shutil

            shutil.chown(self.dir, "postgres", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/mechmatch"

    def _run(self, args: list[str], timeout: float = 120) -> None:
        subprocess.run(_as_postgres(args), check=True, capture_output=True, timeout=timeout)

    def create(self) -> None:
        self._run([postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"])
        self.start()
        self._run([postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "mechmatch"])

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        log = str(self.dir / "postgres.log")
        self._run([postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def destroy(self) -> None:
        import shutil

        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def private_redis() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A redis-server of our own on a free port (the shared one is never stopped)."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def pong() -> bool:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

        wait_for(pong, 30, what="redis-server")
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGCONT)
        process.kill()
        process.wait(10)


def read_stream(url: str, token: str, seen: list[dict[str, Any]], opened: Any, until: str = "matched") -> None:
    """Follows an event stream (a thread's target): appends each event to `seen`, sets
    `opened` once connected, returns after an event of kind `until`."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        opened.set()
        for raw in response:
            line = raw.decode().strip()
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
                if seen[-1]["kind"] == until:
                    return
