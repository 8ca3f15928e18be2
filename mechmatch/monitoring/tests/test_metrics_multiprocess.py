"""Multiprocess mode: several processes write to PROMETHEUS_MULTIPROC_DIR and one scrape
adds them up; a dead worker's live gauge stops counting once marked (gunicorn child_exit)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client import multiprocess

from mechmatch.monitoring.metrics import exposition

BASE_DIR = Path(__file__).resolve().parents[3]

WORKER = """
import os, sys
from mechmatch.monitoring import metrics
metrics.OFFERS_EXPIRED.inc(int(sys.argv[1]))
metrics.FALLBACKS.labels("broadcast").inc()
metrics.OPEN_STREAMS.inc(int(sys.argv[1]))
metrics.REQUEST_SECONDS.labels("journey:preview", "GET", "200").observe(0.2)
print(os.getpid())
"""


def _run_worker(directory: Path, amount: int) -> int:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(BASE_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(amount)], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def _value(body: str, prefix: str) -> float:
    lines = [line for line in body.splitlines() if line.startswith(prefix)]
    assert lines, f"{prefix} missing from:\n{body}"
    return float(lines[0].rsplit(" ", 1)[1])


def test_one_scrape_adds_up_every_processes_samples(tmp_path):
    first = _run_worker(tmp_path, 2)
    _run_worker(tmp_path, 3)
    body, content_type = exposition(lag_seconds=lambda: 1.5, path=str(tmp_path))
    text = body.decode()
    assert content_type.startswith("text/plain")
    assert _value(text, "mechmatch_offers_expired_total ") == 5
    assert _value(text, 'mechmatch_fallbacks_total{outcome="broadcast"}') == 2
    assert _value(text, 'mechmatch_request_seconds_count{method="GET",route="journey:preview",status="200"}') == 2
    assert _value(text, "mechmatch_open_event_streams ") == 5
    assert _value(text, "mechmatch_dispatcher_lag_seconds ") == 1.5

    multiprocess.mark_process_dead(first, path=str(tmp_path))
    text = exposition(lag_seconds=lambda: 0.0, path=str(tmp_path))[0].decode()
    assert _value(text, "mechmatch_open_event_streams ") == 3  # the dead worker's streams are gone
    assert _value(text, "mechmatch_offers_expired_total ") == 5  # its counts are not


def test_gunicorn_marks_a_dead_worker(tmp_path, monkeypatch):
    from mechmatch.serving import gunicorn_conf

    pid = _run_worker(tmp_path, 4)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert list(tmp_path.glob(f"gauge_livesum_{pid}.db"))

    class Worker:
        def __init__(self, pid: int) -> None:
            self.pid = pid

    gunicorn_conf.child_exit(None, Worker(pid))
    assert not list(tmp_path.glob(f"gauge_livesum_{pid}.db"))
