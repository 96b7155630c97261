"""Statistical process control: is a change in a quarterly series normal variation or real?

An XmR chart, as in NHS England's "Making Data Count" (MDC), for one series of quarterly figures:

- The mean of the figures, the moving ranges (the size of the change between each quarter and
  the one before it), and their mean, MR-bar. The process limits are mean ± 2.66 × MR-bar; the
  lower limit is floored at 0 for counts (`floor_at_zero`), which cannot be negative.
- A point shows special-cause variation when it is outside the limits (strictly), when it is
  part of a run of 7 or more consecutive points all above or all below the mean (a shift; a
  point exactly on the mean breaks a run), or when it is part of a trend of 7 or more
  consecutive points each strictly higher, or each strictly lower, than the one before.
  These are MDC's lengths (as in NHS-R's NHSRplotthedots); its "two of three points near a
  limit" rule is not used.
- The limits come from every point given, or from the first `baseline` points when the caller
  fixes a baseline period (MDC's advice after a known change of process).
- With fewer than `MIN_POINTS` (12) figures the limits are still drawn but no point is flagged,
  and the reading says there are too few quarters to tell. MDC recommends 15 to 20 points; we
  take 12 (three years of quarters) so that a committee gets a reading within the current
  contracts rather than after five years, and say so when there are fewer.

Suppressed figures arrive as None (or as a `Disclosed` with no value) and are left out: they
have no moving range, and they break runs and trends, since nobody may know which side of the
mean they fall. Pass the figures the viewer may see (after disclosure control), never exact
ones: a mean worked out from exact figures would let a reader subtract the shown figures from it
and recover a suppressed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from partnership.disclosure import SUPPRESSED, Disclosed

SCALING_FACTOR = 2.66
MIN_POINTS = 12
RUN_LENGTH = 7
TREND_LENGTH = 7

ABOVE = "above"
BELOW = "below"
RISING = "rising"
FALLING = "falling"

Figure = int | float | Decimal | Disclosed | None


@dataclass(frozen=True)
class XmRPoint:
    label: str
    value: float | None
    display: str
    moving_range: float | None = None
    above_upper: bool = False
    below_lower: bool = False
    run: str | None = None  # ABOVE or BELOW when part of a run of RUN_LENGTH or more
    trend: str | None = None  # RISING or FALLING when part of a trend of TREND_LENGTH or more

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def outside_limits(self) -> bool:
        return self.above_upper or self.below_lower

    @property
    def special_cause(self) -> bool:
        return self.outside_limits or self.run is not None or self.trend is not None

    @property
    def notes(self) -> list[str]:
        """Why this point is special cause, in words for the data table."""
        notes = []
        if self.suppressed:
            notes.append("Too small to show")
        if self.above_upper:
            notes.append("Above the upper limit")
        if self.below_lower:
            notes.append("Below the lower limit")
        if self.run is not None:
            notes.append(f"Part of a run of {RUN_LENGTH} or more {self.run} the mean")
        if self.trend is not None:
            notes.append(f"Part of a {self.trend} trend of {TREND_LENGTH} or more")
        return notes


@dataclass(frozen=True)
class XmRResult:
    points: list[XmRPoint]
    mean: float | None
    mean_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    min_points: int = MIN_POINTS
    baseline: int | None = None

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.points]

    @property
    def values(self) -> list[float | None]:
        return [p.value for p in self.points]

    @property
    def shown_count(self) -> int:
        return sum(not p.suppressed for p in self.points)

    @property
    def suppressed_count(self) -> int:
        return sum(p.suppressed for p in self.points)

    @property
    def calculated_from(self) -> int:
        """How many shown figures the mean and limits come from (the baseline's, if fixed)."""
        return sum(not p.suppressed for p in self.points[: self.baseline])

    @property
    def enough_points(self) -> bool:
        return self.calculated_from >= self.min_points

    @property
    def special_cause_count(self) -> int:
        return sum(p.special_cause for p in self.points)


def read_figure(value: Figure) -> tuple[float | None, str]:
    """A figure as (number or None when suppressed, the text to show for it)."""
    if isinstance(value, Disclosed):
        return (None if value.value is None else float(value.value)), value.display
    if value is None:
        return None, SUPPRESSED
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"A figure must be a number or None, not {value!r}.")
    number = float(value)
    return number, format_number(number)


