"""Keyset pages: every row once, in order, forwards and backwards, whatever the ties."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partnership.pagination import (
    Ordering,
    count_up_to,
    decode_key,
    encode_key,
    keyset_page,
)
from referrals.models import Referral
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals():
    """23 referrals, many received at the same moment, so that only the id breaks the tie."""
    start = timezone.now() - timedelta(days=3)
    return [
        ReferralFactory(received_at=start + timedelta(hours=n // 4), reference=f"R-2024-{n:06d}")
        for n in range(23)
    ]


def walk(ordering: Ordering, size: int, forwards: bool = True) -> list[list[int]]:
    """The pages from the first to the last (or the last to the first), as lists of ids."""
    params = {} if forwards else {"page": "last"}
    pages = []
    while True:
        page = keyset_page(Referral.objects.all(), ordering, params, size=size)
        pages.append([r.pk for r in page.rows])
        step = page.links()["next" if forwards else "previous"]
        if step is None:
            return pages if forwards else pages[::-1]
        params = {key: value[0] for key, value in _query(step).items()}


def _query(url: str) -> dict:
    from urllib.parse import parse_qs

    return parse_qs(url.lstrip("?"))


@pytest.mark.parametrize("field", ["received_at", "reference"])
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("size", [1, 4, 5, 23, 50])
def test_walking_the_pages_either_way_shows_every_row_once_in_order(
    referrals, field, descending, size
):
    ordering = Ordering(field, descending=descending)
    expected = list(Referral.objects.order_by(*ordering.order_by()).values_list("pk", flat=True))

    forwards = walk(ordering, size)
    backwards = walk(ordering, size, forwards=False)

    assert [pk for page in forwards for pk in page] == expected
    assert all(len(page) == size for page in forwards[:-1])
    # Backwards, every page is whole and in order; the walk ends at the same first page
    # (which may overlap the page after it, rather than show a short remainder).
    assert all(page == [pk for pk in expected if pk in page] for page in backwards)
    assert all(len(page) == min(size, len(expected)) for page in backwards)
    assert backwards[0] == forwards[0] and backwards[-1] == expected[-size:]
    assert {pk for page in backwards for pk in page} == set(expected)


def test_the_first_page_has_no_way_back_and_the_last_no_way_on(referrals):
    ordering = Ordering("received_at", descending=True)
    first = keyset_page(Referral.objects.all(), ordering, {}, size=10)
    last = keyset_page(Referral.objects.all(), ordering, {"page": "last"}, size=10)

    assert (first.has_previous, first.has_next) == (False, True)
    assert first.links()["first"] is None and first.links()["previous"] is None
    assert (last.has_previous, last.has_next) == (True, False)
    assert last.links()["next"] is None and last.links()["last"] is None
    assert len(last.rows) == 10


def test_going_back_past_the_start_shows_a_whole_first_page(referrals):
    ordering = Ordering("received_at", descending=True)
    first = keyset_page(Referral.objects.all(), ordering, {}, size=10)
    second_row = first.rows[1]

    page = keyset_page(
        Referral.objects.all(), ordering, {"before": first.key_of(second_row)}, size=10
    )

    assert page.rows == first.rows and not page.has_previous


def test_links_keep_the_other_parameters_and_drop_the_old_place(referrals):
    ordering = Ordering("received_at", descending=True)
    page = keyset_page(Referral.objects.all(), ordering, {}, size=5)
    links = page.links({"status": "received", "after": "old", "page": "last", "sort": "x"})
    assert _query(links["next"])["status"] == ["received"]
    assert _query(links["next"])["sort"] == ["x"]
    assert "old" not in links["next"]


@pytest.mark.parametrize(
    "cursor",
    [None, "", "!!!", "e30", encode_key(("2024-01-01T00:00:00", 3)), "a" * 300, "WzEsIHRydWVd"],
)
def test_a_cursor_that_cannot_be_read_is_no_cursor(cursor):
    field = Referral._meta.get_field("received_at")
    assert decode_key(cursor, field) is None


def test_a_cursor_gives_back_its_key():
    moment = timezone.now()
    field = Referral._meta.get_field("received_at")
    assert decode_key(encode_key((moment, 42)), field) == (moment, 42)


def test_counting_stops_after_the_limit(referrals):
    assert count_up_to(Referral.objects.all(), 10) == 11
    assert count_up_to(Referral.objects.all(), 100) == 23
