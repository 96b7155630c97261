from decimal import Decimal

import pytest

from commissioning.allocation import (
    largest_remainder,
    split_by_percentages,
    split_by_population,
    split_equally,
)


def test_194000_pounds_split_equally_across_six_districts_allocates_exactly_194000():
    amounts = split_equally(19_400_000, 6)
    assert sum(amounts) == 19_400_000
    assert amounts == [3_233_334, 3_233_334, 3_233_333, 3_233_333, 3_233_333, 3_233_333]


def test_left_over_pennies_go_to_the_largest_remainders_not_the_first_rows():
    # Exact shares 33.3, 33.3 and 33.4 pence of 100: the third has the largest remainder.
    assert largest_remainder(100, [333, 333, 334]) == [33, 33, 34]


def test_remainders_decide_between_rows_when_rounding_each_row_would_not_add_up():
    # 10p in thirds rounds to 3p each (9p) if each row is rounded alone.
    assert split_equally(10, 3) == [4, 3, 3]
    assert sum(split_equally(10, 3)) == 10


def test_split_by_percentages_allocates_whole_pennies_that_add_up():
    amounts = split_by_percentages(215_700_000, [Decimal(31), Decimal(47), Decimal(22)])
    assert amounts == [66_867_000, 101_379_000, 47_454_000]
    assert sum(amounts) == 215_700_000


def test_split_by_percentages_that_do_not_add_up_to_100_is_refused_with_the_sum():
    with pytest.raises(ValueError, match="add up to 98.5%"):
        split_by_percentages(100_000, [Decimal("50"), Decimal("48.5")])


def test_split_by_population_is_in_proportion_and_exact():
    amounts = split_by_population(12_000_000, [148_200, 121_700, 96_400])
    assert sum(amounts) == 12_000_000
    # Exact shares 4,855,036.86 / 3,986,895.99 / 3,158,067.16: the two pennies left after
    # rounding down go to the two largest remainders (.99 and .86).
    assert amounts == [4_855_037, 3_986_896, 3_158_067]


def test_an_empty_split_or_zero_weights_are_refused():
    with pytest.raises(ValueError):
        split_equally(100, 0)
    with pytest.raises(ValueError):
        largest_remainder(100, [0, 0])
    with pytest.raises(ValueError):
        largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        largest_remainder(100, [1, -1])


def test_a_total_of_zero_splits_into_zeros():
    assert split_equally(0, 3) == [0, 0, 0]


# Rules the mutation tests found unguarded ---------------------------------------------------


def test_the_penny_left_over_goes_to_the_largest_remainder_even_on_the_smaller_share():
    # Exact shares 2.7p and 7.3p of 10p: rounded down 2p and 7p; the penny left goes to the
    # 0.7 remainder of the smaller share, not to the larger share.
    assert largest_remainder(10, [27, 73]) == [3, 7]


def test_a_share_of_nothing_or_of_a_fraction_is_allowed():
    assert split_by_population(1_000, [0, 5_000]) == [0, 1_000]
    assert split_by_percentages(1_000, [Decimal("0.5"), Decimal("99.5")]) == [5, 995]


def test_one_recipient_gets_the_whole_total():
    assert split_equally(19_400_000, 1) == [19_400_000]


def test_no_percentages_add_up_to_nothing():
    with pytest.raises(ValueError) as refused:
        split_by_percentages(100, [])
    assert str(refused.value) == "The percentages add up to 0%, not 100%."


@pytest.mark.parametrize(
    ("split", "message"),
    [
        (lambda: largest_remainder(-1, [1]), "The total to split cannot be negative."),
        (lambda: largest_remainder(100, []), "There is nobody to split the total between."),
        (lambda: split_equally(100, 0), "There is nobody to split the total between."),
        (lambda: largest_remainder(100, [1, -1]), "A share cannot be negative."),
        (
            lambda: largest_remainder(100, [0, 0]),
            "The shares add up to nothing, so the total cannot be split by them.",
        ),
    ],
)
def test_each_refusal_says_why_in_the_words_the_commissioner_is_shown(split, message):
    # The allocation page shows these messages as they are (BaseAllocationFormSet.allocations).
    with pytest.raises(ValueError) as refused:
        split()
    assert str(refused.value) == message