def format_number(value: float, *, fixed: bool = False) -> str:
    """One decimal place (half up) with thousands separators, dropping ".0" unless `fixed`."""
    rounded = Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if not fixed and rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return f"{rounded:,}"


def _runs(values: list[float | None], mean: float) -> list[str | None]:
    """ABOVE/BELOW for each point in a run of RUN_LENGTH or more on one side of the mean."""
    sides = [_side(v, mean) for v in values]
    flags: list[str | None] = [None] * len(values)
    start = 0
    for i in range(1, len(sides) + 1):
        if i < len(sides) and sides[i] is not None and sides[i] == sides[start]:
            continue
        if sides[start] is not None and i - start >= RUN_LENGTH:
            flags[start:i] = [sides[start]] * (i - start)
        start = i
    return flags


def _side(value: float | None, mean: float) -> str | None:
    if value is None or value == mean:
        return None
    return ABOVE if value > mean else BELOW


def _trends(values: list[float | None]) -> list[str | None]:
    """RISING/FALLING for each point in a trend of TREND_LENGTH or more points."""
    flags: list[str | None] = [None] * len(values)
    for direction in (RISING, FALLING):
        start = 0
        for i in range(1, len(values) + 1):
            if i < len(values) and _step(values[i - 1], values[i]) == direction:
                continue
            if i - start >= TREND_LENGTH:
                for j in range(start, i):
                    flags[j] = flags[j] or direction
            start = i
    return flags


def _step(before: float | None, after: float | None) -> str | None:
    if before is None or after is None or before == after:
        return None
    return RISING if after > before else FALLING


def xmr(
    values: Sequence[Figure],
    labels: Sequence[str],
    *,
    floor_at_zero: bool = True,
    baseline: int | None = None,
    min_points: int = MIN_POINTS,
) -> XmRResult:
    """The XmR calculation for `values` in time order, one per label (e.g. "2024/25 Q1")."""
    if len(values) != len(labels):
        raise ValueError(f"{len(values)} figures but {len(labels)} labels: give one label each.")
    if baseline is not None and not 2 <= baseline <= len(values):
        raise ValueError(f"The baseline must be from 2 to {len(values)} points, not {baseline}.")
    converted = [read_figure(v) for v in values]
    numbers = [number for number, _ in converted]
    moving_ranges: list[float | None] = [None] + [
        None if a is None or b is None else abs(b - a) for a, b in pairwise(numbers)
    ]

    end = len(numbers) if baseline is None else baseline
    base_values = [n for n in numbers[:end] if n is not None]
    base_ranges = [r for r in moving_ranges[:end] if r is not None]
    mean = sum(base_values) / len(base_values) if base_values else None
    mean_mr = sum(base_ranges) / len(base_ranges) if base_ranges else None
    upper = lower = None
    if mean is not None and mean_mr is not None:
        upper = mean + SCALING_FACTOR * mean_mr
        lower = mean - SCALING_FACTOR * mean_mr
        if floor_at_zero:
            lower = max(lower, 0.0)

    runs: list[str | None] = [None] * len(numbers)
    trends: list[str | None] = [None] * len(numbers)
    assess = False
    if mean is not None and upper is not None and len(base_values) >= min_points:
        assess = True
        runs, trends = _runs(numbers, mean), _trends(numbers)
    points = [
        XmRPoint(
            label=str(label),
            value=number,
            display=display,
            moving_range=moving_range,
            above_upper=assess and number is not None and upper is not None and number > upper,
            below_lower=assess and number is not None and lower is not None and number < lower,
            run=run,
            trend=trend,
        )
        for label, (number, display), moving_range, run, trend in zip(
            labels, converted, moving_ranges, runs, trends, strict=True
        )
    ]
    return XmRResult(
        points=points,
        mean=mean,
        mean_moving_range=mean_mr,
        upper_limit=upper,
        lower_limit=lower,
        min_points=min_points,
        baseline=baseline,
    )


