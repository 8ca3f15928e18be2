"""The dispatcher as separate processes against this run's test database: several at once
never double a fallback, and one killed mid-run loses nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pytest
from django.db.models import Count

from mechmatch.dispatch.models import Offer, RequestEvent, SessionRequest
from mechmatch.dispatch.testing import make_lapsing_requests
from mechmatch.dispatch.tests.factories import manage, subprocess_env
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
    outputs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]

    totals = [json.loads(out.strip().splitlines()[-1])["totals"] for out, _ in outputs]
    assert sum(t["fallbacks"] for t in totals) == len(ids), totals
    assert all(t["errors"] == 0 for t in totals)
    _assert_each_fallback_once(ids)


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_killed_mid_run_loses_nothing_and_a_restart_finishes():
    customer = make_customer()
    mechanics = [make_mechanic() for _ in range(5)]
    ids = make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=1500)

    env = subprocess_env()
    worker = subprocess.Popen(
        manage("dispatch", "--batch", "5", "--poll", "0.1"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert worker.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count()
        if done >= 50:
            break
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)

    done = SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count()
    assert 50 <= done < len(ids), "the kill should land mid-run"
    # Whatever was in flight was rolled back as a whole: no half-applied step.
    assert Offer.objects.filter(request_id__in=ids, status="expired").count() == done
    assert RequestEvent.objects.filter(request_id__in=ids, kind="awaiting_choice").count() == done

    restart = subprocess.run(
        manage("dispatch", "--once", "--batch", "200", "--json"), env=env, capture_output=True, text=True, timeout=300
    )
    assert restart.returncode == 0, restart.stderr[-2000:]
    _assert_each_fallback_once(ids)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_looping_dispatchers_share_the_work_on_postgresql():
    customer = make_customer()
    mechanics = [make_mechanic() for _ in range(5)]
    ids = make_lapsing_requests(customer=customer.user, mechanics=mechanics, count=400)
    env = subprocess_env()
    procs = [
        subprocess.Popen(
            manage("dispatch", "--batch", "5", "--poll", "0.1", "--json"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count() == len(ids):
            break
        time.sleep(0.2)
    for p in procs:
        p.send_signal(signal.SIGTERM)
    outputs = [p.communicate(timeout=30) for p in procs]
    _assert_each_fallback_once(ids)
    totals = [json.loads(out.strip().splitlines()[-1])["totals"] for out, _ in outputs]
    assert sum(t["fallbacks"] for t in totals) == len(ids)
    assert sum(1 for t in totals if t["fallbacks"] > 0) >= 2, totals
