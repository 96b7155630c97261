"""The bar chart: horizontal bars, one per category, each labelled with its figure, against an
optional band (a benchmark range) or target line.

A suppressed figure draws no bar: its category says "* (too small to show)".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnership.disclosure import SUPPRESSED

from ..spc import Figure
from . import svg
from .axes import value_axis_along_bottom
from .legend import Key, legend
from .model import Chart, Table
from .notes import WITHOUT_A_BAR, count_suppressed, suppression_note
from .scale import Figures, nice_scale, read_all, refuse_negative, tick_label
from .style import BAND, BAR, SECONDARY_TEXT, TEXT, WHITE, WIDTH

LINE_HEIGHT = 17  # of a category name's wrapped lines


@dataclass(frozen=True)
class _Layout:
    """Where the bars go: the value scale from `left` to `right`, one slot per category."""

    ticks: list[float]
    left: float
    right: float
    top: float
    slots: list[float]

    @property
    def bottom(self) -> float:
        return self.top + sum(self.slots)

    def x_of(self, value: float) -> float:
        return self.left + value / self.ticks[-1] * (self.right - self.left)


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    values: Sequence[Figure],
    value_label: str,
    category_label: str = "Category",
    unit: str = "",
    band: tuple[float, float] | None = None,
    band_label: str = "Benchmark range",
    target: float | None = None,
    target_label: str = "Target",
    max_value: float | None = None,
    caption: str | None = None,
) -> Chart:
    """Horizontal bars, one per category, each labelled with its figure.

    `unit` follows plain numbers ("%"); a `Disclosed` figure keeps its own display. `band`
    shades a range such as a caseload benchmark of 30 ± 20%; `target` draws a line such as a
    90% service-level target. `max_value` fixes the end of the scale (100 for percentages).
    """
    svg.check_id(id)
    _check(categories, values, band, target)
    figures = read_all(values, unit)
    numbers = [n for n, _ in figures if n is not None]
    refuse_negative(numbers, "A bar chart")
    high = max([*numbers, *(band or ()), *([target] if target is not None else []), 0])
    wrapped = [svg.wrap(c, 28) for c in categories]
    key = _key(band, band_label, target, target_label, unit)
    plot = _layout(nice_scale(0, max(max_value or 0, high) or 1), wrapped, figures, key)
    axis = value_axis_along_bottom(
        plot.ticks,
        plot.x_of,
        top=plot.top,
        bottom=plot.bottom,
        unit=unit,
        label=value_label,
        centre=(plot.left + plot.right) / 2,
    )
    body = _drawing(plot, wrapped, figures, axis, band=band, target=target, key=key)
    full_description = description + suppression_note(count_suppressed(figures), WITHOUT_A_BAR)
    comparison = None
    if key:
        comparison = _Comparison(band_label if band is not None else target_label, band, target)
    table = _table(
        caption or f"Data table: {title}",
        [category_label, value_label],
        categories,
        figures,
        comparison,
    )
    return Chart(
        id=id,
        title=title,
        description=full_description,
        svg=svg.document(id, title, full_description, plot.bottom + 56, body),
        table=table,
    )


def _drawing(plot: _Layout, wrapped, figures: Figures, axis: list[str], *, band, target, key):
    """In drawing order: the band, the value axis, the bars, the category axis, the target
    line, the figures (over any target line) and the legend."""
    body = _band(band, plot) if band is not None else []
    body += axis
    bars, figure_labels = _bars(wrapped, figures, plot)
    body += bars
    body.append(
        svg.line(plot.left, plot.top, plot.left, plot.bottom, stroke=TEXT, stroke_width="1")
    )
    if target is not None:
        x = plot.x_of(target)
        body.append(svg.line(x, plot.top - 4, x, plot.bottom, stroke=TEXT, stroke_width="2.5"))
    body.extend(figure_labels)
    if key:
        body.append(legend([key])[0])
    return body


def _check(categories, values, band, target) -> None:
    if len(categories) != len(values):
        raise ValueError(f"{len(values)} figures for {len(categories)} categories.")
    if not categories:
        raise ValueError("A bar chart needs at least one category.")
    if band is not None and target is not None:
        raise ValueError("Give a bar chart a band or a target, not both.")
    if band is not None and not band[0] <= band[1]:
        raise ValueError(f"The band {band} must run from low to high.")


def _key(band, band_label: str, target, target_label: str, unit: str) -> Key | None:
    """The legend's one key: the band's shading or the target's line, with its figures."""
    if band is not None:
        sample = svg.el(
            "rect",
            x=0.0,
            y=0.0,
            width=36.0,
            height=16.0,
            fill=BAND,
            stroke=SECONDARY_TEXT,
            stroke_dasharray="6 3",
        )
        return sample, f"{band_label}: {tick_label(band[0], unit)} to {tick_label(band[1], unit)}"
    if target is not None:
        sample = svg.line(0, 8, 36, 8, stroke=TEXT, stroke_width="2.5")
        return sample, f"{target_label}: {tick_label(target, unit)}"
    return None


