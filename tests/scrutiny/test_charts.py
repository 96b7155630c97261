"""Server-side SVG charts: well-formed, accessible, CSP-safe, print-safe and never disclosive."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.test.html import parse_html

from partnership.disclosure import disclose_count, disclose_share
from scrutiny import charts, spc

SVG = "{http://www.w3.org/2000/svg}"
NAME = "Referrals from Northvale"
QUARTERS = ["2023/24 Q3", "2023/24 Q4", "2024/25 Q1", "2024/25 Q2"]


def parse(chart):
    return ET.fromstring(str(chart.svg))


def texts(root):
    return [el.text for el in root.iter(f"{SVG}text")]


def plotted(root, tag):
    """Elements of one kind drawn on the chart itself, leaving out the legend's keys."""
    legend = {el for g in root.iter(f"{SVG}g") if g.get("class") == "legend" for el in g.iter()}
    return [el for el in root.iter(f"{SVG}{tag}") if el not in legend]


def line(**overrides):
    arguments = {
        "id": "referrals-by-quarter",
        "title": "Referrals by quarter",
        "description": "Referrals rose in 2024/25 Q2.",
        "x_labels": QUARTERS,
        "series": [
            charts.Series("Northvale", [310, 295, 330, 430]),
            charts.Series("Southmoor", [120, None, 128, 140]),
        ],
        "y_label": "Referrals",
    }
    return charts.line_chart(**(arguments | overrides))


def bar(**overrides):
    arguments = {
        "id": "caseload",
        "title": "Caseload per full-time worker",
        "description": "One service is above the benchmark range.",
        "categories": ["Outreach", "Refuge", "Perpetrator programme"],
        "values": [38.4, 29, None],
        "value_label": "Cases per worker",
        "category_label": "Service",
    }
    return charts.bar_chart(**(arguments | overrides))


def xmr_chart(values=None):
    values = values or [96, 104] * 6 + [140]
    result = spc.xmr(values, [f"Q{i}" for i in range(1, len(values) + 1)])
    return charts.xmr_chart(
        result, id="xmr-northvale", title="Referrals from Northvale", name_phrase=NAME
    )


ALL_CHARTS = [line, bar, xmr_chart]


# Accessible, well-formed, CSP-safe ------------------------------------------------------------


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_chart_is_well_formed_svg_named_by_its_title_and_description(make):
    chart = make()
    root = parse(chart)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id")) == (f"{SVG}title", f"{chart.id}-title")
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", f"{chart.id}-desc")
    assert (title.text, desc.text) == (chart.title, chart.description)
    assert root.get("viewBox").startswith(f"0 0 {charts.WIDTH} ")
    assert "Arial" in root.get("font-family")


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_chart_has_no_inline_styles_scripts_or_tooltips(make):
    root = parse(make())

    elements = list(root.iter())
    assert not [el for el in elements if "style" in el.attrib]
    assert not [el for el in elements if el.tag in (f"{SVG}style", f"{SVG}script")]
    assert not [el for el in elements if any(name.startswith("on") for name in el.attrib)]
    # The one <title> names the chart; any other would be a tooltip that could show a figure.
    assert len(list(root.iter(f"{SVG}title"))) == 1


def test_labels_with_markup_are_escaped_as_text():
    hostile = '<script>alert("x")</script> & Dale'
    chart = line(
        title=hostile,
        description=hostile,
        series=[charts.Series(hostile, [1, 2, 3, 4])],
        highlights={"2024/25 Q2": hostile},
    )
    root = parse(chart)

    assert not list(root.iter(f"{SVG}script"))
    assert "<script>" not in str(chart.svg)
    assert hostile in texts(root)
    assert root[0].text == hostile
    html = render_to_string("scrutiny/includes/chart.html", {"chart": chart})
    assert "<script>" not in html.replace(str(chart.svg), "")
    assert "&lt;script&gt;" in html


def test_an_unusable_chart_id_is_refused():
    with pytest.raises(ValueError, match="not a usable chart id"):
        line(id='x" onload="alert(1)')


# Suppressed figures ---------------------------------------------------------------------------


