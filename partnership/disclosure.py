"""Disclosure control: the one place where small numbers are hidden.

Every count, rate and table shown to committee members and clerks, on screen, in PDFs and in
exports, passes through this module. With t = settings.DISCLOSURE_THRESHOLD (7):

1. Counts. 0 is shown as 0. A count from 1 to t is suppressed and shown as "*". Any other count
   is rounded to the nearest 5, half up (for whole numbers a tie cannot happen: 8 -> 10,
   12 -> 10, 13 -> 15), and a count above 0 never rounds down to 0.
2. Totals are counts: they are added up from the exact values, then treated as in rule 1.
3. Rates and percentages are worked out from exact counts and rounded half up to `places`
   decimal places. They are suppressed ("*") when the numerator is from 1 to t, when the
   denominator is from 1 to t, or when the caller says the numerator's cell was suppressed in
   its table (`suppressed=True`). A denominator of 0 has no rate: it is shown as "–" and is not
   a suppression (zero counts are shown anyway, so it reveals nothing).
4. Secondary suppression. A table with totals is a set of sums: each row's cells add up to the
   row total, each column's cells to the column total, the row totals to the grand total and the
   column totals to the grand total. A line in which exactly one member is suppressed would give
   that member away by subtraction, so a second member of the line is suppressed: the smallest
   non-zero cell still shown (never a 0: a suppressed zero hides nothing, since zeros are often
   known), or the line's own total if no such cell exists. Among equally small cells, one that
   also fixes a crossing line is preferred, then the first in table order. This repeats over
   rows, columns and totals until no line has exactly one suppressed member. A series with a
   total is a table of one row. The rounding of rule 1 protects too, but suppression does not
   rely on it.

Not protected: the complement of a shown rate (e.g. 95% of 140 contacted implies 7 were not);
present such figures as counts in a table if the complement matters.

`exact=True` (for performance leads, commissioners and admins who switch to exact figures)
returns exact values through the same functions, with nothing suppressed or rounded, so callers
keep one code path. `Disclosure(exact=...)` bundles that choice for one viewer.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeVar

from django.conf import settings

SUPPRESSED = "*"
NOT_APPLICABLE = "–"
ROUND_TO = 5

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class Disclosed:
    """A figure ready to show. `value` is None when there is nothing to show: either suppressed
    (`suppressed` is True, display "*") or a rate with no denominator (display "–")."""

    value: int | Decimal | None
    display: str
    suppressed: bool = False

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class DisclosedSeries(Generic[K]):
    items: dict[K, Disclosed]
    total: Disclosed | None


@dataclass(frozen=True)
class DisclosedTable(Generic[R, C]):
    rows: dict[R, dict[C, Disclosed]]
    row_totals: dict[R, Disclosed]
    column_totals: dict[C, Disclosed]
    total: Disclosed

    @property
    def row_keys(self) -> list[R]:
        return list(self.rows)

    @property
    def column_keys(self) -> list[C]:
        return list(self.column_totals)


_SUPPRESSED_CELL = Disclosed(None, SUPPRESSED, suppressed=True)


def _threshold(threshold: int | None) -> int:
    value = settings.DISCLOSURE_THRESHOLD if threshold is None else threshold
    if not isinstance(value, int) or value < 0:
        raise ValueError("The disclosure threshold must be a whole number, 0 or more.")
    return value


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"A count must be a whole number, not {n!r}.")
    if n < 0:
        raise ValueError(f"A count cannot be negative ({n}).")


def _is_small(n: int, threshold: int) -> bool:
    return 1 <= n <= threshold


def _round(n: int) -> int:
    """Nearest multiple of 5, half up; never 0 for a count above 0."""
    if n == 0:
        return 0
    return max(ROUND_TO, (n + ROUND_TO // 2) // ROUND_TO * ROUND_TO)


def _shown(n: int) -> Disclosed:
    return Disclosed(n, f"{n:,}")


def _count_cell(n: int, *, threshold: int, exact: bool, suppressed: bool = False) -> Disclosed:
    if exact:
        return _shown(n)
    if suppressed or _is_small(n, threshold):
        return _SUPPRESSED_CELL
    return _shown(_round(n))


def disclose_count(n: int, *, exact: bool = False, threshold: int | None = None) -> Disclosed:
    """One count under rule 1 (or exactly, when `exact`)."""
    _check_count(n)
    return _count_cell(n, threshold=_threshold(threshold), exact=exact)


def disclose_rate(
    numerator: int,
    denominator: int,
    *,
    per: int = 100,
    places: int = 1,
    suppressed: bool = False,
    exact: bool = False,
    threshold: int | None = None,
) -> Disclosed:
    """`numerator / denominator * per` under rule 3; per=100 is a percentage (shown with "%").

    Pass `suppressed=True` when the numerator is a cell that was suppressed in its table.
    """
    _check_count(numerator)
    _check_count(denominator)
    limit = _threshold(threshold)
    if denominator == 0:
        return Disclosed(None, NOT_APPLICABLE)
    if not exact and (suppressed or _is_small(numerator, limit) or _is_small(denominator, limit)):
        return _SUPPRESSED_CELL
    value = (Decimal(numerator) * per / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )
    suffix = "%" if per == 100 else ""
    return Disclosed(value, f"{value:,.{places}f}{suffix}")


# Secondary suppression -----------------------------------------------------------------------

_Pos = tuple[int, int]


@dataclass(frozen=True)
class _Line:
    """Cells that add up to `total`."""

    cells: tuple[_Pos, ...]
    total: _Pos

    @property
    def members(self) -> tuple[_Pos, ...]:
        return (*self.cells, self.total)


def _suppress(values: Mapping[_Pos, int], lines: list[_Line], threshold: int) -> set[_Pos]:
    """The positions to suppress: primary (rule 1) and secondary (rule 4)."""
    hidden = {pos for pos, n in values.items() if _is_small(n, threshold)}
    lines_of: dict[_Pos, list[_Line]] = {}
    for line in lines:
        for pos in line.members:
            lines_of.setdefault(pos, []).append(line)
    order = {pos: i for i, pos in enumerate(values)}

    def lone(line: _Line) -> bool:
        return sum(pos in hidden for pos in line.members) == 1

    changed = True
    while changed:
        changed = False
        for line in lines:
            if not lone(line):
                continue
            candidates = [p for p in line.cells if p not in hidden and values[p] > 0]
            if candidates:
                choice = min(
                    candidates,
                    key=lambda p: (
                        values[p],
                        -sum(lone(other) for other in lines_of[p] if other is not line),
                        order[p],
                    ),
                )
            else:
                choice = line.total
            hidden.add(choice)
            changed = True
    return hidden


def disclose_series(
    counts: Mapping[K, int],
    *,
    total: bool = True,
    exact: bool = False,
    threshold: int | None = None,
) -> DisclosedSeries[K]:
    """A list of counts, with its total (and secondary suppression) when `total`."""
    for n in counts.values():
        _check_count(n)
    limit = _threshold(threshold)
    keys = list(counts)
    values: dict[_Pos, int] = {(0, i): counts[k] for i, k in enumerate(keys)}
    lines: list[_Line] = []
    if total:
        values[(0, len(keys))] = sum(counts.values())
        lines.append(_Line(tuple((0, i) for i in range(len(keys))), (0, len(keys))))
    hidden = set() if exact else _suppress(values, lines, limit)

    def cell(pos: _Pos) -> Disclosed:
        return _count_cell(values[pos], threshold=limit, exact=exact, suppressed=pos in hidden)

    return DisclosedSeries(
        items={k: cell((0, i)) for i, k in enumerate(keys)},
        total=cell((0, len(keys))) if total else None,
    )


def disclose_table(
    rows: Mapping[R, Mapping[C, int]],
    *,
    columns: Iterable[C] | None = None,
    exact: bool = False,
    threshold: int | None = None,
) -> DisclosedTable[R, C]:
    """A rows-by-columns table of counts with row, column and grand totals, all disclosed.

    Columns come from `columns` (to fix their order or include empty ones) or else from the rows
    in order of first appearance; a missing cell is 0.
    """
    limit = _threshold(threshold)
    row_keys = list(rows)
    if columns is not None:
        column_keys = list(columns)
    else:
        column_keys = list(dict.fromkeys(c for row in rows.values() for c in row))
    unknown = {c for row in rows.values() for c in row} - set(column_keys)
    if unknown:
        raise ValueError(f"Cells in columns not listed in `columns`: {sorted(map(str, unknown))}")

    n_rows, n_cols = len(row_keys), len(column_keys)
    # Grid with the totals in row n_rows and column n_cols.
    values: dict[_Pos, int] = {}
    for i, r in enumerate(row_keys):
        for j, c in enumerate(column_keys):
            n = rows[r].get(c, 0)
            _check_count(n)
            values[(i, j)] = n
        values[(i, n_cols)] = sum(values[(i, j)] for j in range(n_cols))
    for j in range(n_cols + 1):
        values[(n_rows, j)] = sum(values[(i, j)] for i in range(n_rows))

    lines = [
        _Line(tuple((i, j) for j in range(n_cols)), (i, n_cols)) for i in range(n_rows + 1)
    ] + [_Line(tuple((i, j) for i in range(n_rows)), (n_rows, j)) for j in range(n_cols + 1)]
    hidden = set() if exact else _suppress(values, lines, limit)

    def cell(i: int, j: int) -> Disclosed:
        return _count_cell(
            values[(i, j)], threshold=limit, exact=exact, suppressed=(i, j) in hidden
        )

    return DisclosedTable(
        rows={
            r: {c: cell(i, j) for j, c in enumerate(column_keys)} for i, r in enumerate(row_keys)
        },
        row_totals={r: cell(i, n_cols) for i, r in enumerate(row_keys)},
        column_totals={c: cell(n_rows, j) for j, c in enumerate(column_keys)},
        total=cell(n_rows, n_cols),
    )


@dataclass(frozen=True)
class Disclosure:
    """The disclosure choice for one viewer, to pass into metrics functions.

    `Disclosure(exact=user_may_see_exact_figures)`: the caller decides from the user's roles
    and their choice to switch suppression off; this module knows nothing about users.
    """

    exact: bool = False
    threshold: int | None = None

    def count(self, n: int) -> Disclosed:
        return disclose_count(n, exact=self.exact, threshold=self.threshold)

    def rate(
        self,
        numerator: int,
        denominator: int,
        *,
        per: int = 100,
        places: int = 1,
        suppressed: bool = False,
    ) -> Disclosed:
        return disclose_rate(
            numerator,
            denominator,
            per=per,
            places=places,
            suppressed=suppressed,
            exact=self.exact,
            threshold=self.threshold,
        )

    def series(self, counts: Mapping[K, int], *, total: bool = True) -> DisclosedSeries[K]:
        return disclose_series(counts, total=total, exact=self.exact, threshold=self.threshold)

    def table(
        self, rows: Mapping[R, Mapping[C, int]], *, columns: Iterable[C] | None = None
    ) -> DisclosedTable[R, C]:
        return disclose_table(rows, columns=columns, exact=self.exact, threshold=self.threshold)
