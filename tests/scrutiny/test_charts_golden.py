"""Golden files for the charts: the SVG drawn for fixed figures is the committed file, byte for
byte, and so are the description and data table that go with it.

A change to a chart's drawing shows as a diff of tests/scrutiny/golden/charts/*.svg (one
element a line), which a reviewer can also open in a browser. After a change that is meant,
write the files again and look at them before committing (tests/golden.py):

    UPDATE_GOLDEN=1 uv run pytest tests/scrutiny/test_charts_golden.py
    git diff tests/scrutiny/golden/charts/

The figures are written out here, `Disclosed` ones included, so that the files change only when
the drawing does (not when a disclosure rule does). Between them the charts take every path of
the drawing code: gaps and suppressed figures, highlights at either end and in the middle,
legends that wrap, quarter labels thinned out, wrapped category names, bands and targets, and
XmR charts with and without limits and with a scale that does not start at zero.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from partnership.disclosure import Disclosed
from scrutiny import spc
from scrutiny.charts import Series, bar_chart, line_chart, xmr_chart
from tests.golden import assert_matches_golden

GOLDEN = Path(__file__).parent / "golden" / "charts"
STAR = Disclosed(None, "*", suppressed=True)
DASH = Disclosed(None, "–")


def shown(value, display=None) -> Disclosed:
    return Disclosed(value, display or f"{value:,}")


def quarters(first_year: int, count: int) -> list[str]:
    labels = []
    for i in range(count):
        year = first_year + i // 4
        labels.append(f"{year}/{(year + 1) % 100:02d} Q{i % 4 + 1}")
    return labels


def line_two_series():
    return line_chart(
        id="line-two-series",
        title="Referrals by quarter",
        description="Referrals rose in 2024/25 Q2.",
        x_labels=["2023/24 Q3", "2023/24 Q4", "2024/25 Q1", "2024/25 Q2"],
        series=[
            Series("Northvale", [310, 295, 330, 430]),
            Series("Southmoor", [120, None, 128, 140]),
        ],
        y_label="Referrals",
    )


def line_suppressed_with_highlights():
    labels = quarters(2022, 8)
    return line_chart(
        id="line-suppressed",
        title="Referrals from each source",
        description="Police referrals were steady.",
        x_labels=labels,
        series=[
            Series("Police", [shown(n) for n in (1200, 1185, 1230, 1310, 1290, 1275, 1350, 1405)]),
            Series("Health", [STAR, shown(15), shown(20), STAR, shown(25), shown(30), STAR, DASH]),
        ],
        y_label="Referrals",
        highlights={labels[0]: "First quarter", labels[3]: "Last year", labels[-1]: "This quarter"},
        x_header="Quarter",
        caption="Referrals from each source, by quarter",
    )


def line_six_series():
    labels = quarters(2021, 13)
    names = [
        "Independent domestic violence advisers",
        "Refuge",
        "Outreach and floating support",
        "Perpetrator programme",
        "Children and young people's service",
        "Helpline",
    ]
    series = [
        Series(name, [round(40 + 3.7 * s + 2.5 * ((q * (s + 2)) % 7), 1) for q in range(13)])
        for s, name in enumerate(names)
    ]
    return line_chart(
        id="line-six-series",
        title="Percentage contacted within one working day, by service",
        description="Every service is above 40%.",
        x_labels=labels,
        series=series,
        y_label="Percentage",
        highlights={labels[6]: "Same quarter last year"},
    )


def bar_plain():
    return bar_chart(
        id="bar-plain",
        title="Caseload per full-time worker",
        description="One service has no figure.",
        categories=[
            "Outreach",
            "Refuge",
            "Independent domestic violence advisers and the high-risk team",
            "Perpetrator programme",
        ],
        values=[38.4, 29, 12.25, None],
        value_label="Cases per worker",
        category_label="Service",
    )


def bar_target_percent():
    return bar_chart(
        id="bar-target",
        title="Contacted within one working day",
        description="Two services met the target.",
        categories=["Northvale", "Southmoor", "Westbrook", "Eastfield"],
        values=[
            Disclosed(Decimal("93.9"), "93.9%"),
            Disclosed(Decimal("88"), "88%"),
            STAR,
            Disclosed(Decimal("100"), "100%"),
        ],
        value_label="Percentage contacted",
        category_label="District",
        unit="%",
        target=90,
        target_label="SLA target",
        max_value=100,
    )


def bar_band():
    return bar_chart(
        id="bar-band",
        title="Caseload against the benchmark",
        description="One service is above the benchmark range.",
        categories=["Outreach", "Refuge", "Helpline", "Recovery"],
        values=[18, 30, 44.5, 0],
        value_label="Cases per worker",
        category_label="Service",
        band=(24, 36),
        band_label="Benchmark range",
        caption="Caseload per worker against the benchmark of 30 ± 20%",
    )


def bar_target_plain():
    return bar_chart(
        id="bar-target-plain",
        title="Referrals per 1,000 households",
        description="A minimum of 5.",
        categories=["Northvale", "Southmoor"],
        values=[shown(12), shown(3)],
        value_label="Rate",
        target=5,
    )


def xmr_special_cause():
    values = [96, 104] * 6 + [140]
    result = spc.xmr(values, quarters(2021, len(values)))
    return xmr_chart(
        result, id="xmr-special", title="Referrals from Northvale", name_phrase="Referrals"
    )


def xmr_suppressed():
    values = [shown(n) for n in (40, 44, 38, 41)] + [STAR] + [shown(n) for n in (45, 20, 39, 43)]
    result = spc.xmr(values, quarters(2022, len(values)))
    return xmr_chart(
        result,
        id="xmr-suppressed",
        title="Referrals from Southmoor",
        name_phrase="Referrals from Southmoor",
        value_label="Referrals",
        caption="Referrals from Southmoor by quarter",
    )


def xmr_without_limits():
    result = spc.xmr([12], ["2024/25 Q1"])
    return xmr_chart(result, id="xmr-one", title="Referrals", name_phrase="Referrals")


def xmr_high_baseline():
    values = [1002, 1010, 995, 1004, 1008, 998, 1001, 1030, 1003, 999]
    result = spc.xmr(values, quarters(2022, len(values)), baseline=6)
    return xmr_chart(
        result,
        id="xmr-high",
        title="Referrals across the county",
        name_phrase="Referrals across the county",
        value_label="Referrals",
    )


CHARTS = {
    "line-two-series": line_two_series,
    "line-suppressed": line_suppressed_with_highlights,
    "line-six-series": line_six_series,
    "bar-plain": bar_plain,
    "bar-target": bar_target_percent,
    "bar-band": bar_band,
    "bar-target-plain": bar_target_plain,
    "xmr-special": xmr_special_cause,
    "xmr-suppressed": xmr_suppressed,
    "xmr-one": xmr_without_limits,
    "xmr-high": xmr_high_baseline,
}


def words(chart) -> str:
    """What goes with the SVG: the title, description, reading and the data table."""
    table = chart.table
    lines = [
        f"title: {chart.title}",
        f"description: {chart.description}",
        f"reading: {chart.reading}",
        f"caption: {table.caption}",
        f"numeric columns: {sorted(table.numeric_columns)}",
        " | ".join(table.headers),
        *(" | ".join(row) for row in table.rows),
    ]
    return "\n".join(lines) + "\n"


def one_element_a_line(svg: str) -> str:
    """The SVG with a line break between elements, so that a diff shows which one changed.

    The charts write no line breaks and escape every "<" and ">" in text, so this is the SVG
    itself, byte for byte, once the breaks are taken out again; a browser draws it the same.
    """
    assert "\n" not in svg
    return svg.replace("><", ">\n<") + "\n"


@pytest.mark.parametrize("name", CHARTS)
def test_the_chart_is_drawn_as_the_committed_svg(name):
    chart = CHARTS[name]()

    assert chart.id == name
    assert_matches_golden(GOLDEN / f"{name}.svg", one_element_a_line(str(chart.svg)))


@pytest.mark.parametrize("name", CHARTS)
def test_the_chart_s_words_and_table_are_the_committed_ones(name):
    assert_matches_golden(GOLDEN / f"{name}.txt", words(CHARTS[name]()))
