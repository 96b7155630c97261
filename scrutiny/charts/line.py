"""The line chart: quarterly trends, one line per series, x labels like "2023/24 Q1".

A suppressed figure leaves a gap in its line, with a hollow marker on the axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from partnership.disclosure import SUPPRESSED

from . import svg
from .axes import QuarterPlot, value_axis_width
from .legend import SUPPRESSED_KEY, legend, line_sample
from .markers import joining_line, marker
from .model import Chart, Series, Table
from .notes import HOLLOW_ON_AXIS, count_suppressed, suppression_note
from .scale import Figures, nice_scale, read_all, refuse_negative
from .style import SECONDARY_TEXT, SERIES_STYLES, WIDTH, SeriesStyle

HIGHLIGHT_ROOM = 20  # above the plot, for the highlights' labels


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
    svg.check_id(id)
    highlights = dict(highlights or {})
    _check(x_labels, series, highlights)
    figures = [read_all(s.values) for s in series]
    numbers = [n for row in figures for n, _ in row if n is not None]
    refuse_negative(numbers, "A line chart of counts or rates")
    ticks = nice_scale(0, max(numbers, default=0) or 1)
    suppressed = sum(count_suppressed(row) for row in figures)
    keys = [(line_sample(st.colour, st.dash, st.marker), s.name) for s, st in _styled(series)]
    key_markup, legend_height = legend(keys + ([SUPPRESSED_KEY] if suppressed else []))
    room = HIGHLIGHT_ROOM if highlights else 0
    plot = QuarterPlot(
        ticks=ticks,
        left=value_axis_width(ticks),
        right=WIDTH - 24,
        top=8 + legend_height + 28 + room,
        count=len(x_labels),
    )
    body = [key_markup, svg.text(16, plot.top - 12 - room, y_label, font_weight="bold")]
    body.append(plot.gridlines())
    body += _highlights(highlights, x_labels, plot)
    body += plot.quarter_axis(x_labels)
    for row, style in zip(figures, SERIES_STYLES, strict=False):
        body += _series(row, style, plot)
    full_description = description + suppression_note(suppressed, HOLLOW_ON_AXIS)
    return Chart(
        id=id,
        title=title,
        description=full_description,
        svg=svg.document(id, title, full_description, plot.height, body),
        table=_table(title, caption, x_header, x_labels, series, figures, highlights),
    )


def _check(x_labels: Sequence[str], series: Sequence[Series], highlights: dict) -> None:
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


def _styled(series: Sequence[Series]) -> list[tuple[Series, SeriesStyle]]:
    return list(zip(series, SERIES_STYLES, strict=False))


def _highlights(highlights: dict[str, str], x_labels: Sequence[str], plot: QuarterPlot):
    """A dotted vertical line at each highlighted quarter, labelled above the plot."""
    parts = []
    for label, note in highlights.items():
        x = plot.xs[list(x_labels).index(label)]
        parts.append(
            svg.line(
                x,
                plot.top - 4,
                x,
                plot.bottom,
                stroke=SECONDARY_TEXT,
                stroke_width="1.5",
                stroke_dasharray="2 3",
            )
        )
        anchor = "start" if x - plot.left < 80 else "end" if plot.right - x < 80 else "middle"
        parts.append(svg.text(x, plot.top - 10, note, text_anchor=anchor, font_size="14"))
    return parts


def _series(row: Figures, style: SeriesStyle, plot: QuarterPlot) -> list[str]:
    """One series' line and markers; a suppressed figure is a hollow marker on the axis."""
    y_of = plot.y_of
    points = [None if n is None else (x, y_of(n)) for x, (n, _) in zip(plot.xs, row, strict=True)]
    parts = joining_line(points, style.colour, "2.5", style.dash)
    for x, (number, display) in zip(plot.xs, row, strict=True):
        if number is not None:
            parts.append(marker(style.marker, x, y_of(number), style.colour))
        elif display == SUPPRESSED:
            parts.append(marker(style.marker, x, plot.bottom, style.colour, filled=False))
    return parts


def _table(title, caption, x_header, x_labels, series, figures: list[Figures], highlights):
    headers = [x_header, *(s.name for s in series)] + (["Note"] if highlights else [])
    rows = []
    for i, label in enumerate(x_labels):
        row = [label, *(figures[j][i][1] for j in range(len(series)))]
        if highlights:
            row.append(highlights.get(label, ""))
        rows.append(row)
    return Table(
        caption=caption or f"Data table: {title}",
        headers=headers,
        rows=rows,
        numeric_columns=frozenset(range(1, len(series) + 1)),
    )
