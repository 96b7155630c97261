"""XmR statistical process control: the calculation, the three rules and the plain-English reading.

The series are built by hand so that each expected number can be checked on paper.
"""

import pytest

from partnership.disclosure import disclose_count
from scrutiny import spc

NAME = "Referrals from Northvale"
# Twelve quarters that swing between 12 and 8: no run, no trend, mean 10.
ALTERNATING = [12, 8] * 6


def labels(n):
    return [f"Q{i}" for i in range(1, n + 1)]


def xmr(values, **kwargs):
    return spc.xmr(values, labels(len(values)), **kwargs)


def flags(result, attribute):
    return [getattr(point, attribute) for point in result.points]


# The calculation ------------------------------------------------------------------------------


def test_mean_moving_ranges_and_limits_match_a_hand_calculation():
    result = xmr([10, 12, 11, 15, 12])

    # mean 60 / 5 = 12; moving ranges 2, 1, 4, 3 with mean 10 / 4 = 2.5; limits 12 ± 2.66 × 2.5
    assert result.mean == 12
    assert [p.moving_range for p in result.points] == [None, 2, 1, 4, 3]
    assert result.mean_moving_range == 2.5
    assert result.upper_limit == pytest.approx(18.65)
    assert result.lower_limit == pytest.approx(5.35)


def test_lower_limit_is_floored_at_zero_for_counts():
    values = [1, 10] * 6  # mean 5.5, moving ranges all 9: 5.5 - 2.66 × 9 is below zero

    assert xmr(values).lower_limit == 0
    assert xmr(values, floor_at_zero=False).lower_limit == pytest.approx(5.5 - 2.66 * 9)


def test_suppressed_figures_are_left_out_of_the_mean_and_have_no_moving_range():
    result = xmr([10, None, 14, 12])

    assert result.mean == 12
    assert [p.moving_range for p in result.points] == [None, None, None, 2]
    assert result.mean_moving_range == 2
    assert result.suppressed_count == 1
    assert result.points[1].display == "*"


def test_disclosed_figures_are_read_with_suppressed_ones_as_gaps():
    result = xmr([disclose_count(40), disclose_count(3), disclose_count(52)])

    assert [p.value for p in result.points] == [40, None, 50]
    assert [p.display for p in result.points] == ["40", "*", "50"]


def test_a_baseline_fixes_the_limits_from_the_first_points_only():
    result = xmr([10, 12, 11, 15, 12, 40, 41], baseline=5, min_points=5)

    assert result.mean == 12
    assert result.upper_limit == pytest.approx(18.65)
    assert flags(result, "above_upper") == [False] * 5 + [True, True]


def test_figures_and_labels_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="3 figures but 2 labels"):
        spc.xmr([1, 2, 3], ["Q1", "Q2"])


def test_a_baseline_longer_than_the_series_is_refused():
    with pytest.raises(ValueError, match="baseline must be from 2 to 3"):
        xmr([1, 2, 3], baseline=4)


def test_a_figure_that_is_not_a_number_is_refused():
    with pytest.raises(TypeError, match="must be a number or None"):
        xmr(["12", 13])


# The rules ------------------------------------------------------------------------------------


def test_the_alternating_series_has_no_special_cause():
    assert xmr(ALTERNATING).special_cause_count == 0
    assert xmr([100, 104] * 6 + [100]).special_cause_count == 0


def test_a_point_outside_the_limits_is_special_cause():
    result = xmr([6, 14] * 6 + [40])  # mean 12.3, upper limit 37.6

    assert result.points[-1].above_upper
    assert result.points[-1].special_cause
    assert not any(p.special_cause for p in result.points[:-1])


def test_a_point_below_the_lower_limit_is_special_cause():
    result = xmr([90, 110] * 6 + [20])  # mean 93.8, lower limit 25.1

    assert result.points[-1].below_lower
    assert result.special_cause_count == 1
    assert result.points[-1].notes == ["Below the lower limit"]


def test_a_run_of_seven_above_the_mean_is_a_shift():
    result = xmr([12, 8] * 4 + [11] * 7)  # mean 157 / 15 = 10.47

    assert flags(result, "run") == [None] * 8 + [spc.ABOVE] * 7
    assert flags(result, "above_upper") == [False] * 15


def test_a_run_of_six_is_not_a_shift():
    result = xmr([12, 8] * 4 + [11] * 6 + [8])

    assert flags(result, "run") == [None] * 15


def test_a_run_of_seven_below_the_mean_is_a_shift():
    result = xmr([8, 12] * 4 + [9] * 7)

    assert flags(result, "run") == [None] * 8 + [spc.BELOW] * 7


def test_a_point_on_the_mean_breaks_a_run():
    # Sum 80 + 76 + 4 = 160 over 16 points: the mean is exactly 10, the value of the middle point.
    result = xmr([12, 8] * 4 + [11, 11, 11, 10, 11, 11, 11] + [4])

    assert result.mean == 10
    assert flags(result, "run") == [None] * 16


def test_a_suppressed_figure_breaks_a_run():
    result = xmr([12, 8] * 4 + [11, 11, 11, None, 11, 11, 11] + [8])

    assert flags(result, "run") == [None] * 16


def test_seven_points_each_higher_than_the_last_are_a_trend():
    result = xmr([12, 8] * 3 + [5, 6, 7, 8, 9, 10, 11])

    assert flags(result, "trend") == [None] * 6 + [spc.RISING] * 7
    assert flags(result, "run") == [None] * 13


