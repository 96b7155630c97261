"""What marks a figure on a chart: a marker shape, and the line that joins figures over time."""

from __future__ import annotations

from collections.abc import Sequence

from . import svg
from .style import WHITE


def marker(
    shape: str, x: float, y: float, colour: str, *, filled: bool = True, size: float = 5.0
) -> str:
    """A circle, square, triangle, triangle-down or diamond centred on (x, y); hollow (white
    inside) when not `filled`, as for a figure too small to show."""
    fill = colour if filled else WHITE
    common = {"fill": fill, "stroke": colour, "stroke_width": "2"}
    if shape == "circle":
        return svg.el("circle", cx=float(x), cy=float(y), r=float(size), **common)
    if shape == "square":
        s = size * 0.9
        return svg.el("rect", x=x - s, y=y - s, width=2 * s, height=2 * s, **common)
    points = {
        "triangle": [(0, -1.2), (1.1, 0.8), (-1.1, 0.8)],
        "triangle-down": [(0, 1.2), (1.1, -0.8), (-1.1, -0.8)],
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
    }[shape]
    path = " ".join(f"{svg.num(x + dx * size)},{svg.num(y + dy * size)}" for dx, dy in points)
    return svg.el("polygon", points=path, **common)


def joining_line(
    points: Sequence[tuple[float, float] | None], colour: str, width: str, dash: str | None = None
) -> list[str]:
    """The line through the points in order, broken where a point is None (no figure)."""
    path = svg.path_data(points)
    if not path:
        return []
    return [
        svg.el(
            "path",
            d=path,
            fill="none",
            stroke=colour,
            stroke_width=width,
            stroke_dasharray=dash,
            stroke_linejoin="round",
        )
    ]
