from __future__ import annotations

import math

import pytest

from mechmatch.core.ranking import ScoringPolicy
from mechmatch.core.scoring_overrides import NUMERIC_FIELDS, OverrideError, overrides_clean, overrides_from_text


def test_every_numeric_weight_of_the_policy_can_be_overridden_and_the_name_cannot():
    assert set(NUMERIC_FIELDS) == set(ScoringPolicy().as_dict()) - {"name"}
    with pytest.raises(OverrideError, match="name: ScoringPolicy has no such weight"):
        overrides_clean({"name": 1})


def test_values_come_back_as_the_weights_own_type():
    assert overrides_clean({"rating_max": 60, "sessions_cap": 100.0}) == {"rating_max": 60.0, "sessions_cap": 100}
    assert isinstance(overrides_clean({"sessions_cap": 100.0})["sessions_cap"], int)


@pytest.mark.parametrize(
    ("overrides", "weight", "reason"),
    [
        ({"no_such_weight": 1}, "no_such_weight", "no such weight"),
        ({"rating_max": "60"}, "rating_max", "not a number"),
        ({"rating_max": True}, "rating_max", "not a number"),
        ({"rating_max": math.nan}, "rating_max", "not a finite number"),
        ({"rating_max": math.inf}, "rating_max", "not a finite number"),
        ({"rating_max": -1}, "rating_max", "outside 0..1000"),
        ({"rating_max": 5000}, "rating_max", "outside 0..1000"),
        ({"sessions_cap": 2.5}, "sessions_cap", "not a whole number"),
        ({"distance_scale_local_km": 0}, "distance_scale_local_km", "outside"),
        ({"rating_floor": 5}, "rating_floor", "outside"),
    ],
)
def test_a_bad_override_is_refused_naming_the_weight(overrides, weight, reason):
    with pytest.raises(OverrideError, match=reason) as caught:
        overrides_clean(overrides)
    assert caught.value.weight == weight and str(caught.value).startswith(f"{weight}: ")


def test_overrides_must_be_an_object():
    with pytest.raises(OverrideError, match="object"):
        overrides_clean([["rating_max", 60]])


def test_the_command_line_form_is_parsed_then_checked_by_the_same_rule():
    assert overrides_from_text(["rating_max=60", " sessions_cap = 100 "]) == {"rating_max": 60.0, "sessions_cap": 100}
    with pytest.raises(OverrideError, match="favourite: 'lots' is not a number"):
        overrides_from_text(["favourite=lots"])
    with pytest.raises(OverrideError, match="name=value"):
        overrides_from_text(["favourite"])
    with pytest.raises(OverrideError, match="not a finite number"):
        overrides_from_text(["favourite=nan"])