# The reading ----------------------------------------------------------------------------------


def percent_change(before: float, after: float) -> int:
    """The change from `before` to `after` as a whole percentage, half away from zero."""
    change = (Decimal(repr(after)) - Decimal(repr(before))) * 100 / Decimal(repr(before))
    return int(change.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _change_phrase(previous: XmRPoint | None, latest: XmRPoint) -> str:
    assert latest.value is not None
    if previous is None or previous.value is None:
        return f"were {latest.display} in {latest.label}"
    if latest.value == previous.value:
        return "were unchanged on the previous quarter"
    verb = "rose" if latest.value > previous.value else "fell"
    if previous.value == 0:
        return f"{verb} from 0 to {latest.display} on the previous quarter"
    percent = abs(percent_change(previous.value, latest.value))
    amount = "less than 1%" if percent == 0 else f"{percent}%"
    return f"{verb} by {amount} on the previous quarter"


def _run_length_at_end(flags: list[str | None]) -> int:
    count = 0
    for flag in reversed(flags):
        if flag != flags[-1]:
            break
        count += 1
    return count


def _trend_steps_at_end(values: list[float | None], direction: str) -> int:
    steps = 0
    for i in range(len(values) - 1, 0, -1):
        if _step(values[i - 1], values[i]) != direction:
            break
        steps += 1
    return steps


def reading(name_phrase: str, result: XmRResult) -> str:
    """One plain-English sentence on the latest point against the one before and the limits.

    `name_phrase` is the plural subject, capitalised, e.g. "Referrals from Northvale".
    """
    points = result.points
    if not points:
        return f"{name_phrase}: there are no quarters to show."
    latest = points[-1]
    left_out = ""
    if result.suppressed_count:
        quarters = "quarter" if result.suppressed_count == 1 else "quarters"
        was = "was" if result.suppressed_count == 1 else "were"
        left_out = (
            f"; {result.suppressed_count} {quarters} too small to show {was} left out of the "
            "calculation"
        )
    if latest.value is None:
        return (
            f"{name_phrase}: the latest quarter, {latest.label}, is too small to show, so it "
            f"cannot be compared{left_out}."
        )
    previous = points[-2] if len(points) > 1 else None
    change = _change_phrase(previous, latest)
    if not result.enough_points:
        return (
            f"{name_phrase} {change}; there are too few quarters to tell normal variation from "
            f"real change ({result.calculated_from} quarters; at least {result.min_points} are "
            "needed)"
            f"{left_out}."
        )
    assert result.upper_limit is not None and result.lower_limit is not None
    assert result.mean is not None
    if latest.above_upper or latest.below_lower:
        side, limit = (
            ("above the upper", result.upper_limit)
            if latest.above_upper
            else ("below the lower", result.lower_limit)
        )
        moved = 0.0 if previous is None or previous.value is None else latest.value - previous.value
        against = (latest.above_upper and moved < 0) or (latest.below_lower and moved > 0)
        beyond = " but remain beyond" if against else ", beyond"
        return (
            f"{name_phrase} {change}{beyond} normal variation ({side} limit of "
            f"{format_number(limit)}){left_out}."
        )
    if latest.run is not None:
        length = _run_length_at_end([p.run for p in points])
        return (
            f"{name_phrase} have been {latest.run} the average of {format_number(result.mean)} "
            f"for {length} quarters in a row, a shift beyond normal variation{left_out}."
        )
    if latest.trend is not None:
        for direction in (RISING, FALLING):
            steps = _trend_steps_at_end(result.values, direction)
            if steps >= TREND_LENGTH - 1:
                verb = "risen" if direction == RISING else "fallen"
                return (
                    f"{name_phrase} have {verb} in each of the last {steps} quarters, a trend "
                    f"beyond normal variation{left_out}."
                )
    return f"{name_phrase} {change}, within normal variation{left_out}."
