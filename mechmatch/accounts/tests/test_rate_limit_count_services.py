"""The rate limits' counts: one upsert a request, a read of the window before, and the
dispatcher's prune of what no limit reads any more."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mechmatch.accounts.models import RateLimitCount
from mechmatch.accounts.selectors import rate_limit_hits
from mechmatch.accounts.services import RATE_LIMIT_PRUNE_BATCH, rate_limit_count_hit, rate_limit_counts_prune

pytestmark = pytest.mark.django_db


def test_each_hit_counts_once_in_its_own_window_and_key():
    counts = [rate_limit_count_hit(key="chat:user-1", window_start=600, expires_at=720) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert rate_limit_count_hit(key="chat:user-1", window_start=660, expires_at=780) == 1
    assert rate_limit_count_hit(key="chat:user-2", window_start=600, expires_at=720) == 1
    assert rate_limit_hits(key="chat:user-1", window_start=600) == 3
    assert rate_limit_hits(key="chat:user-1", window_start=540) == 0


@pytest.mark.django_db(transaction=True)
def test_hits_from_many_threads_at_once_are_all_counted():
    def hit() -> None:
        try:
            for _ in range(10):
                rate_limit_count_hit(key="preview:ip-198.51.100.7", window_start=0, expires_at=120)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert rate_limit_hits(key="preview:ip-198.51.100.7", window_start=0) == 40


def test_pruning_deletes_only_expired_windows_in_batches(monkeypatch):
    monkeypatch.setattr("mechmatch.accounts.services.RATE_LIMIT_PRUNE_BATCH", 2)
    for n in range(5):
        rate_limit_count_hit(key=f"token:ip-192.0.2.{n}", window_start=0, expires_at=100)
    rate_limit_count_hit(key="token:ip-192.0.2.99", window_start=60, expires_at=180)
    assert rate_limit_counts_prune(now=150) == 5
    assert list(RateLimitCount.objects.values_list("key", flat=True)) == ["token:ip-192.0.2.99"]
    assert rate_limit_counts_prune(now=150) == 0
    assert RATE_LIMIT_PRUNE_BATCH > 2  # the real batch is left alone by the patch above
