"""Value scales: round tick values, their labels, and the charts' figures read as numbers.

Suppressed figures (None, or a `Disclosed` with no value) are read as no number at all, so they
are never placed on a scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from partnership.disclosure import Disclosed

from ..spc import Figure, format_number, read_figure

# Each figure read as (number, display): (None, "*") for one too small to show.
Figures = list[tuple[float | None, str]]


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


def tick_label(value: float, unit: str = "") -> str:
    return format_number(value) + unit


def read_all(values: Sequence[Figure], unit: str = "") -> Figures:
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


def refuse_negative(numbers: Sequence[float], kind: str) -> None:
    if any(n < 0 for n in numbers):
        raise ValueError(f"{kind} cannot show negative figures.")
