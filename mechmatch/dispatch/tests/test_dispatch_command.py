"""The dispatcher as separate processes against this run's test database: several at once
never double a fallback, and one killed mid-run loses nothing."""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django.db.models import Count
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from mechmatch.dispatch.management.commands import dispatch as dispatch_command
from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.services import dispatcher
from mechmatch.dispatch.testing import make_lapsing_requests
from mechmatch.dispatch.tests.factories import lapse, manage, request_for, subprocess_env
from mechmatch.testing import make_customer, make_mechanic


def _assert_each_fallback_once(ids: list[int]) -> None:
    assert SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count() == len(ids)
    assert Offer.objects.filter(request_id__in=ids, status="expired").count() == len(ids)
    for kind in ("awaiting_choice", "offer_expired"):
        per_request = (
            RequestEvent.objects.filter(request_id__in=ids, kind=kind)
            .values("request_id")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        assert sorted(set(per_request)) == [1], kind
        assert len(per_request) == len(ids), kind


@pytest.mark.django_db(transaction=True)
def test_two_dispatcher_processes_apply_each_fallback_exactly_once():
    customer = make_customer()
    mechanics = [make_mechanic() for _ in range(5)]
    ids = make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=300)

    env = subprocess_env()
    procs = [
        subprocess.Popen(
            manage("dispatch", "--once", "--batch", "10", "--json"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]

    totals = [json.loads(out.strip().splitlines()[-1])["totals"] for out, _ in outputs]
    assert sum(t["fallbacks"] for t in totals) == len(ids), totals
    assert all(t["errors"] == 0 for t in totals)
    _assert_each_fallback_once(ids)


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_killed_mid_run_loses_nothing_and_a_restart_finishes():
    """Sized for a busy 2-core CI machine: 200 requests due now keep the worker inside its
    transactions when the kill lands, and 200 more falling due over the next 30 s make
    sure the kill lands mid-run however late this process gets to send it. Nothing here
    waits on the dispatcher's speed except generous timeouts."""
    customer = make_customer()
    mechanics = [make_mechanic() for _ in range(5)]
    due_now = make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=200, tag="now")
    later = timezone.now() + timedelta(seconds=5)
    due_later = make_lapsing_requests(
        customer=customer.user, mechanics=mechanics, count=200, tag="later", due_at=later, spread_seconds=30
    )
    ids = due_now + due_later

    env = subprocess_env()
    worker = subprocess.Popen(
        manage("dispatch", "--batch", "5", "--poll", "0.1"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert worker.stderr is not None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        done = SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count()
        if done >= 20:
            break
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)

    done = SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count()
    assert 20 <= done < len(ids), "the kill should land mid-run"
    # Whatever was in flight was rolled back as a whole: no half-applied step.
    assert Offer.objects.filter(request_id__in=ids, status="expired").count() == done
    assert RequestEvent.objects.filter(request_id__in=ids, kind="awaiting_choice").count() == done

    # Time passes: every remaining timer falls due, then a fresh dispatcher drains them.
    past = timezone.now() - timedelta(seconds=1)
    Offer.objects.filter(request_id__in=ids, status="open").update(expires_at=past)
    SessionRequest.objects.filter(pk__in=ids, status="pending").update(fallback_due_at=past)
    restart = subprocess.run(
        manage("dispatch", "--once", "--batch", "100", "--json"), env=env, capture_output=True, text=True, timeout=600
    )
    assert restart.returncode == 0, restart.stderr[-2000:]
    _assert_each_fallback_once(ids)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_looping_dispatchers_share_the_work_on_postgresql(tmp_path):
    customer = make_customer()
    mechanics = [make_mechanic() for _ in range(5)]
    ids = make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=400)
    env = subprocess_env()
    # stderr goes to files, not pipes: a worker logging more than a pipe holds would block
    # on the write while this test waits for its work.
    logs = [(tmp_path / f"dispatcher-{n}.log").open("w+") for n in range(3)]
    procs = [
        subprocess.Popen(
            manage("dispatch", "--batch", "5", "--poll", "0.1", "--json"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        for log in logs
    ]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count() == len(ids):
            break
        time.sleep(0.2)
    for p in procs:
        p.send_signal(signal.SIGTERM)
    outputs = [p.communicate(timeout=120) for p in procs]
    errors = "".join(log.seek(0) or log.read()[-2000:] for log in logs)
    _assert_each_fallback_once(ids)
    totals = [json.loads(out.strip().splitlines()[-1])["totals"] for out, _ in outputs]
    assert sum(t["errors"] for t in totals) == 0, errors
    assert sum(t["fallbacks"] for t in totals) == len(ids)
    assert sum(1 for t in totals if t["fallbacks"] > 0) >= 2, totals


def _fail_once(monkeypatch, target, name: str, error: Exception) -> None:
    real = getattr(target, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, flaky)


@pytest.mark.parametrize(
    ("target", "name", "error"),
    [
        (dispatcher, "_sweep", OperationalError("server closed the connection unexpectedly")),
        (dispatcher, "lapses_apply", InterfaceError("connection already closed")),
        (dispatcher, "lapses_apply", RedisConnectionError("Error 111 connecting to 127.0.0.1:6379")),
    ],
    ids=["database-gone-in-the-sweep", "connection-closed-mid-tick", "broker-gone"],
)
@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_loop_survives_a_transient_error_and_keeps_working(
    customer, mechanic, windows, monkeypatch, caplog, target, name, error
):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    lapse(request)
    _fail_once(monkeypatch, target, name, error)
    closed, slept = [], []
    real_close = dispatch_command._close_connection

    def close():
        closed.append(1)
        real_close()

    monkeypatch.setattr(dispatch_command, "_close_connection", close)

    def sleep(command, seconds):
        slept.append(seconds)
        if len(slept) == 2:  # the backoff, then the first idle poll: enough
            command._stop = True

    monkeypatch.setattr(dispatch_command.Command, "_sleep", sleep)
    out = io.StringIO()
    with caplog.at_level(logging.WARNING, logger=dispatch_command.__name__):
        call_command("dispatch", "--json", "--poll", "0.5", stdout=out)

    totals = json.loads(out.getvalue().strip().splitlines()[-1])["totals"]
    assert totals["transient_errors"] == 1 and totals["fallbacks"] == 1, totals
    request.refresh_from_db()
    assert request.status == "awaiting_choice"
    assert closed == [1]
    assert 0 <= slept[0] <= 0.5 and slept[1] == 0.5  # a jittered first backoff, then the idle poll
    assert type(error).__name__ in caplog.text and "retrying in" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_status_line_reports_the_lag_and_what_was_done(customer, mechanic, windows, monkeypatch):
    request = request_for(customer.user, routing="selected", selected=mechanic)
    lapse(request, seconds=30)
    monkeypatch.setattr(dispatch_command, "dispatch_tick", lambda **kwargs: dispatcher.TickResult())
    out = io.StringIO()
    call_command("dispatch", "--once", "--log-every", "0.000001", stdout=out)
    line = out.getvalue().splitlines()[0]
    assert line.startswith("dispatcher: lag 3") and "0 offers expired" in line, line


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_deletes_expired_rate_limit_counts_and_keeps_live_ones():
    from mechmatch.accounts.models import RateLimitCount
    from mechmatch.accounts.services import rate_limit_count_hit

    now = int(time.time())
    rate_limit_count_hit(key="preview:ip-203.0.113.1", window_start=now - 600, expires_at=now - 480)
    rate_limit_count_hit(key="preview:ip-203.0.113.2", window_start=now - 30, expires_at=now + 90)
    call_command("dispatch", "--once", stdout=io.StringIO())
    assert list(RateLimitCount.objects.values_list("key", flat=True)) == ["preview:ip-203.0.113.2"]
