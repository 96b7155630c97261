"""What every panel's tables share: the columns that hold counts of people, how figures are
written in a cell, and a panel whose download is its table."""

from __future__ import annotations

from decimal import Decimal

from partnership.disclosure import NOT_APPLICABLE, SUPPRESSED, Disclosed

from ..charts import Chart, Table
from .model import Panel
from .wording import Words

# Column headers that hold counts of people: these cells are suppressed from 1 to the threshold
# and rounded, on the page and in the CSV. Every other column is a rate, a time, money, staff
# or places, or a count of committee actions (shown exactly: scrutiny.metrics).
COUNT_HEADERS = frozenset(
    {
        "Referrals",
        "Started support in the quarter",
        "On the waiting list at quarter end",
        "Number",
        "Out of",
        "Open cases at quarter end",
        "Not known",
    }
)


def percent(value: Decimal | None) -> str:
    if value is None:
        return NOT_APPLICABLE
    return f"{value.normalize():f}%"


def number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def against_target(figure: Disclosed, target: Decimal | None) -> str:
    """The verdict on the figure as shown: a band meets the target when its floor does, and
    otherwise cannot say (a verdict from the exact figure would narrow the band)."""
    if target is None:
        return NOT_APPLICABLE
    if figure.above is not None:  # a band
        return "Target met" if figure.above >= target else SUPPRESSED
    if figure.value is None:
        return SUPPRESSED if figure.suppressed else NOT_APPLICABLE
    return "Target met" if figure.value >= target else "Target missed"


def rows_of(table: Table) -> list[list[str]]:
    return [list(row) for row in table.rows]


def table_panel(
    *,
    slug: str,
    words: Words,
    table: Table,
    tables: list[Table] | None = None,
    charts: list[Chart] | None = None,
    notes: list[str] | None = None,
) -> Panel:
    """A panel whose CSV download is `table` (shown unless `tables` says what is shown)."""
    return Panel(
        slug=slug,
        title=words.title,
        intro=words.intro,
        charts=charts or [],
        tables=[table] if tables is None else tables,
        notes=notes or [],
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )
