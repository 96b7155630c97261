"""The report prints the committee dashboard's figures: the same ones, and none suppressed.

One demo data set, small enough that many district and service counts fall under the threshold,
is made once for this module (in a transaction rolled back at the end); the report is made
through the service and read back with pdftotext, and compared with a dashboard built apart.
"""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from partnership.calendar import FinancialQuarter
from partnership.demo import seed_demo
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.tables import COUNT_HEADERS
from scrutiny.reports.rendering import panel_anchor, quarterly_report_pdf
from scrutiny.reports.sentences import summary_sentences
from tests.golden import assert_matches_golden
from tests.pdfutils import lines, page_numbers_printed, pdf_page_texts, pdf_text
from tests.system import require_program

# Each test takes `db`, which makes pytest-django set up the test database before the module's
# data is made (a session without a `db` test would give this fixture the real database).
pytestmark = pytest.mark.django_db

TODAY = date(2025, 5, 20)
QUARTER = FinancialQuarter(2024, 4)
GOLDEN = Path(__file__).parent / "golden"
# The one paragraph that changes from run to run: the time the figures were read. Its length
# moves where the paragraph's lines break ("1 May" against "30 September"), so the whole
# paragraph is compared as one line with the time taken out.
DATA_AS_AT_NOTE = (
    "Figures for a quarter can change a little while late records are added, so a later run of "
    "this report may differ."
)
DATA_AS_AT = re.compile(
    r"Data as at \d{1,2} \w+ \d{4}, \d{2}:\d{2}\.\s+"
    + r"\s+".join(map(re.escape, DATA_AS_AT_NOTE.split()))
)


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        assert (
            "test" in connection.settings_dict["NAME"]
            or "memory" in connection.settings_dict["NAME"]
        ), "the demo data must go into the test database"
        ctx = seed_demo(referrals=400, seed=11, today=TODAY)
        committee = ctx.extra["scrutiny"]["committee"]
        dashboard = build_dashboard(quarter=QUARTER, exact=False, today=TODAY)
        report = quarterly_report_pdf(quarter=QUARTER, committee=committee, today=TODAY)
        transaction.set_rollback(True)
    return dashboard, report


def flat(text: str) -> str:
    return " ".join(text.split())


def raw_text(pdf: bytes) -> str:
    """The text in the order it was written, so a table row's cells come one after another."""
    require_program("pdftotext", "poppler-utils")
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return flat(result.stdout.decode())


def tables(dashboard):
    for panel in dashboard.panels:
        for chart in panel.charts:
            yield panel, chart.table
        for table in panel.tables:
            yield panel, table


def test_every_table_of_the_dashboard_is_printed_with_the_same_figures(made):
    dashboard, report = made
    text = raw_text(report.pdf)

    missing = [
        f"{panel.slug}: {table.caption}: {row}"
        for panel, table in tables(dashboard)
        for row in table.rows
        if flat(" ".join(row)) not in text
    ]
    assert not missing, "\n".join(missing[:20])


def test_every_panel_has_its_section_in_the_contents(made):
    dashboard, report = made

    assert [e.anchor for e in report.contents if e.anchor.startswith("panel-")] == [
        panel_anchor(panel.slug) for panel in dashboard.panels
    ]


def test_the_dashboard_s_count_cells_printed_hold_no_count_from_one_to_the_threshold(made):
    dashboard, _report = made
    counted = small = 0

    for _panel, table in tables(dashboard):
        columns = [i for i, header in enumerate(table.headers) if header in COUNT_HEADERS]
        for row in table.rows:
            for i in columns:
                cell = row[i].replace(",", "")
                if cell.isdigit():
                    counted += 1
                    small += 1 <= int(cell) <= dashboard.threshold
    assert counted > 50
    assert small == 0


def test_small_counts_were_there_to_be_suppressed(made):
    dashboard, report = made

    assert any("*" in row for _panel, table in tables(dashboard) for row in table.rows)
    assert "counts from 1 to 7 are not shown" in flat(raw_text(report.pdf))


def test_the_executive_summary_is_written_from_the_dashboard_s_headlines(made):
    dashboard, report = made
    text = raw_text(report.pdf)

    for sentence in summary_sentences(dashboard.headlines, threshold=dashboard.threshold):
        assert flat(sentence) in text


def test_the_contents_page_numbers_and_the_page_footers_agree(made):
    _dashboard, report = made
    pages = pdf_page_texts(report.pdf)
    contents = {}
    for page in pages:
        if "Contents" not in lines(page):
            continue
        for line in lines(page):
            if match := re.fullmatch(r"(.+?) ?\.+ (\d+)", line):
                contents[match[1]] = int(match[2])

    assert len(contents) == len(report.contents)
    for title, number in contents.items():
        assert title in lines(pages[number - 1]), title
    assert [page_numbers_printed(page) for page in pages] == [
        [(n, len(pages))] for n in range(1, len(pages) + 1)
    ]


def test_the_report_s_text_is_the_committed_one(made):
    """The whole report as pdftotext reads it, so that any change to its words shows as a diff
    (tests/golden.py says how to write the file again after a change that is meant)."""
    _dashboard, report = made
    text = "\n".join(line.rstrip() for line in pdf_text(report.pdf).splitlines())

    assert_matches_golden(
        GOLDEN / "quarterly_report_2024-25_Q4.txt",
        DATA_AS_AT.sub(f"Data as at (time). {DATA_AS_AT_NOTE}", text),
    )
