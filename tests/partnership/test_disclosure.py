"""Disclosure control: small numbers, rounding, rates and secondary suppression."""

import random
from decimal import Decimal

import pytest

from partnership.disclosure import (
    Disclosure,
    disclose_count,
    disclose_rate,
    disclose_series,
    disclose_table,
)


@pytest.fixture(autouse=True)
def threshold_of_seven(settings):
    settings.DISCLOSURE_THRESHOLD = 7


def suppressed_cells(table):
    return {(r, c) for r, row in table.rows.items() for c, cell in row.items() if cell.suppressed}


def lines(table):
    """Every set of shown figures that adds up: rows, columns and both lines of totals."""
    rows, columns = table.row_keys, table.column_keys
    for r in rows:
        yield [table.rows[r][c] for c in columns] + [table.row_totals[r]]
    for c in columns:
        yield [table.rows[r][c] for r in rows] + [table.column_totals[c]]
    yield [table.row_totals[r] for r in rows] + [table.total]
    yield [table.column_totals[c] for c in columns] + [table.total]


def assert_nothing_can_be_worked_out_by_subtraction(table):
    for line in lines(table):
        assert sum(cell.suppressed for cell in line) != 1, line


# Counts ------------------------------------------------------------------------------------


def test_zero_is_shown_as_zero():
    cell = disclose_count(0)
    assert (cell.value, cell.display, cell.suppressed) == (0, "0", False)


@pytest.mark.parametrize("n", [1, 2, 5, 7])
def test_counts_from_one_to_the_threshold_are_suppressed(n):
    cell = disclose_count(n)
    assert (cell.value, cell.display, cell.suppressed) == (None, "*", True)
    assert str(cell) == "*"


@pytest.mark.parametrize(
    ("n", "shown"), [(8, 10), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (1003, 1005)]
)
def test_counts_above_the_threshold_are_rounded_to_the_nearest_five(n, shown):
    assert disclose_count(n).value == shown


def test_large_counts_are_shown_with_thousands_separators():
    assert disclose_count(12348).display == "12,350"
    assert disclose_count(12348, exact=True).display == "12,348"


def test_the_threshold_comes_from_settings(settings):
    settings.DISCLOSURE_THRESHOLD = 10
    assert disclose_count(9).suppressed
    assert disclose_count(11).value == 10


def test_a_count_above_zero_never_rounds_to_zero_with_a_low_threshold():
    assert disclose_count(1, threshold=0).value == 5


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        disclose_count(-1)


def test_exact_mode_shows_small_counts_unrounded():
    cell = disclose_count(3, exact=True)
    assert (cell.value, cell.display, cell.suppressed) == (3, "3", False)


# Rates -------------------------------------------------------------------------------------


def test_a_percentage_is_worked_out_from_exact_counts():
    cell = disclose_rate(45, 61)
    assert cell.value == Decimal("73.8")
    assert cell.display == "73.8%"


def test_a_rate_is_rounded_half_up():
    assert disclose_rate(9, 72, places=0).display == "13%"


def test_a_rate_per_ten_thousand_has_no_percent_sign():
    cell = disclose_rate(250, 123_456, per=10_000, places=2)
    assert cell.display == "20.25"


def test_a_rate_on_a_suppressed_numerator_is_suppressed():
    assert disclose_rate(3, 500).display == "*"


def test_a_rate_on_a_small_denominator_is_suppressed_even_with_a_zero_numerator():
    assert disclose_rate(0, 7).suppressed
    assert disclose_rate(0, 8).display == "0.0%"


def test_a_rate_with_no_denominator_is_a_dash_not_a_suppression():
    cell = disclose_rate(0, 0)
    assert (cell.value, cell.display, cell.suppressed) == (None, "–", False)
    assert disclose_rate(0, 0, exact=True).display == "–"


def test_a_rate_on_a_cell_suppressed_in_its_table_is_suppressed():
    table = disclose_table({"North": {"met": 3, "missed": 40}, "South": {"met": 20, "missed": 30}})
    met = table.rows["South"]["met"]
    assert met.suppressed
    assert disclose_rate(20, 50, suppressed=met.suppressed).suppressed


def test_exact_mode_shows_rates_on_small_numbers():
    assert disclose_rate(3, 4, exact=True).display == "75.0%"


# Series ------------------------------------------------------------------------------------


def test_a_series_hides_a_second_value_so_the_total_does_not_give_the_small_one_away():
    series = disclose_series({"IDVA": 3, "Refuge": 20, "Outreach": 30})
    assert series.items["IDVA"].suppressed
    assert series.items["Refuge"].suppressed
    assert series.items["Outreach"].value == 30
    assert series.total.value == 55


def test_a_zero_is_never_used_as_the_second_suppression():
    series = disclose_series({"IDVA": 3, "Sanctuary": 0, "Refuge": 20, "Outreach": 30})
    assert series.items["Sanctuary"].display == "0"
    assert series.items["Refuge"].suppressed


