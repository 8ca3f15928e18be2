from __future__ import annotations

import math

import pytest

from mechmatch.core.stats import (
    bootstrap_percentile_interval,
    chi_square_survival,
    sample_ratio_mismatch,
    wilson_interval,
)


def test_the_wilson_interval_matches_the_textbook_value():
    # 81 of 263, 95%: the interval Wilson (1927) / Newcombe (1998) tables give.
    interval = wilson_interval(81, 263)
    assert interval.estimate == pytest.approx(0.30798, abs=1e-5)
    assert interval.low == pytest.approx(0.2553, abs=1e-4)
    assert interval.high == pytest.approx(0.3662, abs=1e-4)


def test_the_wilson_interval_stays_inside_zero_and_one_at_the_edges():
    none = wilson_interval(0, 10)
    every = wilson_interval(10, 10)
    assert none.high is not None and every.low is not None
    assert none.low == 0 and 0 < none.high < 0.35
    assert every.high == 1 and 0.65 < every.low < 1


def test_no_trials_give_no_rate():
    assert wilson_interval(0, 0).estimate is None


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_the_bootstrap_interval_brackets_the_percentile_and_repeats_with_its_seed():
    values = [float(v) for v in range(1, 201)]
    first = bootstrap_percentile_interval(values, 50, seed=7)
    assert first.estimate == 100.0
    assert first.low is not None and first.high is not None
    assert first.low <= 100 <= first.high and first.high - first.low < 40
    assert bootstrap_percentile_interval(values, 50, seed=7) == first


def test_the_bootstrap_interval_of_a_p90_is_above_that_of_the_p50():
    values = [float(v % 97) for v in range(500)]
    p50 = bootstrap_percentile_interval(values, 50, resamples=300)
    p90 = bootstrap_percentile_interval(values, 90, resamples=300)
    assert p50.high is not None and p90.low is not None and p90.low > p50.high


def test_the_bootstrap_of_nothing_is_nothing():
    assert bootstrap_percentile_interval([], 90).estimate is None


def test_chi_square_survival_matches_known_critical_values():
    assert chi_square_survival(3.841458820694124, 1) == pytest.approx(0.05, rel=1e-6)
    assert chi_square_survival(5.991464547107979, 2) == pytest.approx(0.05, rel=1e-6)
    assert chi_square_survival(7.814727903251178, 3) == pytest.approx(0.05, rel=1e-6)
    assert chi_square_survival(9.487729036781154, 4) == pytest.approx(0.05, rel=1e-6)
    assert chi_square_survival(0, 1) == 1.0


def test_an_even_split_shows_no_mismatch():
    result = sample_ratio_mismatch([1010, 990], [10, 10])
    assert result.dof == 1 and result.p_value > 0.5 and not result.mismatch()


def test_a_lopsided_split_is_flagged():
    result = sample_ratio_mismatch([1200, 800], [10, 10])
    assert result.statistic == pytest.approx(80.0)
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(40)), rel=1e-9)
    assert result.mismatch()


def test_an_intended_unequal_split_is_tested_against_itself():
    assert not sample_ratio_mismatch([300, 100], [75, 25]).mismatch()
    assert sample_ratio_mismatch([200, 200], [75, 25]).mismatch()


def test_three_arms_use_two_degrees_of_freedom():
    result = sample_ratio_mismatch([100, 100, 130], [1, 1, 1])
    assert result.dof == 2 and result.p_value == pytest.approx(math.exp(-result.statistic / 2))
