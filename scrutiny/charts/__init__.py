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

One module per part; the charts are built from the shared parts:

- `bar`, `line`, `xmr`: the three charts (`bar_chart`, `line_chart`, `xmr_chart`).
- `scale`: round tick values and their labels, and figures read as numbers.
- `axes`: the plot area over quarters with its value gridlines and quarter labels, and the bar
  chart's value axis along the bottom.
- `legend`: keys flowed into rows, and their samples.
- `markers`: marker shapes, and the line joining figures over time.
- `notes`: what a description says about figures too small to show.
- `svg`: elements, escaping, the outer `<svg>`, measuring and wrapping text.
- `style`: size, font, palette and the series' styles. `model`: `Chart`, `Table`, `Series`.

Golden files (tests/scrutiny/test_charts_golden.py) hold the SVG of each chart for fixed
figures, so any change to the drawing shows as a diff.
"""

from .bar import bar_chart
from .line import line_chart
from .model import Cell, Chart, Series, Table
from .scale import nice_scale
from .style import (
    BAND,
    BAR,
    COMMON_CAUSE,
    GRID,
    SECONDARY_TEXT,
    SERIES_STYLES,
    SPECIAL_CAUSE,
    TEXT,
    WHITE,
    WIDTH,
    SeriesStyle,
)
from .xmr import xmr_chart

__all__ = [
    "BAND",
    "BAR",
    "COMMON_CAUSE",
    "GRID",
    "SECONDARY_TEXT",
    "SERIES_STYLES",
    "SPECIAL_CAUSE",
    "TEXT",
    "WHITE",
    "WIDTH",
    "Cell",
    "Chart",
    "Series",
    "SeriesStyle",
    "Table",
    "bar_chart",
    "line_chart",
    "nice_scale",
    "xmr_chart",
]
