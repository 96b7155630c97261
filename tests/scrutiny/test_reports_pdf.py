"""The quarterly report's layout, from hand-made dashboard content: no database needed.

Read back with pdftotext as a councillor would read it: the cover, the contents page and its page
numbers, "Page X of Y" on every page, the dashboard's tables exactly as disclosed, and no
suppressed count anywhere in them.
"""

import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from scrutiny.charts import Table
from scrutiny.pdf import ContactOfficer, ReportCover
from scrutiny.reports.covers import report_title
from scrutiny.reports.rendering import render_quarterly_report
from tests.pdfutils import lines, page_numbers_printed, pdf_info, pdf_page_texts
from tests.scrutiny import reportfakes

COVER = ReportCover(
    committee="Overview and Scrutiny Committee",
    meeting_date=date(2025, 6, 12),
    agenda_item_number="5",
    title=report_title(reportfakes.QUARTER),
    wards="All",
    report_of="Chair of the Domestic Abuse Partnership Board",
    recommendations=("the Committee note the performance of domestic abuse services.",),
    contact=ContactOfficer(
        name="Sam Placeholder",
        job_title="Performance lead",
        organisation="Eastshire County Council",
        email="performance@example.org",
    ),
)


@pytest.fixture(scope="module")
def content():
    return reportfakes.content()


@pytest.fixture(scope="module")
def report(content):
    stages = []
    made = render_quarterly_report(content, COVER, on_stage=stages.append)
    return made, stages


@pytest.fixture(scope="module")
def pages(report):
    return pdf_page_texts(report[0].pdf)


def contents_numbers(pages) -> dict[str, int]:
    contents_page = next(page for page in pages if "Contents" in lines(page))
    found = {}
    for line in lines(contents_page):
        if match := re.fullmatch(r"(.+?) ?\.+ (\d+)", line):
            found[match[1]] = int(match[2])
    return found


def page_with_heading(pages, heading) -> int:
    return next(number for number, page in enumerate(pages, 1) if heading in lines(page))


def dashboard_tables(dashboard) -> list[Table]:
    tables = []
    for panel in dashboard.panels:
        tables += [chart.table for chart in panel.charts] + list(panel.tables)
    return tables


def is_count(text: str) -> bool:
    return re.fullmatch(r"\d[\d,]*", text) is not None


def test_the_cover_is_in_the_committee_report_format(pages):
    cover = " ".join(lines(pages[0]))

    for field in [
        "Overview and Scrutiny Committee",
        "Date 12 June 2025",
        "Agenda item number 5",
        "Title of the report",
        "Wards affected All",
        "Report of Chair of the Domestic Abuse Partnership Board",
        "Recommendation",
        "That the Committee note the performance of domestic abuse services.",
        "Contact officer Sam Placeholder Performance lead Eastshire County Council",
    ]:
        assert field in cover


def test_the_contents_page_quotes_the_page_each_section_starts_on(content, pages):
    numbers = contents_numbers(pages)

    assert list(numbers) == [
        "Executive summary",
        "Referrals",
        "Response times",
        "Funding splits",
        "Data notes",
        "Appendix: the committee's action tracker",
    ]
    for title, number in numbers.items():
        assert page_with_heading(pages, title) == number


def test_every_page_says_page_x_of_y(pages):
    total = len(pages)

    assert [page_numbers_printed(page) for page in pages] == [
        [(number, total)] for number in range(1, total + 1)
    ]


def test_the_report_is_a_tagged_a4_pdf_with_its_title_and_language(report):
    pdf = report[0].pdf
    reader = PdfReader(BytesIO(pdf))
    info = pdf_info(pdf)

    assert info["Title"] == "Domestic abuse services: quarterly performance report, 2024/25 Q4"
    assert info["Tagged"] == "yes"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert b'pdfuaid:part="1"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595,
            842,
        )


def test_the_page_count_and_checksum_describe_the_file(report, pages):
    made = report[0]

    assert made.page_count == len(pages)
    import hashlib

    assert made.sha256 == hashlib.sha256(made.pdf).hexdigest()


def test_the_executive_summary_prints_the_sentences_written_from_the_headlines(content, pages):
    summary = " ".join(lines(pages[page_with_heading(pages, "Executive summary") - 1]))

    for sentence in content.summary:
        assert sentence in summary
    assert "Referrals rose 7.1% on the same quarter last year, from 810 to 870." in summary


def test_each_dashboard_table_is_printed_with_the_dashboards_own_figures(content, pages):
    text = [line for page in pages for line in lines(page)]

    for table in dashboard_tables(content.dashboard):
        for row in table.rows:
            assert any(
                line.startswith(row[0]) and line.endswith(" ".join(row[1:])) for line in text
            ), f"{table.caption}: row {row} not printed as on the dashboard"


def test_no_count_from_one_to_the_threshold_is_printed_in_any_table(content, pages):
    text = [line for page in pages for line in lines(page)]
    threshold = content.dashboard.threshold

    for table in dashboard_tables(content.dashboard):
        for row in table.rows:
            cells = [cell for i, cell in enumerate(row) if i in table.numeric_columns]
            assert not [
                c for c in cells if is_count(c) and 1 <= int(c.replace(",", "")) <= threshold
            ]
    southmere = [line for line in text if line.startswith("Southmere")]
    assert southmere and all(
        str(reportfakes.SMALL_COUNT) not in line.split("Southmere", 1)[1] for line in southmere
    )


def test_the_data_notes_give_the_suppression_rule_its_threshold_and_the_data_date(pages):
    notes = " ".join(lines(pages[page_with_heading(pages, "Data notes") - 1]))

    assert "Data as at 10 April 2025, 07:00." in notes
    assert "A count from 1 to 7 is not shown and is marked *." in notes
    assert "rounded to the nearest 5" in notes
    assert "Definitions" in notes


def test_the_appendix_gives_the_action_counts_by_rag(pages):
    appendix = " ".join(lines(pages[-1]))

    assert "2 red, 1 amber, 3 green, 5 complete." in appendix


def test_the_stages_are_reported_as_the_report_is_made(report):
    assert [str(stage) for stage in report[1]] == ["charts", "writing"]
