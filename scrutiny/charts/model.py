"""What a chart is: its SVG with the data table that goes with it, and the figures it is drawn
from. Templates show a `Chart` with `templates/scrutiny/includes/chart.html` and a `Table` with
`templates/scrutiny/includes/data_table.html`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString

from ..spc import Figure


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric_columns: frozenset[int] = frozenset()

    @property
    def header_cells(self) -> list[Cell]:
        return [Cell(h, i in self.numeric_columns) for i, h in enumerate(self.headers)]

    @property
    def body_rows(self) -> list[list[Cell]]:
        return [
            [Cell(c, i in self.numeric_columns) for i, c in enumerate(row)] for row in self.rows
        ]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    table: Table
    reading: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Figure]