def test_a_suppressed_figure_leaves_a_gap_with_a_hollow_marker_on_the_axis():
    chart = line(series=[charts.Series("Southmoor", [120, None, 128, 140])])
    root = parse(chart)

    path = next(el for el in root.iter(f"{SVG}path"))
    assert path.get("d").count("M") == 2  # the line breaks at the gap
    markers = [el for el in plotted(root, "circle") if el.get("stroke") == "#1d70b8"]
    hollow = [m for m in markers if m.get("fill") == charts.WHITE]
    assert len(markers) == 4
    assert len(hollow) == 1
    axis_y = max(float(m.get("cy")) for m in markers)
    assert float(hollow[0].get("cy")) == axis_y
    assert "1 figure is too small to show (*)" in chart.description


def test_a_suppressed_figure_draws_the_same_chart_whatever_its_true_value():
    def chart_for(true_count):
        counts = [disclose_count(n) for n in (120, true_count, 130, 140)]
        return line(series=[charts.Series("Eastbrook", counts)])

    assert chart_for(1).svg == chart_for(6).svg
    assert chart_for(6).table.rows[1] == ["2023/24 Q4", "*"]


def test_a_suppressed_bar_has_no_bar_and_no_comparison_with_the_band():
    chart = bar(band=(24, 36))
    root = parse(chart)

    bars = [el for el in plotted(root, "rect") if el.get("fill") == charts.BAR]
    assert len(bars) == 2
    assert "* (too small to show)" in texts(root)
    assert chart.table.rows[2] == ["Perpetrator programme", "*", "*"]
    assert "drawn without a bar" in chart.description


def test_a_suppressed_quarter_in_an_xmr_chart_is_a_gap_and_is_noted_in_the_table():
    chart = xmr_chart([96, 104] * 6 + [None, 103])
    root = parse(chart)

    hollow = [el for el in plotted(root, "circle") if el.get("fill") == charts.WHITE]
    assert len(hollow) == 1
    assert chart.table.rows[12] == ["Q13", "*", "–", "Too small to show"]
    assert "1 quarter too small to show was left out" in chart.reading


# Tables ---------------------------------------------------------------------------------------


def test_line_chart_table_has_a_row_per_quarter_and_a_column_per_series():
    chart = line(highlights={"2023/24 Q3": "Same quarter last year", "2024/25 Q2": "This quarter"})

    assert chart.table.headers == ["Quarter", "Northvale", "Southmoor", "Note"]
    assert chart.table.rows == [
        ["2023/24 Q3", "310", "120", "Same quarter last year"],
        ["2023/24 Q4", "295", "*", ""],
        ["2024/25 Q1", "330", "128", ""],
        ["2024/25 Q2", "430", "140", "This quarter"],
    ]
    assert chart.table.numeric_columns == {1, 2}
    assert chart.table.caption == "Data table: Referrals by quarter"


def test_line_chart_marks_highlighted_quarters_on_the_chart():
    root = parse(line(highlights={"2023/24 Q3": "Same quarter last year"}))

    assert "Same quarter last year" in texts(root)


def test_plain_numbers_share_one_format_and_disclosed_ones_keep_theirs():
    chart = bar(
        values=[38.4, 29, disclose_share(disclose_count(19), disclose_count(20))],
        unit="%",
    )

    assert [row[1] for row in chart.table.rows] == ["38.4%", "29.0%", "100%"]


def test_bar_chart_table_compares_each_figure_with_the_band():
    chart = bar(values=[38.4, 29, 20], band=(24, 36))

    assert chart.table.headers[2] == "Compared with the benchmark range"
    assert [row[2] for row in chart.table.rows] == [
        "Above the range",
        "Within the range",
        "Below the range",
    ]


def test_bar_chart_table_compares_each_figure_with_a_target():
    chart = bar(values=[95, 90, 80], target=90, unit="%", max_value=100)

    assert chart.table.headers[2] == "Compared with the target"
    assert [row[2] for row in chart.table.rows] == [
        "At or above target",
        "At or above target",
        "Below target",
    ]
    assert "Target: 90%" in texts(parse(chart))


def test_xmr_chart_table_gives_the_moving_ranges_and_why_a_point_is_special():
    chart = xmr_chart()

    assert chart.table.headers == ["Quarter", "Referrals", "Moving range", "Special cause"]
    assert chart.table.rows[0] == ["Q1", "96", "–", ""]
    assert chart.table.rows[1] == ["Q2", "104", "8", ""]
    assert chart.table.rows[-1] == ["Q13", "140", "36", "Above the upper limit"]
    assert "mean 103.1; process limits 75.6 to 130.6" in chart.table.caption


