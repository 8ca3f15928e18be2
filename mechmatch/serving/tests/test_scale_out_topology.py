"""The scaled-out shape on PostgreSQL + Redis, every part its own process: web A and web B
(gunicorn), the stream server (uvicorn, streams only) and two dispatchers. A request made
on web A, accepted on web B, reaches the customer's stream on the stream server; of two
mechanics accepting at once exactly one wins; each fallback is applied once."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db.models import Count

from mechmatch.accounts.services import token_create
from mechmatch.dispatch.models import RequestEvent, SessionRequest
from mechmatch.dispatch.testing import make_lapsing_requests
from mechmatch.dispatch.tests.factories import BASE_DIR, manage, subprocess_env
from mechmatch.serving.tests.procs import BIN, free_port, http, private_redis, read_stream, stop_process_group, wait_for
from mechmatch.testing import make_customer, make_entitlement, make_mechanic

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def _topology(tmp_path: Path, redis_url: str) -> Iterator[dict[str, str]]:
    env = subprocess_env(REDIS_URL=redis_url, EVENT_BROKER="redis", DISPATCH_POLL_SECONDS="0.2", WEB_THREADS="4")
    ports = {"web_a": free_port(), "web_b": free_port(), "streams": free_port()}
    gunicorn = [str(BIN / "gunicorn"), "mechmatch.asgi:application", "-c", "mechmatch/serving/gunicorn_conf.py"]
    commands = {
        "web_a": [*gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{ports['web_a']}"],
        "web_b": [*gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{ports['web_b']}"],
        "streams": [
            str(BIN / "uvicorn"),
            "mechmatch.asgi:streams",
            "--host",
            "127.0.0.1",
            "--port",
            str(ports["streams"]),
        ],
        "dispatcher_1": manage("dispatch"),
        "dispatcher_2": manage("dispatch"),
    }
    processes = []
    try:
        for name, command in commands.items():
            with (tmp_path / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                    )
                )
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        wait_for(lambda: http(urls["web_a"] + "/").status == 200, 120, what="web A")
        wait_for(lambda: http(urls["web_b"] + "/").status == 200, 120, what="web B")
        wait_for(lambda: http(urls["streams"] + "/api/events/stream").status == 401, 120, what="the stream server")
        yield urls
    finally:
        for process in processes:
            stop_process_group(process)


def test_a_request_made_on_web_a_and_accepted_on_web_b_reaches_the_stream_server(tmp_path):
    customer = make_customer()
    make_entitlement(customer.user, plan_code="free")  # the waiver; a free plan needs no payment
    first, second = make_mechanic(), make_mechanic()
    bearer = {
        u.pk: {"Authorization": f"Bearer {token_create(user=u, name='t')[1]}"}
        for u in (customer.user, first.user, second.user)
    }
    with private_redis() as (_, redis_url), _topology(tmp_path, redis_url) as urls:
        created = http(
            urls["web_a"] + "/api/session-requests",
            method="POST",
            data={
                "concern": "Grinding noise from the front brakes",
                "vehicle": {"make": "Honda", "model": "Civic", "year": 2018},
                "customerCountry": "CA",
                "customerPostalCode": "M5V 2T6",
                "routingType": "broadcast",
                "planCode": "free",
            },
            headers=bearer[customer.user.pk],
        )
        assert created.status == 201, created.body
        request = created.json()
        offers = {o["mechanicId"]: o["id"] for o in request["offers"]}
        assert {first.pk, second.pk} <= set(offers)

        seen: list[dict] = []
        opened = threading.Event()
        stream = f"{urls['streams']}/api/events/stream?channel=request-{request['id']}"
        token = bearer[customer.user.pk]["Authorization"][7:]
        watcher = threading.Thread(target=read_stream, args=(stream, token, seen, opened), daemon=True)
        watcher.start()
        assert opened.wait(60)

        def accept(web: str, mechanic) -> int:
            url = f"{urls[web]}/api/mechanic/offers/{offers[mechanic.pk]}/accept"
            return http(url, method="POST", data={}, headers=bearer[mechanic.user.pk]).status

        with ThreadPoolExecutor(2) as pool:
            on_b = pool.submit(accept, "web_b", first)
            on_a = pool.submit(accept, "web_a", second)
            statuses = sorted([on_a.result(), on_b.result()])
        assert statuses == [200, 409]
        winner = first if on_b.result() == 200 else second

        watcher.join(90)
        matched = [e for e in seen if e["kind"] == "matched"]
        assert len(matched) == 1
        assert matched[0]["payload"]["assignedMechanic"]["id"] == winner.pk
        assert SessionRequest.objects.get(pk=request["id"]).assigned_mechanic_id == winner.pk

        ids = make_lapsing_requests(customer=customer.user, mechanics=[first, second], count=40, tag="topology")
        wait_for(
            lambda: SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count() == len(ids),
            120,
            what="the two dispatchers",
        )
        per_request = (
            RequestEvent.objects.filter(request_id__in=ids, kind="awaiting_choice")
            .values("request_id")
            .annotate(n=Count("id"))
        )
        assert sorted({row["n"] for row in per_request}) == [1] and len(per_request) == len(ids)
