"""The XmR (statistical process control) chart: the figures over time, their mean, the process
limits (dashed) and the special-cause points (purple diamonds), with the reading that
`spc.reading` writes for them.
"""

from __future__ import annotations

from partnership.disclosure import NOT_APPLICABLE

from .. import spc
from ..spc import format_number
from . import svg
from .axes import QuarterPlot, value_axis_width
from .legend import SUPPRESSED_KEY, Key, legend, line_sample
from .markers import joining_line, marker
from .model import Chart, Table
from .notes import HOLLOW_ON_AXIS, suppression_note
from .scale import nice_scale
from .style import COMMON_CAUSE, SECONDARY_TEXT, SPECIAL_CAUSE, TEXT, WIDTH


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
    svg.check_id(id)
    if not result.points:
        raise ValueError("An XmR chart needs at least one quarter.")
    limits = _limit_lines(result)
    ticks = _ticks(result, limits)
    limit_labels = [svg.text_width(f"{name} {format_number(v)}") for name, v in limits.items()]
    key_markup, legend_height = legend(_keys(result, value_label))
    plot = QuarterPlot(
        ticks=ticks,
        left=value_axis_width(ticks),
        right=WIDTH - 24 - max(limit_labels, default=0),
        top=8 + legend_height + 28,
        count=len(result.points),
    )
    body = [key_markup, svg.text(16, plot.top - 12, value_label, font_weight="bold")]
    body.append(plot.gridlines())
    body += plot.quarter_axis(result.labels)
    body += _limits(limits, plot)
    body += _points(result, plot)
    reading = spc.reading(name_phrase, result)
    description = _description(reading, result)
    return Chart(
        id=id,
        title=title,
        description=description,
        svg=svg.document(id, title, description, plot.height, body),
        table=_table(result, caption or f"Data table: {title}", x_header, value_label),
        reading=reading,
    )


def _limit_lines(result: spc.XmRResult) -> dict[str, float]:
    """The horizontal lines drawn, top to bottom, with their names as labelled."""
    return {
        name: value
        for name, value in (
            ("Upper limit", result.upper_limit),
            ("Mean", result.mean),
            ("Lower limit", result.lower_limit),
        )
        if value is not None
    }


def _ticks(result: spc.XmRResult, limits: dict[str, float]) -> list[float]:
    """Counts start at 0 unless that squashes the variation into a thin band at the top; a
    margin keeps the limit lines off the axis and the frame."""
    numbers = [p.value for p in result.points if p.value is not None]
    low = min([*numbers, *limits.values()], default=0)
    high = max([*numbers, *limits.values()], default=1)
    margin = (high - low) * 0.05
    return nice_scale(0 if low <= high / 2 else low - margin, high + margin)


def _keys(result: spc.XmRResult, value_label: str) -> list[Key]:
    keys = [
        (line_sample(COMMON_CAUSE, None, "circle"), value_label),
        (marker("diamond", 18, 8, SPECIAL_CAUSE, size=6), "Special cause"),
        (svg.line(0, 8, 36, 8, stroke=TEXT, stroke_width="1.5"), "Mean"),
        (
            svg.line(0, 8, 36, 8, stroke=TEXT, stroke_width="1.5", stroke_dasharray="6 4"),
            "Process limits",
        ),
    ]
    return keys + ([SUPPRESSED_KEY] if result.suppressed_count else [])


def _limits(limits: dict[str, float], plot: QuarterPlot) -> list[str]:
    """The mean (solid) and the process limits (dashed), labelled right of the plot."""
    parts = []
    label_ys = _spread([plot.y_of(v) for v in limits.values()], 16)
    for (name, value), label_y in zip(limits.items(), label_ys, strict=True):
        y = plot.y_of(value)
        dash = None if name == "Mean" else "6 4"
        parts.append(
            svg.line(
                plot.left, y, plot.right, y, stroke=TEXT, stroke_width="1.5", stroke_dasharray=dash
            )
        )
        parts.append(svg.text(plot.right + 6, label_y + 5, f"{name} {format_number(value)}"))
    return parts


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label positions near `ys` (top to bottom) moved apart so that none overlap."""
    placed: list[float] = []
    for y in ys:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    return placed


def _points(result: spc.XmRResult, plot: QuarterPlot) -> list[str]:
    """The line through the figures; special causes as diamonds, suppressed ones hollow on the
    axis."""
    xs, y_of = plot.xs, plot.y_of
    points = result.points
    line = [
        None if p.value is None else (x, y_of(p.value)) for x, p in zip(xs, points, strict=True)
    ]
    parts = joining_line(line, COMMON_CAUSE, "2")
    for x, point in zip(xs, points, strict=True):
        if point.value is None:
            parts.append(marker("circle", x, plot.bottom, SECONDARY_TEXT, filled=False))
        elif point.special_cause:
            parts.append(marker("diamond", x, y_of(point.value), SPECIAL_CAUSE, size=6))
        else:
            parts.append(marker("circle", x, y_of(point.value), COMMON_CAUSE, size=4.5))
    return parts


def _description(reading: str, result: spc.XmRResult) -> str:
    points = result.points
    limits = ""
    if result.mean is not None and result.upper_limit is not None:
        assert result.lower_limit is not None
        limits = (
            f" The mean of {format_number(result.mean)} is a solid line and the process limits of "
            f"{format_number(result.lower_limit)} and {format_number(result.upper_limit)} are "
            "dashed lines."
        )
    description = (
        f"{reading} Statistical process control (XmR) chart of {len(points)} quarters, "
        f"{points[0].label} to {points[-1].label}.{limits} {_special_causes(result)} Special "
        "cause is purple, not the orange or blue of NHS 'Making Data Count', because more or "
        "fewer referrals is neither good nor bad in itself."
    )
    return description + suppression_note(result.suppressed_count, HOLLOW_ON_AXIS)


def _special_causes(result: spc.XmRResult) -> str:
    special = result.special_cause_count
    if special == 0:
        return "No point shows special-cause variation; all are grey circles."
    if special == 1:
        return (
            "1 point shows special-cause variation, drawn as a purple diamond; the others are "
            "grey circles."
        )
    return (
        f"{special} points show special-cause variation, drawn as purple diamonds; the "
        "others are grey circles."
    )


def _table(result: spc.XmRResult, caption: str, x_header: str, value_label: str) -> Table:
    if result.mean is not None and result.upper_limit is not None:
        caption += (
            f" (mean {format_number(result.mean)}; process limits "
            f"{format_number(result.lower_limit or 0)} to {format_number(result.upper_limit)})"
        )
    return Table(
        caption=caption,
        headers=[x_header, value_label, "Moving range", "Special cause"],
        rows=[
            [
                p.label,
                p.display,
                format_number(p.moving_range) if p.moving_range is not None else NOT_APPLICABLE,
                "; ".join(p.notes),
            ]
            for p in result.points
        ],
        numeric_columns=frozenset({1, 2}),
    )
