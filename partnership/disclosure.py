"""Disclosure control: the one place where small numbers are hidden.

Every figure about people shown to committee members and clerks, on screen, in CSV downloads,
in PDFs and in any later export, is made by this module. With t = settings.DISCLOSURE_THRESHOLD
(7), the rule is:

**Everything released is computed from the released counts only.** A count is released once,
as a cell (rules 1 and 2); every other figure shown beside it (a percentage, a rate per 10,000
or per caseworker, a change on last year, a total) is worked out from released cells, never
from the exact counts behind them. So a figure adds nothing to what its cells already say, and
no exact count can be worked back from a percentage beside a rounded one. The arithmetic reads a
cell through `_operand`, the one place that says which value a released figure is made from.

1. Counts. 0 is shown as 0. A count from 1 to t is suppressed and shown as "*". Any other count
   is rounded to the nearest 5, half up (for whole numbers a tie cannot happen: 8 -> 10,
   12 -> 10, 13 -> 15), and a count above 0 never rounds down to 0.
2. Totals are cells too: a table's totals are released with it, rounded from their exact value,
   and take part in secondary suppression (rule 3). Totals released once for a set of tables
   (the `margins` of `disclose_table`: a quarter's referrals by service) are the same cells, with
   the same value, in every table that adds up to them.
3. Secondary suppression. A table with totals is a set of sums: each row's cells add up to the
   row total, each column's cells to the column total, the row totals to the grand total and the
   column totals to the grand total. A line in which exactly one member is suppressed would give
   that member away by subtraction, so a second member of the line is suppressed: the smallest
   non-zero cell still shown (never a 0: a suppressed zero hides nothing, since zeros are often
   known), or the line's own total if no such cell exists. Among equally small cells, one that
   also fixes a crossing line is preferred, then the first in table order. Margins are never
   hidden here (they were released before), so a line may have one hidden member and nothing
   left to hide: its other members are 0 and its total a margin already shown. That member
   equals the margin (so it is not small), hiding it protects nothing, and it is shown; the
   line that hid it to protect another cell then hides a different one. This repeats until no
   line has exactly one suppressed member. A series with a total is a table of one row.
4. Percentages (`disclose_share`), rates per a public base such as population or caseworker FTE
   (`disclose_rate`) and changes (`disclose_change`) are worked out from released cells and
   shown as whole percentages (rates per base: `places` decimals). One is suppressed ("*") when
   a cell it is made from is suppressed. A share or change over 0 has no value and is shown as
   "–" (not a suppression: zeros are shown anyway).
5. Complements. A share with `band=True` (a rate against a target, e.g. contacted within one
   working day) whose complement (the whole less the part: not contacted in time) is from 1 to
   t is shown as a band that every complement from 1 to t fits, worked out from the released
   whole: "over 94%" for a whole shown as 140. Its exact figure would give the complement away.
6. Statistics of a group of people (median and 90th percentile waits) are shown only when the
   group's released count is shown and at least MIN_GROUP (20): on a smaller group they are
   one or two people's own figures.

Which cells are suppressed, and whether a complement is small, is decided on the exact counts
(that is what suppression is); what is shown is worked out from the released cells.

`exact=True` (for performance leads, commissioners and admins who switch to exact figures)
returns exact values through the same functions, with nothing suppressed, rounded or banded and
percentages to one decimal place, so callers keep one code path. `Disclosure(exact=...)` bundles
that choice for one viewer.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from math import ceil
from typing import Generic, TypeVar

from django.conf import settings

SUPPRESSED = "*"
NOT_APPLICABLE = "–"
ROUND_TO = 5
MIN_GROUP = 20  # rule 6: the smallest released group a median or percentile is shown for
PERCENT_PLACES = 0  # percentages worked out from released counts
EXACT_PERCENT_PLACES = 1

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class Disclosed:
    """A figure ready to show. `value` is None when there is nothing to show: suppressed
    (`suppressed` is True, display "*" or, for a band, "over 94%" with `above` 94) or a figure
    with nothing to measure (display "–").

    A count cell also keeps its exact count in `_exact`, for the decisions rules 3 and 5 take on
    exact counts; templates cannot read it (Django refuses names starting with "_") and nothing
    may show it.
    """

    value: int | Decimal | None
    display: str
    suppressed: bool = False
    above: Decimal | None = None
    _exact: int | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return self.display

    @property
    def is_band(self) -> bool:
        return self.above is not None


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

    def row(self, key: R) -> DisclosedSeries[C]:
        """One row with its total, as a series (a service's own view of the table)."""
        return DisclosedSeries(items=self.rows[key], total=self.row_totals[key])

    def columns(self) -> DisclosedSeries[C]:
        """The column totals with the grand total (the view of every row together)."""
        return DisclosedSeries(items=self.column_totals, total=self.total)


_SUPPRESSED_FIGURE = Disclosed(None, SUPPRESSED, suppressed=True)
_NO_FIGURE = Disclosed(None, NOT_APPLICABLE)


def _threshold(threshold: int | None) -> int:
    value = settings.DISCLOSURE_THRESHOLD if threshold is None else threshold
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("The disclosure threshold must be a whole number, 0 or more.")
    return value


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"A count must be a whole number, not {n!r}.")
    if n < 0:
        raise ValueError(f"A count cannot be negative ({n}).")


