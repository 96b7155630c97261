"""The clerk's report journey in Chromium, with axe on each page.

A clerk requests the quarterly report, watches its page update itself until it is ready (no
JavaScript needed), downloads it, attaches it to an agenda item, and exports the meeting's agenda
pack, whose agenda quotes the pack's own continuous page numbers.

The Celery worker is played by the test: queued work is recorded, and the test runs it while the
browser waits on the progress page, so the page is seen both under way and done.
"""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from partnership.calendar import FinancialQuarter
from partnership.celery import app
from partnership.constants import Role
from scrutiny import services
from scrutiny.demo import minimal_pdf
from scrutiny.models import AgendaPack, ReportRun
from scrutiny.reports import services as report_services
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, UserFactory
from tests.pdfutils import lines, page_numbers_printed, pdf_page_texts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(monkeypatch):
    """Record work queued by the app; `worker()` runs it, as the Celery worker would."""
    queued: list = []
    monkeypatch.setattr(report_services, "_enqueue", queued.append)

    app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them

    def run():
        while queued:
            run = queued.pop(0)
            app.tasks[run.task_name](run.pk)

    return run


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def downloaded(page, link_name) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return Path(info.value.path()).read_bytes()


def test_clerk_makes_the_report_attaches_it_and_exports_the_agenda_pack(
    page, sign_in, check_accessibility, worker
):
    today = timezone.localdate()
    quarter = FinancialQuarter.last_complete(today)
    clerk = UserFactory(
        username="clerk.reports", first_name="Tomasz", last_name="Hale", roles=[Role.CLERK]
    )
    member = UserFactory(
        username="cllr.reports",
        first_name="Rhian",
        last_name="Vance",
        roles=[Role.COMMITTEE_MEMBER],
    )
    committee = CommitteeFactory(
        name="Safer Communities Overview and Scrutiny Committee", clerk=clerk, members=[member]
    )
    meeting = MeetingFactory(
        committee=committee, date=today + timedelta(days=14), start_time=time(18, 30)
    )
    minutes = AgendaItemFactory(meeting=meeting, number=1, title="Minutes of the last meeting")
    services.agenda_document_add(
        by=clerk,
        item=minutes,
        title="Draft minutes",
        file=SimpleUploadedFile("minutes.pdf", minimal_pdf("Draft minutes"), "application/pdf"),
    )
    AgendaItemFactory(meeting=meeting, number=2, title="Domestic abuse services: performance")

    # The clerk asks for the last quarter's report.
    sign_in(page, clerk)
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", name="Quarterly performance reports")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Request a report").click()
    check_accessibility(page)
    expect(page.get_by_label("Financial quarter")).to_have_value(str(quarter))
    page.get_by_label("Committee", exact=True).select_option(label=committee.name)
    submit(page, "Request the report")

    # Its page shows it queued; with updating stopped it stays still for the accessibility scan.
    expect(page.get_by_test_id("run-status")).to_have_text("Queued")
    page.get_by_role("link", name="Stop updating this page").click()
    expect(page.get_by_test_id("progress")).to_contain_text("no longer updates itself")
    check_accessibility(page)
    page.get_by_role("link", name="Check the progress again").click()
    expect(page.get_by_test_id("progress")).to_contain_text("updates itself every 3 seconds")

    # The worker makes it; the page, left alone, reloads itself until it says ready.
    worker()
    expect(page.get_by_test_id("run-status")).to_have_text("Ready", timeout=20_000)
    check_accessibility(page)
    run = ReportRun.objects.get()
    pdf = downloaded(page, re.compile(r"Download the report \(PDF, \d+ pages\)"))
    assert len(pdf) > 1000 and pdf.startswith(b"%PDF-")
    pages = pdf_page_texts(pdf)
    assert page_numbers_printed(pages[-1]) == [(run.page_count, run.page_count)]
    assert f"quarterly performance report, {quarter}" in " ".join(lines(pages[0]))

    # The history says who asked and how long it took.
    page.get_by_role("link", name="Back to reports").click()
    expect(page.get_by_test_id("report-runs")).to_contain_text("Tomasz Hale")
    check_accessibility(page)
    page.get_by_role("link", name=str(quarter)).click()

    # It goes to the meeting as item 2's report.
    page.get_by_role("link", name="Attach to an agenda item").click()
    check_accessibility(page)
    page.get_by_label("Agenda item", exact=True).select_option(
        label=f"{meeting.date:%-d %B %Y}: item 2, Domestic abuse services: performance"
    )
    submit(page, "Attach the report")
    expect(page.get_by_test_id("attached-report")).to_contain_text(
        f"Quarterly performance report {quarter}"
    )
    check_accessibility(page)

    # The clerk exports the agenda pack from the meeting.
    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name="Export the agenda pack").click()
    check_accessibility(page)
    submit(page, "Export the agenda pack")
    expect(page.get_by_test_id("progress")).to_be_visible()
    worker()
    link = page.get_by_role("link", name=re.compile(r"Download the public agenda pack"))
    expect(link).to_be_visible(timeout=20_000)
    check_accessibility(page)
    pack_pdf = downloaded(page, re.compile(r"Download the public agenda pack"))

    # One numbering from the front sheet to the last page, and the agenda quotes it.
    pack = AgendaPack.objects.get()
    pack_pages = pdf_page_texts(pack_pdf)
    total = len(pack_pages)
    assert total == pack.page_count
    assert [page_numbers_printed(text) for text in pack_pages] == [
        [(number, total)] for number in range(1, total + 1)
    ]
    agenda = next(text for text in pack_pages if "Agenda items" in lines(text))
    starts = {
        int(match[1]): int(match[2])
        for line in lines(agenda)
        if (match := re.match(r"(\d) .+? (\d+)$", line))
    }
    for number, start in starts.items():
        assert f"Agenda item number {number}" in " ".join(lines(pack_pages[start - 1]))
    assert set(starts) == {1, 2}
    assert "Executive summary" in "\n".join(pack_pages[starts[2] :])
    page.get_by_test_id("sign-out").click()

    # A member of the committee downloads the pack and the published report.
    sign_in(page, member)
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Download the agenda pack").click()
    check_accessibility(page)
    assert downloaded(page, re.compile(r"Download the public agenda pack")) == pack_pdf
    page.get_by_role("link", name="Reports").first.click()
    check_accessibility(page)
    assert downloaded(page, re.compile(r"Download the .* report")).startswith(b"%PDF-")
