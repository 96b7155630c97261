"""The charts' look: size, font and the GOV.UK palette, and the styles that tell series apart.

Print-safe: series differ by colour (at least 3:1 against white), line pattern and marker
shape, so they survive black-and-white printing; text is near-black on white.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 680
FONT_SIZE = 16
FONT_FAMILY = "Arial, Liberation Sans, Helvetica, sans-serif"
CHAR_WIDTH = 0.56 * FONT_SIZE  # Arial's average width, a little generous

TEXT = "#0b0c0c"
SECONDARY_TEXT = "#484949"
GRID = "#cecece"
WHITE = "#ffffff"
BAR = "#1d70b8"
BAND = "#f3f3f3"
COMMON_CAUSE = "#858686"
SPECIAL_CAUSE = "#54319f"


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    dash: str | None
    marker: str


# Colour, line pattern and marker shape all differ, for black-and-white printing.
SERIES_STYLES = (
    SeriesStyle("#1d70b8", None, "circle"),
    SeriesStyle("#0b0c0c", "8 4", "square"),
    SeriesStyle("#0f7a52", "2 3", "triangle"),
    SeriesStyle("#ca357c", "10 4 2 4", "diamond"),
    SeriesStyle("#b7592a", "4 4", "triangle-down"),
    SeriesStyle("#106165", "14 4", "circle"),
)
