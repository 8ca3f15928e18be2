import random

from mechmatch.core.backoff import Backoff


def test_the_ceiling_doubles_per_failure_up_to_the_cap():
    backoff = Backoff(base_seconds=0.5, cap_seconds=4.0)
    ceilings = []
    for _ in range(6):
        ceilings.append(backoff.ceiling())
        backoff.next_delay()
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_each_delay_is_jittered_below_its_ceiling():
    backoff = Backoff(base_seconds=1.0, cap_seconds=8.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(40)]
    assert all(0 <= d <= 8.0 for d in delays)
    assert len(set(delays)) == len(delays)  # not in lock step


def test_a_success_starts_the_backoff_again_from_the_base():
    backoff = Backoff(base_seconds=0.5, cap_seconds=30.0)
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.ceiling() == 0.5


def test_very_many_failures_stay_at_the_cap():
    backoff = Backoff(base_seconds=0.5, cap_seconds=30.0, failures=10_000)
    assert backoff.ceiling() == 30.0
