"""The financial calendar, working days and the database quarter expression."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.utils import timezone

from partnership.calendar import (
    FinancialQuarter,
    FinancialYear,
    add_working_days,
    financial_quarter_index,
    is_working_day,
    within_working_days,
    working_day_deadline,
)

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


# Financial quarters ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2020/21 Q4", "2021/22 Q1", "1999/00 Q3", "2024/25 Q2"])
def test_quarter_labels_round_trip_through_parse_and_str(text):
    quarter = FinancialQuarter.parse(text)
    assert str(quarter) == text
    assert quarter.label == text
    assert FinancialQuarter.parse(str(quarter)) == quarter


def test_parse_tolerates_spaces_and_lower_case_q():
    assert FinancialQuarter.parse("  2020/21 q4 ") == FinancialQuarter(2020, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020/22 Q1", "the year starting in 2020 is written 2020/21"),
        ("2020/21 Q5", "Q1, Q2, Q3 or Q4"),
        ("2020/21 Q0", "Q1, Q2, Q3 or Q4"),
        ("2020-21 Q1", "write it like '2020/21 Q4'"),
        ("Q1 2020/21", "write it like '2020/21 Q4'"),
        ("", "write it like '2020/21 Q4'"),
    ],
)
def test_bad_quarter_text_gives_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        FinancialQuarter.parse(text)


def test_quarter_number_out_of_range_is_refused_when_constructed():
    with pytest.raises(ValueError):
        FinancialQuarter(2020, 5)


def test_q4_is_january_to_march_of_the_next_calendar_year():
    quarter = FinancialQuarter.parse("2020/21 Q4")
    assert quarter.start == date(2021, 1, 1)
    assert quarter.end == date(2021, 3, 31)
    assert quarter.financial_year == "2020/21"


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2024, 4, 1), date(2024, 6, 30)),
        (2, date(2024, 7, 1), date(2024, 9, 30)),
        (3, date(2024, 10, 1), date(2024, 12, 31)),
        (4, date(2025, 1, 1), date(2025, 3, 31)),
    ],
)
def test_each_quarter_starts_and_ends_on_the_right_day(quarter, start, end):
    q = FinancialQuarter(2024, quarter)
    assert (q.start, q.end) == (start, end)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2020, 12, 31), "2020/21 Q3"),
        (date(2021, 1, 1), "2020/21 Q4"),
        (date(2021, 3, 31), "2020/21 Q4"),
        (date(2021, 4, 1), "2021/22 Q1"),
        (date(2021, 6, 30), "2021/22 Q1"),
        (date(2021, 7, 1), "2021/22 Q2"),
        (date(2021, 9, 30), "2021/22 Q2"),
        (date(2021, 10, 1), "2021/22 Q3"),
        (date(2024, 2, 29), "2023/24 Q4"),
    ],
)
def test_containing_puts_boundary_days_in_the_right_quarter(day, label):
    assert str(FinancialQuarter.containing(day)) == label


def test_containing_uses_london_time_for_aware_datetimes():
    # 1 April 2021 00:30 BST is still 31 March in UTC.
    moment = datetime(2021, 3, 31, 23, 30, tzinfo=UTC)
    assert str(FinancialQuarter.containing(moment)) == "2021/22 Q1"
    assert str(FinancialQuarter.containing(datetime(2021, 3, 31, 23, 30))) == "2020/21 Q4"


def test_quarter_datetimes_are_a_half_open_range_in_london_time():
    quarter = FinancialQuarter.parse("2020/21 Q4")
    assert quarter.start_datetime() == london(2021, 1, 1)
    # The next quarter starts at midnight BST, which is 23:00 UTC on 31 March.
    assert quarter.end_datetime() == datetime(2021, 3, 31, 23, 0, tzinfo=UTC)
    assert quarter.end_datetime() == quarter.next().start_datetime()
    assert timezone.is_aware(quarter.start_datetime())


def test_previous_and_next_cross_financial_years():
    q1 = FinancialQuarter.parse("2021/22 Q1")
    assert str(q1.previous()) == "2020/21 Q4"
    assert q1.previous().next() == q1
    assert str(FinancialQuarter.parse("2020/21 Q3").next()) == "2020/21 Q4"


def test_same_quarter_last_year_keeps_the_quarter_number():
    assert str(FinancialQuarter.parse("2021/22 Q4").same_quarter_last_year()) == "2020/21 Q4"


def test_quarters_are_ordered_by_year_then_quarter():
    labels = ["2021/22 Q1", "2020/21 Q4", "2020/21 Q1", "2019/20 Q4"]
    ordered = sorted(FinancialQuarter.parse(text) for text in labels)
    assert [str(q) for q in ordered] == ["2019/20 Q4", "2020/21 Q1", "2020/21 Q4", "2021/22 Q1"]


def test_index_counts_quarters_consecutively_and_round_trips():
    quarter = FinancialQuarter.parse("2020/21 Q4")
    assert quarter.index == 2020 * 4 + 3
    assert quarter.next().index == quarter.index + 1
    assert FinancialQuarter.from_index(quarter.index) == quarter


def test_quarters_back_lists_the_last_n_quarters_oldest_first():
    quarters = FinancialQuarter.parse("2021/22 Q2").quarters_back(4)
    assert [str(q) for q in quarters] == ["2020/21 Q3", "2020/21 Q4", "2021/22 Q1", "2021/22 Q2"]


def test_last_complete_quarter_is_the_one_before_today():
    assert str(FinancialQuarter.last_complete(date(2021, 4, 1))) == "2020/21 Q4"
    assert str(FinancialQuarter.last_complete(date(2021, 3, 31))) == "2020/21 Q3"
    assert isinstance(FinancialQuarter.last_complete(), FinancialQuarter)


# Financial years ---------------------------------------------------------------------------


def test_financial_year_round_trips_and_has_four_quarters():
    year = FinancialYear.parse("2021/22")
    assert str(year) == "2021/22"
    assert (year.start, year.end) == (date(2021, 4, 1), date(2022, 3, 31))
    assert [str(q) for q in year.quarters] == [f"2021/22 Q{n}" for n in range(1, 5)]
    assert year.end_datetime() == london(2022, 4, 1)


def test_financial_year_containing_a_date_in_march_is_the_one_before():
    assert str(FinancialYear.containing(date(2022, 3, 31))) == "2021/22"
    assert str(FinancialYear.containing(date(2022, 4, 1))) == "2022/23"


def test_bad_financial_year_text_gives_a_clear_message():
    with pytest.raises(ValueError, match="written 2021/22"):
        FinancialYear.parse("2021/23")


# Working days ------------------------------------------------------------------------------


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2021, 4, 2))  # Good Friday
    assert not is_working_day(date(2021, 4, 5))  # Easter Monday
    assert not is_working_day(date(2021, 4, 3))  # Saturday
    assert is_working_day(date(2021, 4, 6))


def test_referral_before_easter_contacted_on_tuesday_is_within_one_working_day():
    received = london(2021, 4, 1, 16, 0)
    assert within_working_days(received, london(2021, 4, 6, 10, 0), 1)
    assert within_working_days(received, london(2021, 4, 6, 23, 59, 59), 1)


def test_referral_before_easter_contacted_on_wednesday_is_not_within_one_working_day():
    assert not within_working_days(london(2021, 4, 1, 16, 0), london(2021, 4, 7, 0, 0), 1)
    assert not within_working_days(london(2021, 4, 1, 16, 0), london(2021, 4, 7, 10, 0), 1)


def test_referral_received_on_saturday_has_until_the_end_of_monday():
    received = london(2021, 6, 5, 11, 0)  # Saturday
    assert within_working_days(received, london(2021, 6, 7, 17, 0), 1)
    assert not within_working_days(received, london(2021, 6, 8, 9, 0), 1)


def test_referral_received_on_friday_evening_has_until_the_end_of_monday():
    received = london(2021, 6, 4, 22, 0)
    assert working_day_deadline(received, 1) == london(2021, 6, 8)
    assert within_working_days(received, london(2021, 6, 7, 23, 0), 1)


def test_working_day_deadline_is_judged_in_london_time():
    # 23:30 UTC on Monday 7 June 2021 is 00:30 BST on Tuesday.
    received = datetime(2021, 6, 7, 23, 30, tzinfo=UTC)
    assert working_day_deadline(received, 1) == london(2021, 6, 10)


def test_add_working_days_skips_weekends_and_bank_holidays_and_keeps_the_time():
    assert add_working_days(date(2021, 4, 1), 1) == date(2021, 4, 6)
    assert add_working_days(london(2021, 4, 1, 16, 0), 2) == london(2021, 4, 7, 16, 0)
    assert add_working_days(date(2021, 4, 6), -1) == date(2021, 4, 1)
    assert add_working_days(date(2021, 4, 3), 0) == date(2021, 4, 3)


def test_add_working_days_across_the_clocks_going_forward_keeps_local_time():
    # Clocks went forward on Sunday 28 March 2021.
    result = add_working_days(london(2021, 3, 26, 9, 0), 1)
    assert timezone.localtime(result).hour == 9
    assert result == datetime(2021, 3, 29, 8, 0, tzinfo=UTC)


# The database expression -------------------------------------------------------------------

BOUNDARY_MOMENTS = [
    london(2020, 12, 31, 23, 30),
    london(2021, 1, 1, 0, 0),
    london(2021, 3, 31, 23, 59),
    london(2021, 4, 1, 0, 0),  # 31 March 23:00 UTC
    london(2021, 6, 30, 23, 59),
    london(2021, 7, 1, 0, 30),  # 30 June 23:30 UTC
    london(2021, 9, 30, 23, 59),
    london(2021, 10, 1, 0, 30),  # 30 September 23:30 UTC
    london(2023, 12, 31, 23, 59, 59),
    london(2024, 2, 29, 12, 0),
    london(2024, 3, 31, 23, 59),
]


@pytest.fixture
def users_joined_at_boundaries(django_user_model):
    return {
        django_user_model.objects.create(username=f"joined-{i}", date_joined=moment).pk: moment
        for i, moment in enumerate(BOUNDARY_MOMENTS)
    }


@pytest.mark.django_db
def test_database_quarter_index_matches_python_at_every_boundary(
    django_user_model, users_joined_at_boundaries
):
    rows = django_user_model.objects.annotate(q=financial_quarter_index("date_joined"))
    found = dict(rows.values_list("pk", "q"))
    expected = {
        pk: FinancialQuarter.containing(moment).index
        for pk, moment in users_joined_at_boundaries.items()
    }
    assert found == expected
    assert all(type(q) is int for q in found.values())


@pytest.mark.django_db
def test_database_quarter_index_follows_the_current_time_zone(
    django_user_model, users_joined_at_boundaries
):
    with timezone.override(UTC):
        rows = django_user_model.objects.annotate(q=financial_quarter_index("date_joined"))
        found = dict(rows.values_list("pk", "q"))
        expected = {
            pk: FinancialQuarter.containing(moment).index
            for pk, moment in users_joined_at_boundaries.items()
        }
    assert found == expected
    april_first = next(pk for pk, m in users_joined_at_boundaries.items() if m.month == 4)
    assert FinancialQuarter.from_index(found[april_first]) == FinancialQuarter(2020, 4)


@pytest.mark.django_db
def test_counts_grouped_by_database_quarter_index_match_python(
    django_user_model, users_joined_at_boundaries
):
    grouped = (
        django_user_model.objects.annotate(q=financial_quarter_index("date_joined"))
        .values("q")
        .annotate(n=Count("id"))
        .order_by("q")
    )
    by_label = {str(FinancialQuarter.from_index(row["q"])): row["n"] for row in grouped}
    assert by_label == {
        "2020/21 Q3": 1,
        "2020/21 Q4": 2,
        "2021/22 Q1": 2,
        "2021/22 Q2": 2,
        "2021/22 Q3": 1,
        "2023/24 Q3": 1,
        "2023/24 Q4": 2,
    }


# Rules the mutation tests found unguarded ---------------------------------------------------


def test_a_financial_year_steps_back_and_forward_one_year():
    year = FinancialYear(2021)
    assert year.previous() == FinancialYear(2020)
    assert year.next() == FinancialYear(2022)
    assert year.previous().next() == year


def test_a_financial_year_starts_at_local_midnight_on_1_april():
    # 1 April 2021 00:00 BST is 23:00 UTC on 31 March.
    assert FinancialYear(2021).start_datetime() == datetime(2021, 3, 31, 23, 0, tzinfo=UTC)


def test_a_quarter_number_past_4_is_refused_in_words_that_name_the_text():
    with pytest.raises(ValueError) as refused:
        FinancialQuarter.parse("2020/21 Q5")
    assert str(refused.value) == "'2020/21 Q5': the quarter must be Q1, Q2, Q3 or Q4."


def test_a_quarter_whose_years_are_not_consecutive_names_the_whole_text():
    with pytest.raises(ValueError) as refused:
        FinancialQuarter.parse("2020/22 Q1")
    assert str(refused.value).startswith("'2020/22 Q1': a financial year runs from April")


def test_a_quarter_that_is_not_text_is_refused_with_an_example():
    with pytest.raises(ValueError) as refused:
        FinancialQuarter.parse(None)
    assert str(refused.value) == "None is not a financial quarter: write it like '2020/21 Q4'."


def test_quarters_back_of_one_is_the_quarter_itself_and_of_none_is_refused():
    quarter = FinancialQuarter.parse("2021/22 Q2")
    assert quarter.quarters_back(1) == [quarter]
    with pytest.raises(ValueError) as refused:
        quarter.quarters_back(0)
    assert str(refused.value) == "quarters_back needs at least one quarter."


def test_a_deadline_of_no_working_days_is_the_end_of_the_day_and_fewer_is_refused():
    received = london(2021, 6, 5, 11, 0)  # a Saturday: 0 days is still the end of that day
    assert working_day_deadline(received, 0) == london(2021, 6, 6)
    with pytest.raises(ValueError) as refused:
        working_day_deadline(received, -1)
    assert str(refused.value) == "A working-day deadline needs n >= 0."


def test_working_days_are_added_to_the_local_date_near_midnight_bst():
    # 23:30 UTC on Monday 7 June 2021 is 00:30 BST on Tuesday 8 June: one working day later is
    # Wednesday 9 June at 00:30 BST, not Tuesday (the UTC date plus one).
    moment = datetime(2021, 6, 7, 23, 30, tzinfo=UTC)
    assert add_working_days(moment, 1) == london(2021, 6, 9, 0, 30)
    assert working_day_deadline(moment, 0) == london(2021, 6, 9)


def test_a_naive_datetime_is_taken_as_local_and_stays_naive():
    moved = add_working_days(datetime(2021, 4, 1, 16, 0), 1)
    assert moved == datetime(2021, 4, 6, 16, 0)
    assert timezone.is_naive(moved)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("twenty", "'twenty' is not a financial year: write it like '2021/22'."),
        (None, "None is not a financial year: write it like '2021/22'."),
    ],
)
def test_a_financial_year_that_cannot_be_read_is_refused_with_an_example(text, message):
    with pytest.raises(ValueError) as refused:
        FinancialYear.parse(text)
    assert str(refused.value) == message


def test_a_quarter_made_with_a_number_past_4_is_refused_in_words():
    with pytest.raises(ValueError) as refused:
        FinancialQuarter(2020, 5)
    assert str(refused.value) == "A financial quarter is Q1, Q2, Q3 or Q4."


@pytest.mark.parametrize("start_year", [1900, 9000])
def test_financial_years_from_1900_to_9000_are_allowed_at_both_ends(start_year):
    year = FinancialYear(start_year)
    assert (year.start, year.end) == (date(start_year, 4, 1), date(start_year + 1, 3, 31))
    assert FinancialQuarter(start_year, 4).start == date(start_year + 1, 1, 1)


@pytest.mark.parametrize("start_year", [1899, 9001, 2021.0])
def test_a_year_outside_1900_to_9000_or_not_a_whole_number_is_refused_in_words(start_year):
    # Every quarter's dates of a year in range fit in a `date`; 2021.0 is not a year number.
    with pytest.raises(ValueError) as refused:
        FinancialYear(start_year)
    assert str(refused.value) == "Financial year must start between 1900 and 9000."
