"""Charts drawn once on the server as SVG, for the dashboard page and the PDF report alike.

Hand-written SVG rather than matplotlib: we control the accessible markup (`role="img"`, a
`<title>` and `<desc>` named by `aria-labelledby`), the output is the same in the browser and in
WeasyPrint, it needs no JavaScript and no new dependency, and it carries no inline `style`
attributes, which the strict Content-Security-Policy would block (presentation attributes such
as `fill` are allowed). Every piece of text is XML-escaped.

Each chart comes with its data table (`templates/scrutiny/includes/chart.html` shows both), so
every figure on the chart can be read exactly and by a screen reader.

Print-safe: series differ by colour (GOV.UK palette, at least 3:1 against white), line pattern
and marker shape, so they survive black-and-white printing; text is near-black on white.

Suppressed figures (None, or a `Disclosed` with no value) are never drawn at a height or length:
a line chart leaves a gap with a hollow marker on the axis, a bar chart draws no bar and writes
"*", and nothing carries a tooltip. Pass figures that have been through disclosure control.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.utils.safestring import SafeString, mark_safe

from partnership.disclosure import NOT_APPLICABLE, SUPPRESSED, Disclosed

from . import spc
from .spc import Figure, format_number, read_figure

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

_ID_PATTERN = re.compile(r"[a-z][a-z0-9-]*")


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


# SVG helpers ----------------------------------------------------------------------------------


def _num(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(attrs: Mapping[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        text = _num(value) if isinstance(value, float) else str(value)
        parts.append(f' {name}="{html.escape(text, quote=True)}"')
    return "".join(parts)


def _el(tag: str, content: str = "", **attrs: object) -> str:
    """An element; `content` must already be markup (use `_text` for text)."""
    if content:
        return f"<{tag}{_attrs(attrs)}>{content}</{tag}>"
    return f"<{tag}{_attrs(attrs)}/>"


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    return _el("text", html.escape(text, quote=False), x=float(x), y=float(y), **attrs)


def _line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    return _el("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def _marker(
    shape: str, x: float, y: float, colour: str, *, filled: bool = True, size: float = 5.0
) -> str:
    fill = colour if filled else WHITE
    common = {"fill": fill, "stroke": colour, "stroke_width": "2"}
    if shape == "circle":
        return _el("circle", cx=float(x), cy=float(y), r=float(size), **common)
    if shape == "square":
        s = size * 0.9
        return _el("rect", x=x - s, y=y - s, width=2 * s, height=2 * s, **common)
    points = {
        "triangle": [(0, -1.2), (1.1, 0.8), (-1.1, 0.8)],
        "triangle-down": [(0, 1.2), (1.1, -0.8), (-1.1, -0.8)],
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
    }[shape]
    path = " ".join(f"{_num(x + dx * size)},{_num(y + dy * size)}" for dx, dy in points)
    return _el("polygon", points=path, **common)


def _read_all(values: Sequence[Figure], unit: str = "") -> list[tuple[float | None, str]]:
    """(number, display) for each figure. Plain numbers share one format: whole numbers, or one
    decimal place for all when any has a fraction; `Disclosed` figures keep their own display."""
    figures = [read_figure(v) for v in values]
    plain = [i for i, v in enumerate(values) if v is not None and not isinstance(v, Disclosed)]
    decimals = any(figures[i][0] != int(figures[i][0] or 0) for i in plain)
    for i in plain:
        number = figures[i][0]
        assert number is not None
        figures[i] = (number, format_number(number, fixed=decimals) + unit)
    return figures


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """SVG path data joining the points in order, with a gap wherever a point is None."""
    segments: list[list[str]] = [[]]
    for point in points:
        if point is None:
            segments.append([])
        else:
            segments[-1].append(f"{_num(point[0])},{_num(point[1])}")
    return " ".join("M" + " L".join(segment) for segment in segments if segment)


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _wrap(text: str, max_chars: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str]) -> SafeString:
    content = "".join(
        [
            _el("title", html.escape(title, quote=False), id=f"{chart_id}-title"),
            _el("desc", html.escape(description, quote=False), id=f"{chart_id}-desc"),
            _el("rect", width=WIDTH, height=_num(height), fill=WHITE),
            *body,
        ]
    )
    svg = _el(
        "svg",
        content,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {_num(height)}",
        width=WIDTH,
        height=_num(height),
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        font_family=FONT_FAMILY,
        font_size=FONT_SIZE,
        fill=TEXT,
    )
    return mark_safe(svg)  # noqa: S308 - every text and attribute above is escaped


def _check_id(chart_id: str) -> None:
    if not _ID_PATTERN.fullmatch(chart_id):
        raise ValueError(
            f"{chart_id!r} is not a usable chart id: use lower-case letters, digits and hyphens, "
            "starting with a letter."
        )


def nice_scale(low: float, high: float, ticks: int = 5) -> list[float]:
    """Round tick values from at or below `low` to at or above `high`, about `ticks` steps."""
    if high <= low:
        high = low + 1
    raw = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    values = [start]
    while values[-1] < high - 1e-9:
        values.append(start + len(values) * step)
    return [round(v, 10) for v in values]


def _tick_label(value: float, unit: str = "") -> str:
    return format_number(value) + unit


def _legend(items: list[tuple[str, str]], x0: float, y0: float, width: float) -> tuple[str, float]:
    """Legend entries (sample markup drawn in a 36 x 16 box at 0,0; label), flowed into rows.

    Returns the markup and the height used.
    """
    parts = []
    x, y = x0, y0
    for sample, label in items:
        item_width = 44 + _text_width(label)
        if x > x0 and x + item_width > x0 + width:
            x, y = x0, y + 26
        parts.append(_el("g", sample, transform=f"translate({_num(x)},{_num(y)})"))
        parts.append(_text(x + 44, y + 14, label))
        x += item_width + 24
    return _el("g", "".join(parts), class_="legend"), y - y0 + 26


def _line_sample(colour: str, dash: str | None, marker: str | None, width: str = "2") -> str:
    sample = _line(0, 8, 36, 8, stroke=colour, stroke_width=width, stroke_dasharray=dash)
    if marker:
        sample += _marker(marker, 18, 8, colour)
    return sample


def _x_labels(labels: Sequence[str], xs: list[float], axis_y: float) -> str:
    """Labels under the x axis. "2024/25 Q1" is written "Q1", with "2024/25" once below the
    quarters of that year and a short tick between years, so twelve or more quarters fit."""
    split = [label.rpartition(" ") for label in labels]
    tops = [top or group for group, _, top in split]
    groups = [group if top else "" for group, _, top in split]
    slot = xs[1] - xs[0] if len(xs) > 1 else float(WIDTH)
    every = max(1, math.ceil((max(_text_width(t) for t in tops) + 6) / slot))
    parts = []
    for i, (top, x) in enumerate(zip(tops, xs, strict=True)):
        if (len(tops) - 1 - i) % every == 0:  # the latest quarter always has its label
            parts.append(_text(x, axis_y + 20, top, text_anchor="middle"))
    runs: list[tuple[int, int]] = []  # (first, last) index of each year's quarters
    for i, group in enumerate(groups):
        if runs and groups[runs[-1][0]] == group:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    for (_, last), (first, _) in pairwise(runs):
        tick_x = (xs[last] + xs[first]) / 2
        parts.append(_line(tick_x, axis_y, tick_x, axis_y + 40, stroke=GRID, stroke_width="1"))
    drawn_from = math.inf
    for first, last in reversed(runs):  # the latest year keeps its label if two would overlap
        centre = (xs[first] + xs[last]) / 2
        half = _text_width(groups[first]) * 14 / FONT_SIZE / 2
        if groups[first] and centre + half < drawn_from - 8:
            parts.append(
                _text(
                    centre,
                    axis_y + 38,
                    groups[first],
                    text_anchor="middle",
                    fill=SECONDARY_TEXT,
                    font_size="14",
                )
            )
            drawn_from = centre - half
    return "".join(parts)


def _y_axis(ticks: list[float], y_of: Callable[[float], float], left: float, right: float) -> str:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(_line(left, y, right, y, stroke=GRID, stroke_width="1"))
        parts.append(_text(left - 8, y + 5, _tick_label(tick), text_anchor="end"))
    return "".join(parts)


def _suppression_note(count: int, drawn_as: str) -> str:
    if not count:
        return ""
    figures = "figure is" if count == 1 else "figures are"
    return f" {count} {figures} too small to show (*) and {drawn_as}."


_SUPPRESSED_LEGEND = (
    _marker("circle", 18, 8, SECONDARY_TEXT, filled=False),
    "Hollow marker on the axis: too small to show (*)",
)
_HOLLOW_AXIS = "drawn as a gap with a hollow marker on the axis, not at any height"


# Line chart -----------------------------------------------------------------------------------


def line_chart(
    *,
    id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    highlights: Mapping[str, str] | None = None,
    x_header: str = "Quarter",
    caption: str | None = None,
) -> Chart:
    """Quarterly trends: one line per series, x labels like "2023/24 Q1".

    `highlights` marks quarters with a dotted vertical line and a label, e.g.
    {"2023/24 Q2": "Same quarter last year", "2024/25 Q2": "This quarter"}.
    """
    _check_id(id)
    highlights = dict(highlights or {})
    if not series:
        raise ValueError("A line chart needs at least one series.")
    if len(series) > len(SERIES_STYLES):
        raise ValueError(f"A line chart can show at most {len(SERIES_STYLES)} series.")
    if not x_labels:
        raise ValueError("A line chart needs at least one quarter.")
    for s in series:
        if len(s.values) != len(x_labels):
            raise ValueError(
                f"{s.name!r} has {len(s.values)} figures for {len(x_labels)} quarters."
            )
    unknown = set(highlights) - set(x_labels)
    if unknown:
        raise ValueError(f"Highlighted quarters not on the chart: {sorted(unknown)}")

    figures = [_read_all(s.values) for s in series]
    numbers = [n for row in figures for n, _ in row if n is not None]
    if any(n < 0 for n in numbers):
        raise ValueError("A line chart of counts or rates cannot show negative figures.")
    ticks = nice_scale(0, max(numbers, default=0) or 1)
    left = 24 + max(_text_width(_tick_label(t)) for t in ticks)
    right = WIDTH - 24

    legend_items = [
        (_line_sample(style.colour, style.dash, style.marker), s.name)
        for s, style in zip(series, SERIES_STYLES, strict=False)
    ]
    suppressed = sum(display == SUPPRESSED for row in figures for _, display in row)
    if suppressed:
        legend_items.append(_SUPPRESSED_LEGEND)
    legend, legend_height = _legend(legend_items, 16, 8, WIDTH - 32)
    top = 8 + legend_height + 28 + (20 if highlights else 0)
    plot_height = 260
    bottom = top + plot_height
    height = bottom + 48

    def y_of(value: float) -> float:
        return bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * plot_height

    n = len(x_labels)
    xs = [left + (right - left) * (i + 0.5) / n for i in range(n)]
    body = [legend, _text(16, top - 12 - (20 if highlights else 0), y_label, font_weight="bold")]
    body.append(_y_axis(ticks, y_of, left, right))
    for label, note in highlights.items():
        x = xs[list(x_labels).index(label)]
        body.append(
            _line(
                x,
                top - 4,
                x,
                bottom,
                stroke=SECONDARY_TEXT,
                stroke_width="1.5",
                stroke_dasharray="2 3",
            )
        )
        anchor = "start" if x - left < 80 else "end" if right - x < 80 else "middle"
        body.append(_text(x, top - 10, note, text_anchor=anchor, font_size="14"))
    body.append(_line(left, bottom, right, bottom, stroke=TEXT, stroke_width="1"))
    body.append(_x_labels(x_labels, xs, bottom))

    for row, style in zip(figures, SERIES_STYLES, strict=False):
        path = _path(
            [None if n is None else (x, y_of(n)) for x, (n, _) in zip(xs, row, strict=True)]
        )
        if path:
            body.append(
                _el(
                    "path",
                    d=path,
                    fill="none",
                    stroke=style.colour,
                    stroke_width="2.5",
                    stroke_dasharray=style.dash,
                    stroke_linejoin="round",
                )
            )
        for x, (number, display) in zip(xs, row, strict=True):
            if number is not None:
                body.append(_marker(style.marker, x, y_of(number), style.colour))
            elif display == SUPPRESSED:
                body.append(_marker(style.marker, x, bottom, style.colour, filled=False))

    full_description = description + _suppression_note(suppressed, _HOLLOW_AXIS)
    headers = [x_header, *(s.name for s in series)] + (["Note"] if highlights else [])
    rows = []
    for i, label in enumerate(x_labels):
        row = [label, *(figures[j][i][1] for j in range(len(series)))]
        if highlights:
            row.append(highlights.get(label, ""))
        rows.append(row)
    table = Table(
        caption=caption or f"Data table: {title}",
        headers=headers,
        rows=rows,
        numeric_columns=frozenset(range(1, len(series) + 1)),
    )
    return Chart(
        id=id,
        title=title,
        description=full_description,
        svg=_svg(id, title, full_description, height, body),
        table=table,
    )


# Bar chart ------------------------------------------------------------------------------------


def _compare(
    figure: tuple[float | None, str], band: tuple[float, float] | None, target: float | None
) -> str:
    value, display = figure
    if value is None:
        return display
    if band is not None:
        if value < band[0]:
            return "Below the range"
        return "Above the range" if value > band[1] else "Within the range"
    assert target is not None  # a minimum, as for a service-level target
    return "Below target" if value < target else "At or above target"


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
    _check_id(id)
    if len(categories) != len(values):
        raise ValueError(f"{len(values)} figures for {len(categories)} categories.")
    if not categories:
        raise ValueError("A bar chart needs at least one category.")
    if band is not None and target is not None:
        raise ValueError("Give a bar chart a band or a target, not both.")
    if band is not None and not band[0] <= band[1]:
        raise ValueError(f"The band {band} must run from low to high.")
    figures = _read_all(values, unit)
    numbers = [n for n, _ in figures if n is not None]
    if any(n < 0 for n in numbers):
        raise ValueError("A bar chart cannot show negative figures.")
    high = max([*numbers, *(band or ()), *([target] if target is not None else []), 0])
    ticks = nice_scale(0, max(max_value or 0, high) or 1)

    wrapped = [_wrap(c, 28) for c in categories]
    left = 16 + min(260.0, max(_text_width(line) for lines in wrapped for line in lines)) + 12
    right = WIDTH - 24 - max(_text_width(d) for _, d in figures)
    key = None
    if band is not None:
        key = (
            _el(
                "rect",
                x=0.0,
                y=0.0,
                width=36.0,
                height=16.0,
                fill=BAND,
                stroke=SECONDARY_TEXT,
                stroke_dasharray="6 3",
            ),
            f"{band_label}: {_tick_label(band[0], unit)} to {_tick_label(band[1], unit)}",
        )
    elif target is not None:
        key = (
            _line(0, 8, 36, 8, stroke=TEXT, stroke_width="2.5"),
            f"{target_label}: {_tick_label(target, unit)}",
        )
    top = 44 if key else 16
    slots = [max(36.0, 17.0 * len(lines) + 12) for lines in wrapped]
    bottom = top + sum(slots)
    height = bottom + 56

    def x_of(value: float) -> float:
        return left + value / ticks[-1] * (right - left)

    body = []
    if band is not None:
        x1, x2 = x_of(band[0]), x_of(band[1])
        body.append(
            _el("rect", x=x1, y=float(top), width=x2 - x1, height=float(bottom - top), fill=BAND)
        )
        for x in (x1, x2):
            body.append(
                _line(
                    x,
                    top,
                    x,
                    bottom,
                    stroke=SECONDARY_TEXT,
                    stroke_width="1.5",
                    stroke_dasharray="6 3",
                )
            )
    for tick in ticks:
        x = x_of(tick)
        body.append(_line(x, top, x, bottom, stroke=GRID, stroke_width="1"))
        body.append(_text(x, bottom + 20, _tick_label(tick, unit), text_anchor="middle"))
    body.append(
        _text(
            (left + right) / 2, bottom + 44, value_label, text_anchor="middle", font_weight="bold"
        )
    )

    y = float(top)
    figure_labels = []  # drawn last, over any target line
    for lines, (number, display), slot in zip(wrapped, figures, slots, strict=True):
        centre = y + slot / 2
        first = centre - (len(lines) - 1) * 17 / 2 + 6
        for i, line in enumerate(lines):
            body.append(_text(left - 10, first + i * 17, line, text_anchor="end"))
        if number is None:
            note = "too small to show" if display == SUPPRESSED else "no figure"
            body.append(_text(left + 6, centre + 6, f"{display} ({note})", fill=SECONDARY_TEXT))
        else:
            end = x_of(number)
            body.append(
                _el(
                    "rect", x=left, y=centre - 11, width=max(end - left, 0.0), height=22.0, fill=BAR
                )
            )
            # A white backing keeps the figure readable where it crosses a target or band line.
            figure_labels.append(
                _el(
                    "rect",
                    x=end + 3,
                    y=centre - 10,
                    width=_text_width(display) + 6,
                    height=20.0,
                    fill=WHITE,
                )
                + _text(end + 6, centre + 6, display, font_weight="bold")
            )
        y += slot
    body.append(_line(left, top, left, bottom, stroke=TEXT, stroke_width="1"))
    if target is not None:
        x = x_of(target)
        body.append(_line(x, top - 4, x, bottom, stroke=TEXT, stroke_width="2.5"))
    body.extend(figure_labels)
    if key:
        legend, _ = _legend([key], 16, 8, WIDTH - 32)
        body.append(legend)

    suppressed = sum(display == SUPPRESSED for _, display in figures)
    full_description = description + _suppression_note(suppressed, "drawn without a bar")
    headers = [category_label, value_label]
    rows = [[c, d] for c, (_, d) in zip(categories, figures, strict=True)]
    if band is not None or target is not None:
        compared_with = band_label if band is not None else target_label
        if compared_with[1:2].islower():  # "Target" but not "SLA target"
            compared_with = compared_with[0].lower() + compared_with[1:]
        headers.append(f"Compared with the {compared_with}")
        for row, figure in zip(rows, figures, strict=True):
            row.append(_compare(figure, band, target))
    table = Table(
        caption=caption or f"Data table: {title}",
        headers=headers,
        rows=rows,
        numeric_columns=frozenset({1}),
    )
    return Chart(
        id=id,
        title=title,
        description=full_description,
        svg=_svg(id, title, full_description, height, body),
        table=table,
    )


# XmR chart ------------------------------------------------------------------------------------


def xmr_chart(
    result: spc.XmRResult,
    *,
    id: str,
    title: str,
    name_phrase: str,
    value_label: str = "Referrals",
    x_header: str = "Quarter",
    caption: str | None = None,
) -> Chart:
    """The XmR chart of `result`: the figures, the mean, the process limits (dashed) and the
    special-cause points; its reading comes from `spc.reading(name_phrase, result)`."""
    _check_id(id)
    points = result.points
    if not points:
        raise ValueError("An XmR chart needs at least one quarter.")
    numbers = [p.value for p in points if p.value is not None]
    lines = {
        name: value
        for name, value in (
            ("Upper limit", result.upper_limit),
            ("Mean", result.mean),
            ("Lower limit", result.lower_limit),
        )
        if value is not None
    }
    low = min([*numbers, *lines.values()], default=0)
    high = max([*numbers, *lines.values()], default=1)
    # Counts start at 0 unless that squashes the variation into a thin band at the top; a
    # margin keeps the limit lines off the axis and the frame.
    margin = (high - low) * 0.05
    ticks = nice_scale(0 if low <= high / 2 else low - margin, high + margin)
    left = 24 + max(_text_width(_tick_label(t)) for t in ticks)
    right = (
        WIDTH
        - 24
        - max([_text_width(f"{name} {format_number(v)}") for name, v in lines.items()], default=0)
    )

    legend_items = [
        (_line_sample(COMMON_CAUSE, None, "circle"), value_label),
        (_marker("diamond", 18, 8, SPECIAL_CAUSE, size=6), "Special cause"),
        (_line(0, 8, 36, 8, stroke=TEXT, stroke_width="1.5"), "Mean"),
        (
            _line(0, 8, 36, 8, stroke=TEXT, stroke_width="1.5", stroke_dasharray="6 4"),
            "Process limits",
        ),
    ]
    if result.suppressed_count:
        legend_items.append(_SUPPRESSED_LEGEND)
    legend, legend_height = _legend(legend_items, 16, 8, WIDTH - 32)
    top = 8 + legend_height + 28
    plot_height = 260
    bottom = top + plot_height
    height = bottom + 48

    def y_of(value: float) -> float:
        return bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * plot_height

    n = len(points)
    xs = [left + (right - left) * (i + 0.5) / n for i in range(n)]
    body = [legend, _text(16, top - 12, value_label, font_weight="bold")]
    body.append(_y_axis(ticks, y_of, left, right))
    body.append(_line(left, bottom, right, bottom, stroke=TEXT, stroke_width="1"))
    body.append(_x_labels(result.labels, xs, bottom))

    label_ys = _spread([y_of(v) for v in lines.values()], 16)
    for (name, value), label_y in zip(lines.items(), label_ys, strict=True):
        y = y_of(value)
        dash = None if name == "Mean" else "6 4"
        body.append(
            _line(left, y, right, y, stroke=TEXT, stroke_width="1.5", stroke_dasharray=dash)
        )
        body.append(_text(right + 6, label_y + 5, f"{name} {format_number(value)}"))

    path = _path(
        [None if p.value is None else (x, y_of(p.value)) for x, p in zip(xs, points, strict=True)]
    )
    if path:
        body.append(
            _el(
                "path",
                d=path,
                fill="none",
                stroke=COMMON_CAUSE,
                stroke_width="2",
                stroke_linejoin="round",
            )
        )
    for x, point in zip(xs, points, strict=True):
        if point.value is None:
            body.append(_marker("circle", x, bottom, SECONDARY_TEXT, filled=False))
        elif point.special_cause:
            body.append(_marker("diamond", x, y_of(point.value), SPECIAL_CAUSE, size=6))
        else:
            body.append(_marker("circle", x, y_of(point.value), COMMON_CAUSE, size=4.5))

    text = spc.reading(name_phrase, result)
    limits = ""
    if result.mean is not None and result.upper_limit is not None:
        assert result.lower_limit is not None
        limits = (
            f" The mean of {format_number(result.mean)} is a solid line and the process limits of "
            f"{format_number(result.lower_limit)} and {format_number(result.upper_limit)} are "
            "dashed lines."
        )
    special = result.special_cause_count
    if special == 0:
        flagged = "No point shows special-cause variation; all are grey circles."
    elif special == 1:
        flagged = (
            "1 point shows special-cause variation, drawn as a purple diamond; the others are "
            "grey circles."
        )
    else:
        flagged = (
            f"{special} points show special-cause variation, drawn as purple diamonds; the "
            "others are grey circles."
        )
    description = (
        f"{text} Statistical process control (XmR) chart of {n} quarters, {points[0].label} to "
        f"{points[-1].label}.{limits} {flagged} Special cause is purple, not the orange or blue "
        "of NHS 'Making Data Count', because more or fewer referrals is neither good nor bad in "
        "itself."
    )
    description += _suppression_note(result.suppressed_count, _HOLLOW_AXIS)

    caption_text = caption or f"Data table: {title}"
    if result.mean is not None and result.upper_limit is not None:
        caption_text += (
            f" (mean {format_number(result.mean)}; process limits "
            f"{format_number(result.lower_limit or 0)} to {format_number(result.upper_limit)})"
        )
    table = Table(
        caption=caption_text,
        headers=[x_header, value_label, "Moving range", "Special cause"],
        rows=[
            [
                p.label,
                p.display,
                format_number(p.moving_range) if p.moving_range is not None else NOT_APPLICABLE,
                "; ".join(p.notes),
            ]
            for p in points
        ],
        numeric_columns=frozenset({1, 2}),
    )
    return Chart(
        id=id,
        title=title,
        description=description,
        svg=_svg(id, title, description, height, body),
        table=table,
        reading=text,
    )


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label positions near `ys` (top to bottom) moved apart so that none overlap."""
    placed: list[float] = []
    for y in ys:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    return placed
