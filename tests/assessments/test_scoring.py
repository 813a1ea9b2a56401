"""The scoring rule at every boundary (README: "Scoring")."""

from decimal import Decimal

import pytest

from assessments.models import Level
from assessments.scoring import Share, attained_level, share, stage


@pytest.mark.parametrize(
    "values,expected",
    [
        ({"basic": [], "advance": [], "significance": []}, None),
        ({"basic": [None, None], "advance": [1], "significance": [1]}, None),
        ({"basic": [1, 0], "advance": [1, 1], "significance": [1]}, None),  # higher levels never count alone
        ({"basic": [1, None], "advance": [1], "significance": [1]}, None),  # unanswered is not done
        ({"basic": [1, 1], "advance": [0, 1], "significance": [1]}, Level.BASIC),
        ({"basic": [1, 1], "advance": [1, None], "significance": [1]}, Level.BASIC),
        ({"basic": [1, 1], "advance": [1, 1], "significance": [0, 1]}, Level.ADVANCE),
        ({"basic": [1, 1], "advance": [1, 1], "significance": [1, 1]}, Level.SIGNIFICANCE),
        ({"basic": [1], "advance": [0], "significance": [1, 1]}, Level.BASIC),
    ],
)
def test_attained_level(values, expected):
    assert attained_level(values) == expected


def test_share_formats_like_the_report_screen():
    s = share([1, 1, 0, None])
    assert (s.done, s.total) == (2, 4)
    assert s.fraction_display == "0.5000"
    assert s.percent_display == "ร้อยละ 50.00"
    third = share([1, 0, 0])
    assert third.fraction_display == "0.3333"
    assert third.percent_display == "ร้อยละ 33.33"
    two_thirds = share([1, 1, 0])
    assert two_thirds.fraction_display == "0.6667"  # rounds half up
    assert two_thirds.percent_display == "ร้อยละ 66.67"


def test_empty_share_is_zero_not_an_error():
    assert share([]).fraction_display == "0.0000"
    assert share([]).percent_display == "ร้อยละ 0.00"
    assert Share(0, 0).percent == Decimal("0.00")


def test_share_of_all_items_is_one():
    assert share([1] * 84).fraction_display == "1.0000"
    assert share([1] * 84).percent_display == "ร้อยละ 100.00"
    assert (share([1, 0]) + share([1, 1])).fraction_display == "0.7500"


@pytest.mark.parametrize(
    "levels,expected",
    [
        ([], None),
        ([Level.SIGNIFICANCE, None], None),
        ([Level.BASIC, Level.SIGNIFICANCE], 300),
        ([Level.ADVANCE, Level.SIGNIFICANCE, Level.ADVANCE], 400),
        ([Level.SIGNIFICANCE] * 23, 500),
    ],
)
def test_stage_is_the_level_every_subitem_reached(levels, expected):
    assert stage(levels) == expected
