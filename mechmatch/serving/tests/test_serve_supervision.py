"""`bin/serve` (supervisord -> gunicorn + dispatcher): no single process's death stops the
site. A SIGKILLed dispatcher or web worker is replaced while the rest keeps answering,
and the replacement does the work."""

from __future__ import annotations

import os
import signal

import pytest

from mechmatch.dispatch.models import SessionRequest
from mechmatch.dispatch.testing import make_lapsing_requests
from mechmatch.serving.tests.procs import alive, serve, wait_for
from mechmatch.testing import make_customer, make_mechanic

pytestmark = pytest.mark.django_db(transaction=True)


def _all_moved_on(ids: list[int]) -> bool:
    return SessionRequest.objects.filter(pk__in=ids, status="awaiting_choice").count() == len(ids)


def test_a_killed_dispatcher_is_restarted_and_the_site_answers_meanwhile(tmp_path):
    customer = make_customer()
    mechanic = make_mechanic()
    with serve(tmp_path) as served:
        (dispatcher,) = served.dispatchers()
        os.kill(dispatcher, signal.SIGKILL)
        wait_for(lambda: not alive(dispatcher), 30, what="the dispatcher to die")
        assert served.answers("/")  # the web does not go down with it
        assert served.answers("/api/mechanics?customerCountry=CA&customerPostalCode=M5V2T6")
        (replacement,) = wait_for(served.dispatchers, 90, what="a new dispatcher")
        assert replacement != dispatcher

        # the new dispatcher does the work: due offers expire and each request moves on
        ids = make_lapsing_requests(customer=customer.user, mechanics=[mechanic], count=5, tag="supervised")
        wait_for(lambda: _all_moved_on(ids), 90, what="the restarted dispatcher to apply the fallbacks")


def test_a_killed_web_worker_is_replaced_while_the_other_keeps_serving(tmp_path):
    with serve(tmp_path, web_workers=2) as served:
        master = served.web_master()
        victim, survivor = served.web_workers()
        os.kill(victim, signal.SIGKILL)
        for _ in range(10):  # every request meanwhile is answered (by the survivor or the new worker)
            assert served.answers("/")

        def replaced() -> list[int]:
            workers = served.web_workers()
            return workers if len(workers) == 2 and victim not in workers else []

        workers = wait_for(replaced, 90, what="a new worker")
        assert survivor in workers
        assert served.web_master() == master  # the arbiter replaced it; nothing else restarted
        assert served.answers("/")


def test_a_killed_web_server_is_restarted_by_supervisord(tmp_path):
    with serve(tmp_path, web_workers=1) as served:
        master = served.web_master()
        (orphan,) = served.web_workers()
        (dispatcher,) = served.dispatchers()
        os.kill(master, signal.SIGKILL)
        wait_for(lambda: served.program("gunicorn") and served.web_master() != master, 90, what="a new gunicorn")
        wait_for(served.answers, 90, what="the site to answer again")
        assert served.dispatchers() == [dispatcher]  # the dispatcher never noticed
        wait_for(lambda: not alive(orphan), 120, what="the dead master's worker to leave")
