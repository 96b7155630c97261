"""Legends: keys flowed into rows above the plot, and the samples drawn in them."""

from __future__ import annotations

from . import svg
from .markers import marker
from .style import SECONDARY_TEXT, WIDTH

# A key: the sample's markup, drawn in a 36 x 16 box at 0,0, and its label.
Key = tuple[str, str]

SUPPRESSED_KEY: Key = (
    marker("circle", 18, 8, SECONDARY_TEXT, filled=False),
    "Hollow marker on the axis: too small to show (*)",
)


def legend(keys: list[Key], x0: float = 16, y0: float = 8, width: float = WIDTH - 32):
    """The keys flowed into rows; returns the markup and the height used."""
    parts = []
    x, y = x0, y0
    for sample, label in keys:
        item_width = 44 + svg.text_width(label)
        if x > x0 and x + item_width > x0 + width:
            x, y = x0, y + 26
        parts.append(svg.el("g", sample, transform=f"translate({svg.num(x)},{svg.num(y)})"))
        parts.append(svg.text(x + 44, y + 14, label))
        x += item_width + 24
    return svg.el("g", "".join(parts), class_="legend"), y - y0 + 26


def line_sample(colour: str, dash: str | None, marker_shape: str | None, width: str = "2") -> str:
    """A short line, with the marker on it when the series has one."""
    sample = svg.line(0, 8, 36, 8, stroke=colour, stroke_width=width, stroke_dasharray=dash)
    if marker_shape:
        sample += marker(marker_shape, 18, 8, colour)
    return sample