def test_six_rising_points_are_not_a_trend():
    result = xmr([12, 8] * 3 + [5, 6, 7, 8, 9, 10] + [7])

    assert flags(result, "trend") == [None] * 13


def test_an_equal_pair_breaks_a_trend():
    result = xmr([12, 8] * 3 + [5, 6, 7, 7, 8, 9, 10, 11])

    assert flags(result, "trend") == [None] * 14


def test_seven_points_each_lower_than_the_last_are_a_falling_trend():
    result = xmr([8, 12] * 3 + [15, 14, 13, 12, 11, 10, 9])

    assert flags(result, "trend") == [None] * 6 + [spc.FALLING] * 7
    assert result.points[-1].notes == [f"Part of a falling trend of {spc.TREND_LENGTH} or more"]


def test_with_fewer_than_twelve_points_limits_are_drawn_but_nothing_is_flagged():
    result = xmr([12, 8] * 5 + [40])

    assert result.upper_limit is not None
    assert not result.enough_points
    assert result.special_cause_count == 0


def test_suppressed_quarters_do_not_count_towards_the_twelve():
    result = xmr([*ALTERNATING[:11], None, 40])

    assert result.calculated_from == 12
    assert result.enough_points
    assert not xmr([*ALTERNATING[:10], None, 40]).enough_points


# The reading ----------------------------------------------------------------------------------


def test_reading_of_a_rise_beyond_the_upper_limit():
    # mean 1340 / 13 = 103.08; moving ranges eleven 8s and a 36: 124 / 12 = 10.33;
    # upper limit 103.08 + 2.66 × 10.33 = 130.56; change 36 / 104 = 34.6%
    result = xmr([96, 104] * 6 + [140])

    assert result.special_cause_count == 1
    assert spc.reading(NAME, result) == (
        "Referrals from Northvale rose by 35% on the previous quarter, beyond normal variation "
        "(above the upper limit of 130.6)."
    )


def test_reading_of_a_fall_below_the_lower_limit():
    result = xmr([90, 110] * 6 + [20])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale fell by 82% on the previous quarter, beyond normal variation "
        "(below the lower limit of 25.1)."
    )


def test_reading_of_a_fall_that_is_still_above_the_upper_limit():
    result = xmr([96, 104] * 8 + [134, 130])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale fell by 3% on the previous quarter but remain beyond normal "
        "variation (above the upper limit of 127.7)."
    )


def test_reading_of_a_fall_within_normal_variation():
    result = xmr([100, 104] * 6 + [100])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale fell by 4% on the previous quarter, within normal variation."
    )


def test_reading_of_an_unchanged_quarter():
    result = xmr([100, 104] * 6 + [104])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale were unchanged on the previous quarter, within normal variation."
    )


def test_reading_of_a_shift():
    result = xmr([12, 8] * 4 + [11] * 7)

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale have been above the average of 10.5 for 7 quarters in a row, "
        "a shift beyond normal variation."
    )


def test_reading_of_a_trend():
    result = xmr([12, 8] * 3 + [5, 6, 7, 8, 9, 10, 11])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale have risen in each of the last 6 quarters, a trend beyond "
        "normal variation."
    )


def test_reading_of_a_falling_trend():
    result = xmr([8, 12] * 3 + [15, 14, 13, 12, 11, 10, 9])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale have fallen in each of the last 6 quarters, a trend beyond "
        "normal variation."
    )


def test_reading_with_too_few_quarters_says_so():
    result = xmr([10, 12, 11, 15, 12])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale fell by 20% on the previous quarter; there are too few quarters "
        "to tell normal variation from real change (5 quarters; at least 12 are needed)."
    )


def test_reading_says_how_many_suppressed_quarters_were_left_out():
    result = xmr([100, 104] * 6 + [None, 103])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale were 103 in Q14, within normal variation; 1 quarter too small "
        "to show was left out of the calculation."
    )


def test_reading_when_the_latest_quarter_is_suppressed():
    result = xmr([*ALTERNATING, None, None])

    assert spc.reading(NAME, result) == (
        "Referrals from Northvale: the latest quarter, Q14, is too small to show, so it cannot be "
        "compared; 2 quarters too small to show were left out of the calculation."
    )


def test_reading_of_a_rise_from_zero_gives_the_figures_not_a_percentage():
    result = xmr([0, 45])

    assert spc.reading(NAME, result).startswith(
        "Referrals from Northvale rose from 0 to 45 on the previous quarter;"
    )


@pytest.mark.parametrize(
    ("before", "after", "percent"),
    [
        (200, 263, 32),  # 31.5 rounds half up
        (200, 137, -32),  # and half away from zero when falling
        (300, 393, 31),
        (200, 201, 1),  # 0.5
        (0.1, 0.3, 200),  # no binary floating-point surprises
    ],
)
def test_percentage_change_is_rounded_half_up_to_a_whole_number(before, after, percent):
    assert spc.percent_change(before, after) == percent


def test_a_change_that_rounds_to_nothing_reads_as_less_than_one_percent():
    result = xmr([1000, 1004])

    assert spc.reading(NAME, result).startswith(
        "Referrals from Northvale rose by less than 1% on the previous quarter;"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(412, "412"), (411.96, "412"), (1234.25, "1,234.3"), (283.84, "283.8"), (0.05, "0.1")],
)
def test_numbers_are_shown_whole_or_to_one_decimal_place(value, text):
    assert spc.format_number(value) == text
