import pytest

from mechmatch.core.percentiles import gini, histogram, median, nearest_rank, share


def test_nearest_rank_picks_the_observed_value_at_rank_ceil_p_n():
    values = [15, 20, 35, 40, 50]
    assert nearest_rank(values, 5) == 15
    assert nearest_rank(values, 30) == 20
    assert nearest_rank(values, 40) == 20
    assert nearest_rank(values, 50) == 35
    assert nearest_rank(values, 100) == 50


def test_nearest_rank_of_an_empty_sample_is_none():
    assert nearest_rank([], 50) is None


@pytest.mark.parametrize("percentile", [0, -1, 100.5])
def test_nearest_rank_refuses_a_percentile_outside_0_to_100(percentile):
    with pytest.raises(ValueError):
        nearest_rank([1.0], percentile)


def test_share_is_none_when_the_whole_is_zero():
    assert share(1, 4) == 0.25
    assert share(0, 0) is None


def test_median_is_the_observed_middle_value_of_unsorted_values():
    assert median([40, 10, 30, 20]) == 20
    assert median([]) is None


def test_gini_is_zero_for_equal_shares_and_grows_with_concentration():
    assert gini([3, 3, 3]) == 0
    assert gini([0, 0, 0, 4]) == 0.75
    assert gini([]) is None and gini([0, 0]) is None


def test_histogram_counts_each_value_in_its_half_open_bin_and_the_rest_in_the_last():
    assert histogram([0, 5, 10, 15, 99, -1], [0, 10, 20]) == [2, 3]