# XmR chart ------------------------------------------------------------------------------------


def test_xmr_chart_draws_special_cause_points_as_purple_diamonds_and_limits_dashed():
    chart = xmr_chart()
    root = parse(chart)

    diamonds = [el for el in plotted(root, "polygon") if el.get("fill") == charts.SPECIAL_CAUSE]
    assert len(diamonds) == 1
    grey = [el for el in plotted(root, "circle") if el.get("fill") == charts.COMMON_CAUSE]
    assert len(grey) == 12
    labels = texts(root)
    assert {"Upper limit 130.6", "Mean 103.1", "Lower limit 75.6"} <= set(labels)
    dashed = [el for el in plotted(root, "line") if el.get("stroke-dasharray") == "6 4"]
    assert len(dashed) == 2


def test_xmr_chart_carries_the_reading_and_explains_its_colours():
    chart = xmr_chart()

    assert chart.reading.startswith("Referrals from Northvale rose by 35%")
    assert chart.description.startswith(chart.reading)
    assert "1 point shows special-cause variation, drawn as a purple diamond" in chart.description
    assert "neither good nor bad" in chart.description


# Print-safe colours ---------------------------------------------------------------------------


def contrast(colour, background="#ffffff"):
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_colours_meet_wcag_aa_contrast_on_white():
    assert contrast(charts.TEXT) >= 4.5
    assert contrast(charts.SECONDARY_TEXT) >= 4.5


def test_lines_bars_and_markers_meet_the_three_to_one_contrast_for_graphics():
    colours = [s.colour for s in charts.SERIES_STYLES]
    colours += [charts.BAR, charts.COMMON_CAUSE, charts.SPECIAL_CAUSE]
    assert all(contrast(colour) >= 3 for colour in colours)


def test_series_differ_by_line_pattern_or_marker_as_well_as_colour():
    styles = charts.SERIES_STYLES

    assert len({s.colour for s in styles}) == len(styles)
    assert len({(s.dash, s.marker) for s in styles}) == len(styles)
    assert len({s.dash for s in styles}) == len(styles)


# Bad input ------------------------------------------------------------------------------------


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="'Northvale' has 2 figures for 4 quarters"):
        line(series=[charts.Series("Northvale", [1, 2])])


def test_a_highlight_not_on_the_chart_is_refused():
    with pytest.raises(ValueError, match="not on the chart"):
        line(highlights={"2019/20 Q1": "Long ago"})


def test_more_series_than_there_are_styles_is_refused():
    many = [charts.Series(f"Area {i}", [1, 2, 3, 4]) for i in range(7)]

    with pytest.raises(ValueError, match="at most 6 series"):
        line(series=many)


def test_a_bar_chart_with_both_a_band_and_a_target_is_refused():
    with pytest.raises(ValueError, match="a band or a target, not both"):
        bar(band=(24, 36), target=30)


def test_negative_figures_are_refused():
    with pytest.raises(ValueError, match="negative"):
        bar(values=[-1, 2, 3])


# The include ----------------------------------------------------------------------------------


def test_include_shows_the_svg_then_the_data_table_in_govuk_markup():
    chart = line()
    html = render_to_string("scrutiny/includes/chart.html", {"chart": chart})
    document = parse_html(html)

    assert html.index("<svg") < html.index("<table")
    figcaption = '<figcaption class="govuk-heading-s">Referrals by quarter</figcaption>'
    assert parse_html(figcaption) in document
    assert (
        parse_html(
            '<caption class="govuk-table__caption govuk-table__caption--s">'
            "Data table: Referrals by quarter</caption>"
        )
        in document
    )
    assert (
        parse_html(
            '<th scope="col" class="govuk-table__header govuk-table__header--numeric numeric">'
            "Northvale</th>"
        )
        in document
    )
    assert parse_html('<th scope="row" class="govuk-table__header">2023/24 Q4</th>') in document
    assert (
        parse_html('<td class="govuk-table__cell govuk-table__cell--numeric numeric">*</td>')
        in document
    )


def test_include_shows_the_reading_of_an_xmr_chart():
    chart = xmr_chart()
    html = render_to_string("scrutiny/includes/chart.html", {"chart": chart})

    assert parse_html(f'<p class="govuk-body">{chart.reading}</p>') in parse_html(html)
