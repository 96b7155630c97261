"""Lists that sort and page, for the app's list pages (the action tracker uses both).

Sorting is server-side and works without JavaScript: each sortable column's header is a link
to the same page with `?sort=<key>` (ascending) or `?sort=-<key>` (descending), keeping the
filters, and carries `aria-sort`. An unknown `sort` gives the list's default order.

Paging says when the page asked for is past the end (`?page=9999`), instead of quietly showing
the last page; a page number that is not a whole number from 1 gives the first page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.expressions import BaseExpression
from django.http import QueryDict


def in_order(field: str, values: Sequence[str]) -> Case:
    """An expression sorting `field` in the order of `values` (a meaning, not the alphabet)."""
    return Case(
        *(When(**{field: value}, then=Value(index)) for index, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Column:
    """A column the list can be sorted by: `key` in the address, `order_by` for ascending."""

    key: str
    label: str
    order_by: tuple[str | BaseExpression, ...]


@dataclass(frozen=True)
class Sorting:
    """A list's sortable columns, with the one chosen and its direction."""

    columns: tuple[Column, ...]
    key: str
    descending: bool = False
    tie_breaker: str = "pk"

    def chosen(self, requested: str | None) -> Sorting:
        """This sorting as the address asks for it (`due`, `-due`), or unchanged if unknown."""
        requested = (requested or "").strip()
        key = requested.removeprefix("-")
        if key not in {column.key for column in self.columns}:
            return self
        return Sorting(self.columns, key, requested.startswith("-"), self.tie_breaker)

    @property
    def parameter(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def apply(self, rows: QuerySet) -> QuerySet:
        column = next(column for column in self.columns if column.key == self.key)
        expressions = [F(part) if isinstance(part, str) else part for part in column.order_by]
        ordering = [part.desc() if self.descending else part.asc() for part in expressions]
        return rows.order_by(*ordering, self.tie_breaker)

    def headers(self, query: QueryDict) -> dict[str, dict]:
        """Per column key: its label, `aria_sort`, and the address that sorts by it (the chosen
        column's in the other direction), keeping the filters and starting at page 1."""
        headers = {}
        for column in self.columns:
            is_chosen = column.key == self.key
            descending_next = is_chosen and not self.descending
            params = query.copy()
            params.pop("page", None)
            params["sort"] = f"-{column.key}" if descending_next else column.key
            headers[column.key] = {
                "label": column.label,
                "aria_sort": (
                    ("descending" if self.descending else "ascending") if is_chosen else "none"
                ),
                "url": f"?{params.urlencode()}",
            }
        return headers


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for the gap between numbers ("…")
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    previous: str = ""
    next: str = ""
    links: list[PageLink] = field(default_factory=list)


@dataclass(frozen=True)
class ListPage:
    """One page of a list: its rows, which page it is and how many rows the list has."""

    rows: list
    number: int
    page_count: int
    row_count: int
    per_page: int

    @property
    def past_end(self) -> bool:
        return self.number > self.page_count

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1 if self.rows else 0

    def url_for(self, query: QueryDict, number: int) -> str:
        params = query.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    def pagination(self, query: QueryDict) -> Pagination:
        """GOV.UK pagination: previous and next, the first and last page's numbers and those
        next to this one (nothing when there is one page)."""
        if self.page_count <= 1:
            return Pagination()
        shown = {1, self.page_count, self.number - 1, self.number, self.number + 1}
        links: list[PageLink] = []
        for number in range(1, self.page_count + 1):
            if number in shown:
                links.append(PageLink(number, self.url_for(query, number), number == self.number))
            elif links and links[-1].number is not None:
                links.append(PageLink(None))
        in_range = 1 <= self.number <= self.page_count
        return Pagination(
            previous=self.url_for(query, self.number - 1) if in_range and self.number > 1 else "",
            next=self.url_for(query, self.number + 1) if self.number < self.page_count else "",
            links=links,
        )


def page_number(requested: str | None) -> int:
    """The page asked for: a whole number from 1, or 1 for anything else."""
    text = (requested or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):  # no huge numbers to read
        return 1
    return max(1, int(text))


def paged(rows: QuerySet, requested: str | None, *, per_page: int) -> ListPage:
    """The page of `rows` asked for (`?page=`); past the end it has no rows and says so."""
    number = page_number(requested)
    row_count = rows.count()
    page_count = max(1, ceil(row_count / per_page))
    start = (number - 1) * per_page
    page_rows = list(rows[start : start + per_page]) if number <= page_count else []
    return ListPage(page_rows, number, page_count, row_count, per_page)
