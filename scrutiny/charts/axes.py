"""Axes: the plot area of a chart over quarters (a value scale up the left, quarters along the
bottom, as the line and XmR charts have) and a value scale along the bottom (the bar chart's)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from . import svg
from .scale import tick_label
from .style import FONT_SIZE, GRID, SECONDARY_TEXT, TEXT, WIDTH

PLOT_HEIGHT = 260


def value_axis_width(ticks: list[float]) -> float:
    """Where the plot starts, right of the widest tick label."""
    return 24 + max(svg.text_width(tick_label(t)) for t in ticks)


@dataclass(frozen=True)
class QuarterPlot:
    """The plot area of a chart over `count` quarters, from `top` down PLOT_HEIGHT, with one
    column per quarter between `left` and `right`; 48 below it for the quarter labels."""

    ticks: list[float]
    left: float
    right: float
    top: float
    count: int

    @property
    def bottom(self) -> float:
        return self.top + PLOT_HEIGHT

    @property
    def height(self) -> float:
        return self.bottom + 48

    def y_of(self, value: float) -> float:
        ticks = self.ticks
        return self.bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * PLOT_HEIGHT

    @cached_property
    def xs(self) -> list[float]:
        """The centre of each quarter's column."""
        n, left, right = self.count, self.left, self.right
        return [left + (right - left) * (i + 0.5) / n for i in range(n)]

    def gridlines(self) -> str:
        return y_axis(self.ticks, self.y_of, self.left, self.right)

    def quarter_axis(self, labels: Sequence[str]) -> list[str]:
        """The axis line along the bottom and the quarter labels under it."""
        return [
            svg.line(
                self.left, self.bottom, self.right, self.bottom, stroke=TEXT, stroke_width="1"
            ),
            x_labels(labels, self.xs, self.bottom),
        ]


def y_axis(ticks: list[float], y_of: Callable[[float], float], left: float, right: float) -> str:
    """A gridline across the plot for each tick, labelled on the left."""
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(svg.line(left, y, right, y, stroke=GRID, stroke_width="1"))
        parts.append(svg.text(left - 8, y + 5, tick_label(tick), text_anchor="end"))
    return "".join(parts)


def _year_runs(groups: list[str]) -> list[tuple[int, int]]:
    """(first, last) index of each run of quarters in the same year."""
    runs: list[tuple[int, int]] = []
    for i, group in enumerate(groups):
        if runs and groups[runs[-1][0]] == group:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _year_labels(groups: list[str], runs: list[tuple[int, int]], xs, axis_y: float) -> list[str]:
    """Each year once, centred below its quarters; the latest year keeps its label if two
    would overlap."""
    parts = []
    drawn_from = math.inf
    for first, last in reversed(runs):
        centre = (xs[first] + xs[last]) / 2
        half = svg.text_width(groups[first]) * 14 / FONT_SIZE / 2
        if groups[first] and centre + half < drawn_from - 8:
            parts.append(
                svg.text(
                    centre,
                    axis_y + 38,
                    groups[first],
                    text_anchor="middle",
                    fill=SECONDARY_TEXT,
                    font_size="14",
                )
            )
            drawn_from = centre - half
    return parts


def x_labels(labels: Sequence[str], xs: list[float], axis_y: float) -> str:
    """Labels under the x axis. "2024/25 Q1" is written "Q1", with "2024/25" once below the
    quarters of that year and a short tick between years, so twelve or more quarters fit."""
    split = [label.rpartition(" ") for label in labels]
    tops = [top or group for group, _, top in split]
    groups = [group if top else "" for group, _, top in split]
    slot = xs[1] - xs[0] if len(xs) > 1 else float(WIDTH)
    every = max(1, math.ceil((max(svg.text_width(t) for t in tops) + 6) / slot))
    parts = []
    for i, (top, x) in enumerate(zip(tops, xs, strict=True)):
        if (len(tops) - 1 - i) % every == 0:  # the latest quarter always has its label
            parts.append(svg.text(x, axis_y + 20, top, text_anchor="middle"))
    runs = _year_runs(groups)
    for (_, last), (first, _) in pairwise(runs):
        tick_x = (xs[last] + xs[first]) / 2
        parts.append(svg.line(tick_x, axis_y, tick_x, axis_y + 40, stroke=GRID, stroke_width="1"))
    parts.extend(_year_labels(groups, runs, xs, axis_y))
    return "".join(parts)


def value_axis_along_bottom(
    ticks: list[float],
    x_of: Callable[[float], float],
    *,
    top: float,
    bottom: float,
    unit: str,
    label: str,
    centre: float,
) -> list[str]:
    """A gridline down the plot for each tick, labelled below it, and the axis's name."""
    parts = []
    for tick in ticks:
        x = x_of(tick)
        parts.append(svg.line(x, top, x, bottom, stroke=GRID, stroke_width="1"))
        parts.append(svg.text(x, bottom + 20, tick_label(tick, unit), text_anchor="middle"))
    parts.append(svg.text(centre, bottom + 44, label, text_anchor="middle", font_weight="bold"))
    return parts
