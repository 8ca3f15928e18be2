from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from mechmatch.dispatch.models import SessionRequest


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_reports_offers_expired_per_second_and_cleans_up(monkeypatch):
    from mechmatch.dispatch.tests.factories import subprocess_env

    for key, value in subprocess_env().items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    call_command("bench_dispatch", offers=30, workers=2, mechanics=3, json=True, stdout=out)
    report = json.loads(out.getvalue())
    assert report["offersExpired"] == 30
    assert report["requestsFellBack"] == 30
    assert report["offersPerSecond"] > 0
    assert SessionRequest.objects.count() == 0
