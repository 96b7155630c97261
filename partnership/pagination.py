"""Pages of long lists that cost the same at page 1 and page 20,000: keyset pagination.

`OFFSET` pagination makes the database walk (and often sort) every row before the page, and
its page count needs a `COUNT(*)` of every row. A keyset page instead starts where the last one
ended: the list is ordered by a sort key ending in the primary key, so that no two rows tie,
and a page is the next `size` rows after (or before) the key of the row at its edge. With an
index on the key, every page reads `size + 1` index entries.

    page = keyset_page(queryset, Ordering("received_at", descending=True), request.GET, size=50)

- `Ordering(field, descending)` sorts by a non-null field, then by primary key in the same
  direction. Another column sorts the list once it has an index on (column, id).
- `page.rows`, `page.has_next`, `page.has_previous`; `page.links(query)` gives the URLs of the
  first, previous, next and last pages (`?after=…`, `?before=…`, `?page=last`), with the
  other parameters of the page's query kept.
- A cursor that cannot be read (edited by hand) gives the first page, never an error.

There is no exact total: `count_up_to(queryset, limit)` counts at most `limit + 1` rows, so a
page can say "more than 10,000" without counting a million.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

AFTER, BEFORE, PAGE = "after", "before", "page"
LAST = "last"


@dataclass(frozen=True)
class Ordering:
    """Sort by `field` (never null), then by primary key, both ascending or descending."""

    field: str
    descending: bool = False

    def order_by(self, reverse: bool = False) -> list[str]:
        sign = "-" if self.descending != reverse else ""
        return [f"{sign}{self.field}", f"{sign}pk"]

    def beyond(self, key: tuple, reverse: bool = False) -> Q:
        """Rows after `key` (value, pk) in this order (before it when `reverse`), written so
        that an index on (field, id) can start from the key: `field <= v AND (field < v OR
        pk < id)` for a descending order."""
        value, pk = key
        lower = self.descending != reverse
        near, past = ("lte", "lt") if lower else ("gte", "gt")
        return Q(**{f"{self.field}__{near}": value}) & (
            Q(**{f"{self.field}__{past}": value}) | Q(**{f"pk__{past}": pk})
        )


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_previous: bool
    ordering: Ordering

    def key_of(self, row) -> str:
        return encode_key((getattr(row, self.ordering.field), row.pk))

    def links(self, query: Mapping[str, str] | None = None) -> dict[str, str | None]:
        """URLs ("?…") of the first, previous, next and last pages; None where there is none.
        `query`: the page's other parameters (filters, sorting), kept in every link."""
        kept = {k: v for k, v in (query or {}).items() if k not in (AFTER, BEFORE, PAGE)}

        def url(**extra) -> str:
            return "?" + urlencode({**kept, **extra})

        return {
            "first": url() if self.has_previous else None,
            "previous": url(before=self.key_of(self.rows[0]))
            if self.has_previous and self.rows
            else None,
            "next": url(after=self.key_of(self.rows[-1])) if self.has_next and self.rows else None,
            "last": url(page=LAST) if self.has_next else None,
        }


def keyset_page(
    queryset: QuerySet, ordering: Ordering, params: Mapping[str, str], *, size: int
) -> KeysetPage:
    """The page of `queryset` that `params` asks for: `after` (the page after that key),
    `before` (the page before it), `page=last`, or else the first page."""
    field = queryset.model._meta.get_field(ordering.field)
    after = decode_key(params.get(AFTER), field)
    before = decode_key(params.get(BEFORE), field) if after is None else None
    if before is not None or params.get(PAGE) == LAST:
        # Read backwards from the key (or the end), then show in order.
        backwards = queryset
        if before is not None:
            backwards = queryset.filter(ordering.beyond(before, reverse=True))
        rows = list(backwards.order_by(*ordering.order_by(reverse=True))[: size + 1])
        if len(rows) <= size and before is not None:
            # Back at the start: show a whole first page rather than its remainder.
            return keyset_page(queryset, ordering, {}, size=size)
        return KeysetPage(rows[:size][::-1], before is not None, len(rows) > size, ordering)
    if after is not None:
        queryset = queryset.filter(ordering.beyond(after))
    rows = list(queryset.order_by(*ordering.order_by())[: size + 1])
    return KeysetPage(rows[:size], len(rows) > size, after is not None, ordering)


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """The number of rows, counted no further than `limit + 1`: a result above `limit` means
    "more than `limit`"."""
    return queryset.order_by()[: limit + 1].count()


def encode_key(key: tuple) -> str:
    value, pk = key
    text = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value, pk])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_key(cursor: str | None, field) -> tuple | None:
    """(value, pk) from a cursor, or None when there is none or it cannot be read."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = json.loads(text)
        if not isinstance(pk, int) or isinstance(pk, bool) or value is None:
            return None
        value = field.to_python(value)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, ValidationError):
        return None
    if value is None or (hasattr(value, "utcoffset") and value.utcoffset() is None):
        return None  # a naive datetime would be compared in the wrong zone
    return value, pk