def test_a_line_with_only_zeros_left_to_hide_hides_its_total_instead():
    table = disclose_table(
        {
            "r1": {"A": 3, "B": 4, "C": 20},
            "r2": {"A": 0, "B": 30, "C": 0},
            "r3": {"A": 10, "B": 0, "C": 15},
        }
    )
    # Column B hides r2's 30 to protect the 4. Row r2 has nothing else above zero to hide, and
    # its total would equal the hidden 30, so the row total is hidden instead.
    assert table.rows["r2"]["B"].suppressed
    assert table.rows["r2"]["A"].display == "0"
    assert table.rows["r2"]["C"].display == "0"
    assert table.row_totals["r2"].suppressed
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_a_lone_small_column_total_can_be_protected_by_another_total():
    table = disclose_table({"r1": {"A": 3, "B": 20}, "r2": {"A": 0, "B": 30}})
    assert table.column_totals["A"].suppressed
    assert table.column_totals["B"].suppressed
    assert table.rows["r2"]["B"].value == 30
    assert table.total.value == 55
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_a_series_without_a_total_needs_no_second_suppression():
    series = disclose_series({"IDVA": 3, "Refuge": 20}, total=False)
    assert series.total is None
    assert series.items["Refuge"].value == 20


def test_totals_are_rounded_from_exact_values():
    series = disclose_series({"IDVA": 12, "Refuge": 14})
    assert [c.value for c in series.items.values()] == [10, 15]
    assert series.total.value == 25


# Tables ------------------------------------------------------------------------------------


def test_a_row_with_one_small_cell_hides_a_second_cell_and_the_columns_follow():
    table = disclose_table(
        {
            "North": {"IDVA": 2, "Refuge": 30, "Outreach": 40},
            "South": {"IDVA": 20, "Refuge": 25, "Outreach": 50},
        }
    )
    assert suppressed_cells(table) == {
        ("North", "IDVA"),
        ("North", "Refuge"),
        ("South", "IDVA"),
        ("South", "Refuge"),
    }
    assert table.row_totals["North"].value == 70
    assert table.column_totals["IDVA"].value == 20
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_a_column_suppression_that_leaves_a_row_exposed_forces_one_in_that_row():
    table = disclose_table(
        {
            "r1": {"X": 3, "Y": 4, "Z": 50},
            "r2": {"X": 20, "Y": 90, "Z": 40},
            "r3": {"X": 60, "Y": 35, "Z": 80},
        }
    )
    # r1's two small cells protect each other in their row, but each is alone in its column:
    # column X hides r2's 20 and column Y hides r3's 35, which leaves r2 and r3 exposed in turn.
    hidden = suppressed_cells(table)
    assert {("r2", "X"), ("r3", "Y")} <= hidden
    assert ("r2", "Z") in hidden
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_a_small_row_total_is_not_given_away_by_the_grand_total():
    table = disclose_table({"r1": {"A": 3, "B": 2}, "r2": {"A": 20, "B": 30}})
    assert table.row_totals["r1"].suppressed
    assert table.row_totals["r2"].suppressed
    assert table.total.value == 55
    assert [c.value for c in table.column_totals.values()] == [25, 30]
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_zero_cells_stay_zero_in_a_table_and_are_not_used_as_complements():
    table = disclose_table({"r1": {"A": 3, "B": 0, "C": 20}, "r2": {"A": 0, "B": 0, "C": 25}})
    assert table.rows["r1"]["B"].display == "0"
    assert table.rows["r2"]["A"].display == "0"
    assert table.rows["r1"]["C"].suppressed
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_listed_columns_fix_the_order_and_fill_missing_cells_with_zero():
    table = disclose_table({"r1": {"B": 10}}, columns=["A", "B"])
    assert table.column_keys == ["A", "B"]
    assert table.rows["r1"]["A"].display == "0"


def test_random_tables_never_leave_a_lone_suppressed_figure_in_any_line():
    rng = random.Random(20210401)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
        rows = {
            r: {c: rng.choice([0, 0, 1, 3, 6, 7, 8, 12, 40, 200]) for c in range(n_cols)}
            for r in range(n_rows)
        }
        table = disclose_table(rows)
        assert_nothing_can_be_worked_out_by_subtraction(table)
        for r, row in rows.items():
            for c, n in row.items():
                if n == 0:
                    assert table.rows[r][c].value == 0


def test_exact_mode_returns_the_table_unchanged_with_exact_totals():
    table = Disclosure(exact=True).table({"r1": {"A": 3, "B": 2}, "r2": {"A": 20, "B": 31}})
    assert suppressed_cells(table) == set()
    assert table.rows["r1"]["A"].value == 3
    assert table.row_totals["r2"].value == 51
    assert table.total.value == 56


def test_the_viewer_wrapper_applies_the_same_rules_as_the_functions():
    viewer = Disclosure()
    assert viewer.count(5).suppressed
    assert viewer.rate(3, 40).suppressed
    assert viewer.series({"a": 3, "b": 9}).items["b"].suppressed
