"""Sorting and paging for list pages (`partnership/listing.py`)."""

import pytest
from django.http import QueryDict

from partnership.listing import Column, ListPage, Sorting, page_number

SORTING = Sorting(
    columns=(Column("due", "Due date", ("due_date",)), Column("rag", "RAG", ("rag",))),
    key="due",
)


@pytest.mark.parametrize(
    ("asked", "key", "descending"),
    [(None, "due", False), ("rag", "rag", False), ("-rag", "rag", True), ("-x", "due", False)],
)
def test_a_sort_is_chosen_from_the_address_or_left_as_the_default(asked, key, descending):
    chosen = SORTING.chosen(asked)
    assert (chosen.key, chosen.descending) == (key, descending)


def test_headers_keep_the_filters_drop_the_page_and_offer_the_other_direction():
    headers = SORTING.chosen("rag").headers(QueryDict("status=open&page=3&sort=rag"))
    assert headers["rag"] == {
        "label": "RAG",
        "aria_sort": "ascending",
        "url": "?status=open&sort=-rag",
    }
    assert headers["due"]["aria_sort"] == "none"
    assert headers["due"]["url"] == "?status=open&sort=due"


@pytest.mark.parametrize(
    ("asked", "number"),
    [("2", 2), (" 7 ", 7), ("0", 1), ("-3", 1), ("2.5", 1), ("١٢", 1), ("9" * 5000, 1), (None, 1)],
)
def test_a_page_number_is_a_whole_number_from_1(asked, number):
    assert page_number(asked) == number


def page(number: int, page_count: int) -> ListPage:
    return ListPage(rows=[object()], number=number, page_count=page_count, row_count=0, per_page=1)


def test_pagination_shows_the_ends_and_the_neighbours_with_gaps_between():
    pagination = page(5, 9).pagination(QueryDict("sort=rag"))
    assert [link.number for link in pagination.links] == [1, None, 4, 5, 6, None, 9]
    assert [link.current for link in pagination.links if link.number == 5] == [True]
    assert pagination.previous == "?sort=rag&page=4"
    assert pagination.next == "?sort=rag&page=6"


def test_one_page_has_no_pagination_and_past_the_end_offers_no_next():
    assert page(1, 1).pagination(QueryDict()).links == []
    past = page(12, 3)
    assert past.past_end
    assert past.pagination(QueryDict()).next == ""
    assert past.pagination(QueryDict()).previous == ""