def _check_cell(cell: Disclosed) -> None:
    if not isinstance(cell, Disclosed) or cell._exact is None:
        raise TypeError(
            f"Figures are worked out from released count cells only, not from {cell!r}: "
            "disclose the count first."
        )


def _is_small(n: int, threshold: int) -> bool:
    return 1 <= n <= threshold


def _round(n: int) -> int:
    """Nearest multiple of 5, half up; never 0 for a count above 0."""
    if n == 0:
        return 0
    return max(ROUND_TO, (n + ROUND_TO // 2) // ROUND_TO * ROUND_TO)


@lru_cache(maxsize=4096)
def _count_cell(n: int, threshold: int, exact: bool, suppressed: bool = False) -> Disclosed:
    # Cached: a dashboard releases thousands of cells, most of them repeated values (0 above
    # all), and a Disclosed is immutable, so equal cells can be one object.
    if exact:
        return Disclosed(n, f"{n:,}", _exact=n)
    if suppressed or _is_small(n, threshold):
        return Disclosed(None, SUPPRESSED, suppressed=True, _exact=n)
    shown = _round(n)
    return Disclosed(shown, f"{shown:,}", _exact=n)


def disclose_count(n: int, *, exact: bool = False, threshold: int | None = None) -> Disclosed:
    """One count under rule 1 (or exactly, when `exact`)."""
    _check_count(n)
    return _count_cell(n, _threshold(threshold), exact)


# Figures worked out from released cells (rules 4 to 6) -----------------------------------------


def _operand(cell: Disclosed) -> int:
    """The value a figure shown beside `cell` is worked out from: the released value (which is
    the exact count when exact figures were asked for). The rule of this module, in one line."""
    assert cell.value is not None
    return int(cell.value)


def _quantize(value: Fraction, places: int) -> Decimal:
    """`value` to `places` decimals, half away from zero, from exact fractions."""
    scaled = abs(value) * 10**places
    whole = int(scaled)
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    result = Decimal(whole).scaleb(-places)
    return -result if value < 0 else result


def _percent_places(exact: bool) -> int:
    return EXACT_PERCENT_PLACES if exact else PERCENT_PLACES


def _band(whole: Disclosed, threshold: int) -> Disclosed:
    """Rule 5: a share whose complement is from 1 to the threshold, as "over X%", with X the
    largest whole number below every share a complement from 1 to t leaves of any whole the
    released one can stand for."""
    smallest_whole = max(_operand(whole) - ROUND_TO // 2, threshold + 1)
    lowest = Fraction(100 * (smallest_whole - threshold), smallest_whole)
    above = Decimal(ceil(lowest) - 1)
    return Disclosed(None, f"over {above}%", suppressed=True, above=above)


def disclose_share(
    part: Disclosed,
    whole: Disclosed,
    *,
    band: bool = False,
    exact: bool = False,
    threshold: int | None = None,
) -> Disclosed:
    """`part` as a percentage of `whole` (rule 4), both released cells; with `band`, a share
    whose complement is small is a band (rule 5)."""
    _check_cell(part)
    _check_cell(whole)
    limit = _threshold(threshold)
    if not exact and band and _is_small(whole._exact - part._exact, limit):
        return _SUPPRESSED_FIGURE if whole.suppressed else _band(whole, limit)
    if part.suppressed or whole.suppressed:
        return _SUPPRESSED_FIGURE
    if _operand(whole) == 0:
        return _NO_FIGURE
    places = _percent_places(exact)
    value = _quantize(Fraction(100 * _operand(part), _operand(whole)), places)
    return Disclosed(value, f"{value:.{places}f}%")


def disclose_rate(
    part: Disclosed, base: int | Decimal | None, *, per: int, places: int = 1
) -> Disclosed:
    """`part` (a released cell) per `per` of a public `base` that is not a count of people (a
    district's population, a service's caseworker FTE), to `places` decimals (rule 4)."""
    _check_cell(part)
    if not base:
        return _NO_FIGURE
    if part.suppressed:
        return _SUPPRESSED_FIGURE
    value = _quantize(Fraction(_operand(part) * per) / Fraction(base), places)
    return Disclosed(value, f"{value:,.{places}f}")


def disclose_change(current: Disclosed, earlier: Disclosed, *, exact: bool = False) -> Disclosed:
    """The change from `earlier` to `current` as a percentage of `earlier` (rule 4)."""
    _check_cell(current)
    _check_cell(earlier)
    if current.suppressed or earlier.suppressed:
        return _SUPPRESSED_FIGURE
    if _operand(earlier) == 0:
        return _NO_FIGURE
    places = _percent_places(exact)
    change = Fraction(100 * (_operand(current) - _operand(earlier)), _operand(earlier))
    value = _quantize(change, places)
    return Disclosed(value, f"{value:+.{places}f}%")


def disclose_statistic(
    value: Decimal | None, group: Disclosed, *, exact: bool = False, places: int = 1
) -> Disclosed:
    """A statistic of a group of people, e.g. their median wait in days (rule 6)."""
    _check_cell(group)
    if not exact and (group.suppressed or _operand(group) < MIN_GROUP):
        return _SUPPRESSED_FIGURE
    if value is None:
        return _NO_FIGURE
    shown = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Disclosed(shown, f"{shown:,.{places}f}")


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


def _suppress(
    values: Mapping[_Pos, int],
    lines: list[_Line],
    threshold: int,
    fixed: Mapping[_Pos, bool] | None = None,
) -> set[_Pos]:
    """The positions to suppress: primary (rule 1) and secondary (rule 3). `fixed` positions
    (margins released before) keep the hidden state given and are never chosen."""
    fixed = fixed or {}
    hidden = {p for p, n in values.items() if 1 <= n <= threshold and p not in fixed}
    hidden |= {p for p, is_hidden in fixed.items() if is_hidden}
    if not hidden:
        return hidden
    lines_of: dict[_Pos, list[int]] = {}
    for number, line in enumerate(lines):
        for pos in line.members:
            lines_of.setdefault(pos, []).append(number)
    hidden_in = [sum(pos in hidden for pos in line.members) for line in lines]
    order = {pos: i for i, pos in enumerate(values)}

    known: set[_Pos] = set()  # shown after all: worked out from 0s and a margin anyway

    def hideable(pos: _Pos) -> bool:
        return pos not in hidden and pos not in fixed and pos not in known and values[pos] > 0

    def crossings_fixed(p: _Pos) -> int:
        """How many lines through p have one hidden member (hiding p protects them too)."""
        return sum(hidden_in[line] == 1 for line in lines_of[p])

    changed = True
    while changed:
        changed = False
        for number, line in enumerate(lines):
            if hidden_in[number] != 1:
                continue
            candidates = [p for p in line.cells if hideable(p)]
            if candidates:
                choice = min(candidates, key=lambda p: (values[p], -crossings_fixed(p), order[p]))
            elif hideable(line.total):
                choice = line.total
            else:
                # Every other member is 0 or a margin already shown, so the hidden member is
                # worked out from them whatever we do (it is not small: it equals a shown
                # margin): it is shown, and counts as known from now on.
                (member,) = [p for p in line.members if p in hidden]
                if member in fixed:
                    continue  # a hidden margin: its own series protects it
                hidden.discard(member)
                known.add(member)
                for other in lines_of[member]:
                    hidden_in[other] -= 1
                changed = True
                continue
            hidden.add(choice)
            for other in lines_of[choice]:
                hidden_in[other] += 1
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
        return _count_cell(values[pos], limit, exact, pos in hidden)

    return DisclosedSeries(
        items={k: cell((0, i)) for i, k in enumerate(keys)},
        total=cell((0, len(keys))) if total else None,
    )


def _column_keys(rows: Mapping[R, Mapping[C, int]], columns: Iterable[C] | None) -> list[C]:
    if columns is None:
        return list(dict.fromkeys(c for row in rows.values() for c in row))
    column_keys = list(columns)
    unknown = {c for row in rows.values() for c in row} - set(column_keys)
    if unknown:
        raise ValueError(f"Cells in columns not listed in `columns`: {sorted(map(str, unknown))}")
    return column_keys


def _check_margins(
    margins: DisclosedSeries[R], values: Mapping[_Pos, int], row_keys: list[R], n_cols: int
) -> None:
    n_rows = len(row_keys)
    if list(margins.items) != row_keys or margins.total is None:
        raise ValueError("The margins must be a series with a total, keyed by the table's rows.")
    given = [margins.items[r]._exact for r in row_keys] + [margins.total._exact]
    found = [values[(i, n_cols)] for i in range(n_rows)] + [values[(n_rows, n_cols)]]
    if given != found:
        raise ValueError("The margins must be the released totals of the table's rows.")


def disclose_table(
    rows: Mapping[R, Mapping[C, int]],
    *,
    columns: Iterable[C] | None = None,
    margins: DisclosedSeries[R] | None = None,
    hide: Iterable[tuple[R, C]] = (),
    exact: bool = False,
    threshold: int | None = None,
) -> DisclosedTable[R, C]:
    """A rows-by-columns table of counts with row, column and grand totals, all disclosed.

    Columns come from `columns` (to fix their order or include empty ones) or else from the rows
    in order of first appearance; a missing cell is 0. `margins`, when given, is the series of
    row totals with its grand total as released before (rule 2): the table keeps those cells.
    `hide` names (row, column) cells hidden whatever their count, because another release
    hides the same count (secondary suppression then protects them like small ones).
    """
    limit = _threshold(threshold)
    row_keys = list(rows)
    column_keys = _column_keys(rows, columns)
    n_rows, n_cols = len(row_keys), len(column_keys)
    # Grid with the totals in row n_rows and column n_cols.
    values: dict[_Pos, int] = {}
    column_sums = [0] * (n_cols + 1)
    for i, r in enumerate(row_keys):
        row = rows[r]
        row_sum = 0
        for j, c in enumerate(column_keys):
            n = row.get(c, 0)
            _check_count(n)
            values[(i, j)] = n
            column_sums[j] += n
            row_sum += n
        values[(i, n_cols)] = row_sum
        column_sums[n_cols] += row_sum
    for j, n in enumerate(column_sums):
        values[(n_rows, j)] = n
    released: dict[_Pos, Disclosed] = {}
    if margins is not None:
        _check_margins(margins, values, row_keys, n_cols)
        released = {(i, n_cols): margins.items[r] for i, r in enumerate(row_keys)}
        released[(n_rows, n_cols)] = margins.total

    fixed = {pos: cell.suppressed for pos, cell in released.items()}
    for r, c in hide:
        if values[(row_keys.index(r), column_keys.index(c))] > 0:  # a 0 hides nothing
            fixed[(row_keys.index(r), column_keys.index(c))] = True
    hidden: set[_Pos] = set()
    if not exact and (any(fixed.values()) or any(1 <= n <= limit for n in values.values())):
        lines = [
            _Line(tuple((i, j) for j in range(n_cols)), (i, n_cols)) for i in range(n_rows + 1)
        ] + [_Line(tuple((i, j) for i in range(n_rows)), (n_rows, j)) for j in range(n_cols + 1)]
        hidden = _suppress(values, lines, limit, fixed)

    def cell(i: int, j: int) -> Disclosed:
        pos = (i, j)
        if pos in released:
            return released[pos]
        return _count_cell(values[pos], limit, exact, pos in hidden)

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

    def series(self, counts: Mapping[K, int], *, total: bool = True) -> DisclosedSeries[K]:
        return disclose_series(counts, total=total, exact=self.exact, threshold=self.threshold)

    def table(
        self,
        rows: Mapping[R, Mapping[C, int]],
        *,
        columns: Iterable[C] | None = None,
        margins: DisclosedSeries[R] | None = None,
        hide: Iterable[tuple[R, C]] = (),
    ) -> DisclosedTable[R, C]:
        return disclose_table(
            rows,
            columns=columns,
            margins=margins,
            hide=hide,
            exact=self.exact,
            threshold=self.threshold,
        )

    def share(self, part: Disclosed, whole: Disclosed, *, band: bool = False) -> Disclosed:
        return disclose_share(part, whole, band=band, exact=self.exact, threshold=self.threshold)

    def rate(
        self, part: Disclosed, base: int | Decimal | None, *, per: int, places: int = 1
    ) -> Disclosed:
        return disclose_rate(part, base, per=per, places=places)

    def change(self, current: Disclosed, earlier: Disclosed) -> Disclosed:
        return disclose_change(current, earlier, exact=self.exact)

    def statistic(self, value: Decimal | None, group: Disclosed, *, places: int = 1) -> Disclosed:
        return disclose_statistic(value, group, exact=self.exact, places=places)