def _layout(ticks: list[float], wrapped: list[list[str]], figures: Figures, key) -> _Layout:
    """Category names on the left (up to 260 wide), figures' labels room on the right."""
    widest_name = max(svg.text_width(line) for lines in wrapped for line in lines)
    return _Layout(
        ticks=ticks,
        left=16 + min(260.0, widest_name) + 12,
        right=WIDTH - 24 - max(svg.text_width(d) for _, d in figures),
        top=44 if key else 16,
        slots=[max(36.0, float(LINE_HEIGHT) * len(lines) + 12) for lines in wrapped],
    )


def _band(band: tuple[float, float], plot: _Layout) -> list[str]:
    """The benchmark range shaded across the plot, with a dashed line at each end."""
    x1, x2 = plot.x_of(band[0]), plot.x_of(band[1])
    height = float(plot.bottom - plot.top)
    parts = [svg.el("rect", x=x1, y=float(plot.top), width=x2 - x1, height=height, fill=BAND)]
    for x in (x1, x2):
        parts.append(
            svg.line(
                x,
                plot.top,
                x,
                plot.bottom,
                stroke=SECONDARY_TEXT,
                stroke_width="1.5",
                stroke_dasharray="6 3",
            )
        )
    return parts


def _bars(wrapped: list[list[str]], figures: Figures, plot: _Layout):
    """Each category's name and bar; the figures' labels are returned apart, to go on top."""
    parts, figure_labels = [], []
    y = float(plot.top)
    for lines, (number, display), slot in zip(wrapped, figures, plot.slots, strict=True):
        centre = y + slot / 2
        first = centre - (len(lines) - 1) * LINE_HEIGHT / 2 + 6
        for i, line in enumerate(lines):
            parts.append(svg.text(plot.left - 10, first + i * LINE_HEIGHT, line, text_anchor="end"))
        if number is None:
            note = "too small to show" if display == SUPPRESSED else "no figure"
            parts.append(
                svg.text(plot.left + 6, centre + 6, f"{display} ({note})", fill=SECONDARY_TEXT)
            )
        else:
            end = plot.x_of(number)
            width = max(end - plot.left, 0.0)
            parts.append(
                svg.el("rect", x=plot.left, y=centre - 11, width=width, height=22.0, fill=BAR)
            )
            figure_labels.append(_figure_label(end, centre, display))
        y += slot
    return parts, figure_labels


def _figure_label(end: float, centre: float, display: str) -> str:
    """The figure after its bar, on a white backing that keeps it readable where it crosses a
    target or band line."""
    backing = svg.el(
        "rect", x=end + 3, y=centre - 10, width=svg.text_width(display) + 6, height=20.0, fill=WHITE
    )
    return backing + svg.text(end + 6, centre + 6, display, font_weight="bold")


@dataclass(frozen=True)
class _Comparison:
    """What the data table compares each figure with: a band, or a target as a minimum."""

    label: str
    band: tuple[float, float] | None
    target: float | None

    @property
    def header(self) -> str:
        label = self.label
        if label[1:2].islower():  # "Target" but not "SLA target"
            label = label[0].lower() + label[1:]
        return f"Compared with the {label}"

    def verdict(self, figure: tuple[float | None, str]) -> str:
        value, display = figure
        if value is None:
            return display
        if self.band is not None:
            if value < self.band[0]:
                return "Below the range"
            return "Above the range" if value > self.band[1] else "Within the range"
        assert self.target is not None
        return "Below target" if value < self.target else "At or above target"


def _table(caption, headers, categories, figures: Figures, comparison) -> Table:
    """The data table, with a column comparing each figure with the band or target."""
    rows = [[c, d] for c, (_, d) in zip(categories, figures, strict=True)]
    if comparison is not None:
        headers = [*headers, comparison.header]
        for row, figure in zip(rows, figures, strict=True):
            row.append(comparison.verdict(figure))
    return Table(caption=caption, headers=headers, rows=rows, numeric_columns=frozenset({1}))
