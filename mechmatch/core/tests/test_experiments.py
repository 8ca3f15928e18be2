from __future__ import annotations

from decimal import Decimal

import pytest

from mechmatch.core.experiments import BUCKETS, CONTROL, TREATMENT, arm_for, arm_for_bucket, bucket, share_buckets


def test_a_bucket_is_the_same_on_every_call_and_within_range():
    assert bucket("exp", "salt", 42) == bucket("exp", "salt", 42)
    assert all(0 <= bucket("exp", "salt", i) < BUCKETS for i in range(500))


def test_the_salt_and_the_name_reshuffle_the_buckets():
    base = [bucket("exp", "salt", i) for i in range(200)]
    assert base != [bucket("exp", "other", i) for i in range(200)]
    assert base != [bucket("other", "salt", i) for i in range(200)]


def test_buckets_spread_evenly_enough_for_a_ten_percent_arm():
    enrolled = sum(arm_for("exp", "s", i, treatment_percent=10, control_percent=10) is not None for i in range(20_000))
    assert 3_600 < enrolled < 4_400


def test_treatment_takes_the_bottom_buckets_and_control_the_top():
    assert arm_for_bucket(0, treatment_percent=10, control_percent=10) == TREATMENT
    assert arm_for_bucket(999, treatment_percent=10, control_percent=10) == TREATMENT
    assert arm_for_bucket(1000, treatment_percent=10, control_percent=10) is None
    assert arm_for_bucket(8999, treatment_percent=10, control_percent=10) is None
    assert arm_for_bucket(9000, treatment_percent=10, control_percent=10) == CONTROL
    assert arm_for_bucket(9999, treatment_percent=10, control_percent=10) == CONTROL


def test_growing_the_arms_never_moves_anyone_between_them():
    shares = [(0, 0), (1, 1), (10, 10), (10, 30), (25, 25), (50, 50)]
    for position in range(BUCKETS):
        seen = {arm_for_bucket(position, treatment_percent=t, control_percent=c) for t, c in shares} - {None}
        assert len(seen) <= 1, position


def test_zero_shares_enrol_nobody_and_full_treatment_enrols_everyone():
    assert {arm_for_bucket(p, treatment_percent=0, control_percent=0) for p in range(BUCKETS)} == {None}
    assert {arm_for_bucket(p, treatment_percent=100, control_percent=0) for p in range(BUCKETS)} == {TREATMENT}


def test_fractional_shares_have_a_resolution_of_one_bucket():
    assert share_buckets(Decimal("0.01")) == 1
    assert share_buckets(12.5) == 1250


@pytest.mark.parametrize("shares", [(60, 50), (-1, 0), (0, 101)])
def test_impossible_shares_are_refused(shares):
    with pytest.raises(ValueError):
        arm_for_bucket(0, treatment_percent=shares[0], control_percent=shares[1])
