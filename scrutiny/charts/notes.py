"""What a chart's description says about figures too small to show, which are never drawn at a
height or length."""

from __future__ import annotations

from partnership.disclosure import SUPPRESSED

HOLLOW_ON_AXIS = "drawn as a gap with a hollow marker on the axis, not at any height"
WITHOUT_A_BAR = "drawn without a bar"


def count_suppressed(figures: list[tuple[float | None, str]]) -> int:
    """How many of the figures (as `scale.read_all` reads them) are too small to show."""
    return sum(display == SUPPRESSED for _, display in figures)


def suppression_note(count: int, drawn_as: str) -> str:
    if not count:
        return ""
    figures = "figure is" if count == 1 else "figures are"
    return f" {count} {figures} too small to show (*) and {drawn_as}."
