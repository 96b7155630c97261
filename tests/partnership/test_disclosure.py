"""Disclosure control: small numbers, rounding, rates and secondary suppression."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from partnership import disclosure
from partnership.disclosure import (
    Disclosed,
    Disclosure,
    disclose_change,
    disclose_count,
    disclose_rate,
    disclose_series,
    disclose_share,
    disclose_statistic,
    disclose_table,
)


@pytest.fixture(autouse=True)
def threshold_of_seven(settings):
    settings.DISCLOSURE_THRESHOLD = 7


@pytest.fixture(autouse=True)
def no_cells_kept_from_before():
    """Cells are cached by value; each test works them out afresh."""
    disclosure._count_cell.cache_clear()


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
    with pytest.raises(ValueError, match="negative"):
        disclose_table({"r1": {"A": -1}})


@pytest.mark.parametrize("n", [True, 2.0, Decimal(2), "2", None])
def test_a_count_must_be_a_whole_number(n):
    with pytest.raises(TypeError, match="whole number"):
        disclose_count(n)
    with pytest.raises(TypeError, match="whole number"):
        disclose_series({"a": n})
    with pytest.raises(TypeError, match="whole number"):
        disclose_table({"r1": {"A": n}})


@pytest.mark.parametrize("threshold", [-1, True, 2.5])
def test_the_threshold_must_be_a_whole_number(threshold):
    with pytest.raises(ValueError) as error:
        disclose_count(3, threshold=threshold)
    assert str(error.value) == "The disclosure threshold must be a whole number, 0 or more."


def test_exact_mode_shows_small_counts_unrounded():
    cell = disclose_count(3, exact=True)
    assert (cell.value, cell.display, cell.suppressed) == (3, "3", False)


# Figures worked out from released cells ------------------------------------------------------


def released(n, **kwargs):
    return disclose_count(n, **kwargs)


def test_a_percentage_is_worked_out_from_the_released_counts_not_the_exact_ones():
    # 34 of 42 is 81.0%, which with "35" and "40" shown would give 42 and then 34 away.
    cell = disclose_share(released(34), released(42))
    assert (cell.value, cell.display, cell.suppressed) == (Decimal("88"), "88%", False)


def test_exact_figures_keep_the_exact_percentage_to_one_decimal_place():
    cell = disclose_share(released(34, exact=True), released(42, exact=True), exact=True)
    assert cell.display == "81.0%"


def test_a_percentage_is_rounded_half_up():
    assert disclose_share(released(10), released(80)).display == "13%"  # 12.5
    assert disclose_share(
        released(10, exact=True), released(80, exact=True), exact=True
    ).display == ("12.5%")
    assert disclose_share(
        released(11, exact=True), released(80, exact=True), exact=True
    ).display == ("13.8%")


def test_figures_refuse_anything_but_released_count_cells():
    with pytest.raises(TypeError) as error:
        disclose_share(34, released(42))
    assert str(error.value) == (
        "Figures are worked out from released count cells only, not from 34: disclose the "
        "count first."
    )
    with pytest.raises(TypeError, match="released count cells"):
        disclose_share(released(34), 42)
    rate = disclose_share(released(34), released(42))
    with pytest.raises(TypeError, match="released count cells"):
        disclose_rate(rate, 100, per=1)
    with pytest.raises(TypeError, match="released count cells"):
        disclose_change(released(10), Disclosed(10, "10"))
    with pytest.raises(TypeError, match="released count cells"):
        disclose_statistic(Decimal(3), Disclosed(30, "30"))


def test_a_percentage_on_a_suppressed_cell_is_suppressed():
    assert disclose_share(released(3), released(500)).display == "*"
    assert disclose_share(released(0), released(7)).display == "*"
    hidden_but_large = Disclosed(None, "*", suppressed=True, _exact=20)
    assert disclose_share(hidden_but_large, released(50)).suppressed
    assert disclose_share(released(20), Disclosed(None, "*", suppressed=True, _exact=50)).suppressed


def test_a_percentage_of_nothing_is_a_dash_and_of_zero_is_zero():
    cell = disclose_share(released(0), released(0))
    assert (cell.value, cell.display, cell.suppressed) == (None, "–", False)
    assert disclose_share(released(0), released(8)).display == "0%"
    assert disclose_share(released(0, exact=True), released(0, exact=True), exact=True).display == (
        "–"
    )


def test_exact_figures_show_percentages_on_small_counts():
    cell = disclose_share(released(3, exact=True), released(4, exact=True), exact=True)
    assert cell.display == "75.0%"


# Complements (rule 5) -------------------------------------------------------------------------


def test_a_small_complement_is_shown_as_a_band_from_the_released_whole():
    # 133 of 140 contacted: 7 were not. 135 of 140 (96%) would say "from 3 to 9 were not".
    cell = disclose_share(released(133), released(140), band=True)
    assert (cell.value, cell.display, cell.suppressed, cell.above) == (
        None,
        "over 94%",
        True,
        Decimal(94),
    )
    assert cell.is_band
    assert not disclose_share(released(132), released(140), band=True).is_band  # 8 were not


def test_a_complement_of_none_or_above_the_threshold_gives_the_figure():
    assert disclose_share(released(140), released(140), band=True).display == "100%"
    assert disclose_share(released(132), released(140), band=True).display == "93%"  # 130/140


def test_bands_are_for_committees_only_and_need_a_shown_whole():
    exact = disclose_share(
        released(133, exact=True), released(140, exact=True), exact=True, band=True
    )
    assert exact.display == "95.0%"
    assert not disclose_share(released(133), released(140)).is_band  # band not asked for
    hidden_whole = Disclosed(None, "*", suppressed=True, _exact=140)
    assert disclose_share(released(133), hidden_whole, band=True).display == "*"


def test_every_complement_from_1_to_the_threshold_fits_the_band_and_the_band_is_the_tightest(
    settings,
):
    for threshold in (3, 7, 10):
        settings.DISCLOSURE_THRESHOLD = threshold
        for whole in range(threshold + 1, 400):
            band = disclose_share(released(whole - 1), released(whole), band=True)
            shown = released(whole).value
            wholes = [d for d in range(shown - 2, shown + 3) if d > threshold]
            shares = [Fraction(100 * (d - c), d) for d in wholes for c in range(1, threshold + 1)]
            assert all(band.above < share < 100 for share in shares), (threshold, whole)
            assert min(shares) <= band.above + 1, (threshold, whole)


def test_the_band_uses_the_threshold_it_is_given():
    assert disclose_share(released(136), released(140), band=True, threshold=3).is_band is False
    assert disclose_share(released(137), released(140), band=True, threshold=3).display == (
        "over 97%"
    )


# Rates per a public base, changes, statistics -------------------------------------------------


def test_a_rate_per_10000_is_worked_out_from_the_count_as_shown():
    # 9 is shown as 10: 10 per 80,000 people is 1.25 per 10,000, shown half up.
    assert disclose_rate(released(9), 80_000, per=10_000).display == "1.3"
    assert disclose_rate(released(9, exact=True), 80_000, per=10_000).display == "1.1"
    assert disclose_rate(released(9), 80_000, per=10_000, places=2).display == "1.25"


def test_a_rate_is_rounded_half_up_only_from_a_half():
    assert disclose_rate(released(40), 3, per=1).display == "13.3"  # 13.333...
    assert disclose_rate(released(40), 3, per=1).value == Decimal("13.3")
    assert disclose_rate(released(40), Decimal("3.2"), per=1).display == "12.5"
    assert disclose_rate(released(10), Decimal("16"), per=1).display == "0.6"  # 0.625


def test_a_rate_per_caseworker_takes_a_decimal_base_and_separates_thousands():
    assert disclose_rate(released(40), Decimal("14.5"), per=1).display == "2.8"
    assert disclose_rate(released(12_348), Decimal("2"), per=1).display == "6,175.0"


def test_a_rate_on_a_suppressed_count_is_suppressed_and_with_no_base_a_dash():
    assert disclose_rate(released(3), 80_000, per=10_000).display == "*"
    assert disclose_rate(released(30), None, per=10_000).display == "–"
    assert disclose_rate(released(30), 0, per=1).display == "–"


def test_a_change_is_worked_out_from_the_counts_as_shown():
    cell = disclose_change(released(32), released(10))
    assert (cell.value, cell.display) == (Decimal(200), "+200%")
    exact = disclose_change(released(32, exact=True), released(10, exact=True), exact=True)
    assert exact.display == "+220.0%"


def test_a_fall_is_rounded_half_away_from_zero():
    assert disclose_change(released(35), released(40)).display == "-13%"  # -12.5
    no_change = disclose_change(released(40), released(40))
    assert (no_change.value, no_change.display) == (Decimal(0), "+0%")
    assert not no_change.value.is_signed()


def test_a_change_from_nothing_is_a_dash_and_on_a_hidden_count_is_hidden():
    assert disclose_change(released(30), released(0)).display == "–"
    assert disclose_change(released(30), released(3)).display == "*"
    assert disclose_change(released(3), released(30)).display == "*"


def test_a_statistic_is_shown_only_for_a_group_shown_as_at_least_twenty():
    assert disclose_statistic(Decimal("4.25"), released(18)).display == "4.3"  # shown as 20
    assert disclose_statistic(Decimal("4.25"), released(18)).value == Decimal("4.3")
    assert disclose_statistic(Decimal("4.25"), released(17)).display == "*"  # shown as 15
    assert disclose_statistic(Decimal("4.25"), released(5)).display == "*"
    assert disclose_statistic(None, released(40)).display == "–"
    assert disclose_statistic(Decimal("4.25"), released(3, exact=True), exact=True).display == (
        "4.3"
    )
    assert disclose_statistic(Decimal("4.25"), released(40), places=2).display == "4.25"


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


def test_cells_in_columns_not_listed_are_refused_rather_than_left_out_of_the_totals():
    with pytest.raises(ValueError, match="not listed"):
        disclose_table({"r1": {"A": 10, "B": 20}}, columns=["A"])


def test_among_equally_small_cells_the_one_that_also_protects_a_crossing_line_is_hidden():
    table = disclose_table({"r1": {"A": 3, "B": 10, "C": 10}, "r2": {"A": 30, "B": 40, "C": 4}})
    # r1 needs a second hidden cell; C also leaves column C (with r2's 4) protected.
    assert table.rows["r1"]["C"].suppressed
    assert not table.rows["r1"]["B"].suppressed
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_among_equal_cells_that_protect_nothing_else_the_first_is_hidden():
    table = disclose_table({"r1": {"A": 3, "B": 10, "C": 10}, "r2": {"A": 30, "B": 40, "C": 50}})
    assert table.rows["r1"]["B"].suppressed
    assert not table.rows["r1"]["C"].suppressed
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_a_table_keeps_the_margins_released_before_as_the_same_cells():
    rows = {"IDVA": {"met": 20, "missed": 3}, "Refuge": {"met": 30, "missed": 0}}
    margins = disclose_series({"IDVA": 23, "Refuge": 30})
    table = disclose_table(rows, margins=margins)
    assert table.row_totals["IDVA"] is margins.items["IDVA"]
    assert table.total is margins.total
    assert (table.row("IDVA").items, table.row("IDVA").total) == (
        table.rows["IDVA"],
        margins.items["IDVA"],
    )
    assert (table.columns().items, table.columns().total) == (table.column_totals, margins.total)


def test_margins_must_be_the_totals_of_the_table_rows():
    rows = {"IDVA": {"met": 20, "missed": 3}, "Refuge": {"met": 30, "missed": 0}}
    wrong_totals = "The margins must be the released totals of the table's rows."
    wrong_keys = "The margins must be a series with a total, keyed by the table's rows."
    for margins, message in [
        (disclose_series({"IDVA": 23, "Refuge": 31}), wrong_totals),
        (disclose_series({"Refuge": 30, "IDVA": 23}), wrong_keys),
        (disclose_series({"IDVA": 23, "Refuge": 30}, total=False), wrong_keys),
    ]:
        with pytest.raises(ValueError) as error:
            disclose_table(rows, margins=margins)
        assert str(error.value) == message


def test_a_hidden_margin_stays_hidden_and_its_row_is_protected():
    margins = disclose_series({"a": 5, "b": 40, "c": 50})  # a is small, so b goes too
    table = disclose_table(
        {"a": {"X": 5, "Y": 0}, "b": {"X": 20, "Y": 20}, "c": {"X": 25, "Y": 25}},
        margins=margins,
    )
    assert table.row_totals["a"].suppressed and table.row_totals["b"].suppressed
    assert table.total.value == 95
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_a_cell_a_shown_margin_gives_away_is_not_used_to_protect_another():
    # Refuge's 9 is all of its referrals, so its total (shown) gives it away: hiding it would
    # not protect IDVA's 3 missed. The column's total is hidden instead.
    rows = {"IDVA": {"met": 20, "missed": 3}, "Refuge": {"met": 9, "missed": 0}}
    table = disclose_table(rows, margins=disclose_series({"IDVA": 23, "Refuge": 9}))
    assert table.rows["Refuge"]["met"].display == "10"
    assert table.rows["IDVA"]["met"].suppressed and table.rows["IDVA"]["missed"].suppressed
    assert table.column_totals["met"].suppressed and table.column_totals["missed"].suppressed
    assert table.total.display == "30"


def test_a_hidden_cell_a_shown_margin_gives_away_anyway_is_shown():
    # IDVA's 3 in Southmere hides its 20 in Northvale and, in the totals, Southmere's 3; the
    # smallest total left to hide beside it is out of area's 9, which is all of the refuge's
    # referrals, so it would be given away by the refuge's total: it is shown after all.
    rows = {
        "IDVA": {"Northvale": 20, "Southmere": 3, "Out of area": 0},
        "Refuge": {"Northvale": 0, "Southmere": 0, "Out of area": 9},
    }
    table = disclose_table(rows, margins=disclose_series({"IDVA": 23, "Refuge": 9}))
    assert table.rows["Refuge"]["Out of area"].display == "10"
    assert table.column_totals["Out of area"].display == "10"
    assert table.column_totals["Northvale"].suppressed
    assert table.column_totals["Southmere"].suppressed
    assert table.rows["IDVA"]["Northvale"].suppressed


def test_lines_are_checked_again_after_a_cell_is_shown_after_all():
    # Exact column totals: Northvale 15, Southmere 7 (small, hidden), Out of area 12. The line
    # of column totals first hides the smallest other total, out of area's 12, and column
    # "Out of area" then hides the refuge's 12 to protect it. But the refuge's 12 is all of its
    # referrals, given away by its margin (shown), so it is shown after all, and with it the
    # out of area total it was protecting. That leaves Southmere's 7 alone in the line of
    # column totals again (35 - 15 - 10 would give it away), so the line hides Northvale's 15.
    rows = {
        "IDVA": {"Northvale": 6, "Southmere": 6, "Out of area": 0},
        "Refuge": {"Northvale": 0, "Southmere": 0, "Out of area": 12},
        "Outreach": {"Northvale": 9, "Southmere": 1, "Out of area": 0},
    }
    margins = disclose_series({"IDVA": 12, "Refuge": 12, "Outreach": 10})
    table = disclose_table(rows, margins=margins)
    assert table.rows["Refuge"]["Out of area"].display == "10"
    assert table.column_totals["Out of area"].display == "10"
    assert table.column_totals["Southmere"].suppressed
    assert table.column_totals["Northvale"].suppressed
    assert table.total.display == "35"
    assert_nothing_can_be_worked_out_by_subtraction(table)


def test_a_hidden_margin_is_protected_by_its_smallest_non_zero_cell_even_a_1():
    # Margins released under the usual threshold hide the row's 1 and the total; a table under
    # a threshold of 0 would show the 1, but the row's only cell equals its hidden margin, so
    # the cell is the second member hidden: a count of 1 is non-zero, so it can be hidden.
    margins = disclose_series({"Refuge": 1})
    table = disclose_table({"Refuge": {"Out of area": 1}}, margins=margins, threshold=0)
    assert table.row_totals["Refuge"].suppressed
    assert table.rows["Refuge"]["Out of area"].suppressed
    assert table.column_totals["Out of area"].suppressed


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


def test_random_tables_with_margins_never_leave_a_lone_suppressed_figure_in_any_line():
    rng = random.Random(20240401)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
        rows = {
            r: {c: rng.choice([0, 0, 0, 1, 3, 6, 7, 8, 12, 40, 200]) for c in range(n_cols)}
            for r in range(n_rows)
        }
        margins = disclose_series({r: sum(row.values()) for r, row in rows.items()})
        table = disclose_table(rows, margins=margins)
        assert_nothing_can_be_worked_out_by_subtraction(table)
        assert list(table.row_totals.values()) == list(margins.items.values())
        for r, row in rows.items():
            for c, n in row.items():
                assert (table.rows[r][c].value == 0) == (n == 0)
                if 1 <= n <= 7:
                    assert table.rows[r][c].suppressed


def test_exact_mode_returns_the_table_unchanged_with_exact_totals():
    table = Disclosure(exact=True).table({"r1": {"A": 3, "B": 2}, "r2": {"A": 20, "B": 31}})
    assert suppressed_cells(table) == set()
    assert table.rows["r1"]["A"].value == 3
    assert table.row_totals["r2"].value == 51
    assert table.total.value == 56


def test_the_viewer_wrapper_applies_the_same_rules_as_the_functions():
    viewer = Disclosure()
    assert viewer.count(5).suppressed
    assert viewer.series({"a": 3, "b": 9}).items["b"].suppressed
    assert viewer.series({"a": 3, "b": 9}, total=False).total is None
    assert viewer.table({"r": {"a": 3, "b": 9}}).rows["r"]["b"].suppressed
    assert viewer.table({"r": {"b": 9}}, columns=["a", "b"]).column_keys == ["a", "b"]
    assert viewer.share(viewer.count(34), viewer.count(42)).display == "88%"
    assert viewer.share(viewer.count(133), viewer.count(140)).display == "96%"  # no band
    assert viewer.share(viewer.count(133), viewer.count(140), band=True).display == "over 94%"
    assert viewer.change(viewer.count(32), viewer.count(10)).display == "+200%"
    assert viewer.statistic(Decimal("4.25"), viewer.count(5)).display == "*"


def test_the_viewer_wrapper_passes_on_exact():
    viewer = Disclosure(exact=True)
    assert viewer.count(5).display == "5"
    assert viewer.series({"a": 3, "b": 9}).items["a"].display == "3"
    assert viewer.table({"r": {"a": 3, "b": 9}}).row_totals["r"].display == "12"
    assert viewer.share(viewer.count(133), viewer.count(140), band=True).display == "95.0%"
    assert viewer.change(viewer.count(32), viewer.count(10)).display == "+220.0%"
    assert viewer.statistic(Decimal("4.25"), viewer.count(5)).display == "4.3"


def test_the_viewer_wrapper_passes_on_the_threshold():
    viewer = Disclosure(threshold=3)
    assert viewer.count(4).display == "5"
    assert not viewer.series({"a": 4, "b": 9}).items["a"].suppressed
    assert not viewer.table({"r": {"a": 4, "b": 9}}).rows["r"]["a"].suppressed
    assert viewer.share(viewer.count(137), viewer.count(140), band=True).display == "over 97%"
    margins = viewer.series({"r": 13})
    assert (
        viewer.table({"r": {"a": 4, "b": 9}}, margins=margins).row_totals["r"]
        is (margins.items["r"])
    )


def test_the_viewer_wrapper_passes_on_the_margins():
    viewer = Disclosure()
    rows = {"a": {"X": 5, "Y": 0}, "b": {"X": 20, "Y": 20}}
    margins = Disclosure(threshold=3).series({"a": 5, "b": 40})  # released another way
    assert viewer.table(rows, margins=margins).row_totals["a"].display == "5"
    assert viewer.table(rows).row_totals["a"].display == "*"


def test_the_viewer_wrapper_passes_on_the_base_and_places_of_a_rate():
    viewer = Disclosure()
    assert viewer.rate(viewer.count(9), 80_000, per=10_000).display == "1.3"
    assert viewer.rate(viewer.count(9), 80_000, per=10_000, places=2).display == "1.25"
    assert viewer.rate(viewer.count(9), 80_000, per=1_000).display == "0.1"
    assert viewer.statistic(Decimal("4.25"), viewer.count(40), places=2).display == "4.25"


def test_a_cell_another_release_hides_is_hidden_with_a_second_cell_to_protect_it():
    """`hide`: 20 is not small, but another release hides the same count (the Marac quarter
    beside its 12 months), so it is hidden here too, and the smallest other cell of its row
    with it; a 0 named in `hide` hides nothing and stays 0; exact figures hide nothing."""
    rows = {"r1": {"A": 20, "B": 12, "C": 0, "D": 30}}
    table = disclose_table(rows, hide=[("r1", "A"), ("r1", "C")])

    assert [cell.display for cell in table.rows["r1"].values()] == ["*", "*", "0", "30"]
    assert table.row_totals["r1"].display == "60"
    assert disclose_table(rows).rows["r1"]["A"].display == "20"
    exact = disclose_table(rows, hide=[("r1", "A")], exact=True)
    assert exact.rows["r1"]["A"].display == "20"
