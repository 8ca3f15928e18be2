"""`manage.py bench_load` against a real `bin/serve`: it reports what the server answered,
each request counted and checked against the status it should get, so a benchmark that
measured nothing (or only errors) cannot pass for one."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mechmatch.accounts.models import ApiToken
from mechmatch.mechanics.models import Mechanic
from mechmatch.serving.tests.procs import serve
from mechmatch.testing import make_mechanic

pytestmark = pytest.mark.django_db(transaction=True)


def _bench_load(**options: object) -> dict[str, Any]:
    """Runs the command on its own thread: the session's browser fixture keeps an event
    loop running on this one, and asyncio.run refuses to nest."""
    out = StringIO()

    def run() -> None:
        try:
            call_command("bench_load", stdout=out, **options)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(run).result()
    return dict(json.loads(out.getvalue()))


def test_it_reports_the_mix_and_the_upload_probe_and_cleans_up_after_itself(tmp_path):
    for n in range(2):
        make_mechanic(display_name=f"Uploader {n}")
    shifter = make_mechanic(display_name="Shifter", on_shift=False)  # the newest changes shift
    media = str(tmp_path / "media")
    with serve(tmp_path, MEDIA_ROOT=media, RATE_LIMIT_PREVIEW="10000/min", RATE_LIMIT_DIRECTORY="10000/min") as served:
        # Four users: the seeded first requests of users 1-4 are home, home, directory and
        # preview, so every endpoint is hit however slow the machine (each user's first
        # request is sent as soon as its arrival pause of at most 0.2 s ends).
        result = _bench_load(
            url=served.url, users=4, seconds=5, think="0.1,0.2", uploads=2, upload_seconds=2, json=True
        )

    mix = result["endpoints"]
    assert set(mix) == {"preview", "directory", "home", "all"}
    assert all(mix[name]["requests"] > 0 for name in mix)
    assert mix["all"]["errors"] == 0, result["error_samples"]

    uploads = result["uploads"]["endpoints"]
    assert result["uploads"]["uploaders"] == 2
    # every 6300x6300 PNG got its 400, every 12.6 MP PNG was stored, every shift change a 200
    for name in ("photo_refused", "photo_accepted", "shift"):
        assert uploads[name]["requests"] > 0 and uploads[name]["errors"] == 0, result["uploads"]["error_samples"]
    assert Mechanic.objects.exclude(photo="").filter(display_name__startswith="Uploader").count() == 2

    shifter.refresh_from_db()
    assert shifter.is_on_shift is False and not shifter.photo  # left as it was found
    assert not ApiToken.objects.filter(name="bench-load").exists()


def test_it_refuses_to_target_another_machine():
    with pytest.raises(CommandError, match="only target this machine"):
        call_command("bench_load", url="http://example.com", users=1, seconds=1, stdout=StringIO())
