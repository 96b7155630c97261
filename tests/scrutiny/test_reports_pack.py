"""Agenda packs, read back with pdftotext: one page numbering from the front sheet to the last
appendix, an agenda that quotes it, exempt items only in the restricted pack."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership.calendar import FinancialQuarter
from partnership.constants import AuditAction
from partnership.models import AuditEvent
from scrutiny import services
from scrutiny.demo import minimal_pdf
from scrutiny.models import AgendaPack, RunStatus
from scrutiny.reports import packs, rendering
from scrutiny.reports import services as report_services
from tests.factories import AgendaItemFactory, AgendaPackFactory, UserFactory
from tests.pdfutils import lines, page_numbers_printed, pdf_info, pdf_page_texts
from tests.scrutiny import reportfakes

RESTRICTED = "RESTRICTED — NOT FOR PUBLICATION"
EXEMPT_TEXT = "The refuge provider's tendered prices per bed space"


@pytest.fixture(autouse=True)
def fake_figures(monkeypatch):
    monkeypatch.setattr(
        rendering,
        "quarterly_report_content",
        lambda *, quarter, committee, today: reportfakes.content(quarter),
    )


def attach(clerk, item, title, data=None):
    upload = SimpleUploadedFile(f"{title}.pdf", data or minimal_pdf(title), "application/pdf")
    return services.agenda_document_add(by=clerk, item=item, title=title, file=upload)


@pytest.fixture
def papers(clerk, meeting, django_capture_on_commit_callbacks):
    """Item 1 with an appendix; item 2 exempt, with its own paper; item 3 with the quarterly
    report attached and a presentation."""
    first = AgendaItemFactory(meeting=meeting, number=1, title="Minutes of the last meeting")
    attach(clerk, first, "Appendix A: draft minutes")
    exempt = AgendaItemFactory(
        meeting=meeting,
        number=2,
        title="Refuge contract prices",
        summary=EXEMPT_TEXT + " are set out in the confidential appendix.",
        exempt=True,
        exempt_paragraph=3,
    )
    attach(clerk, exempt, "Confidential appendix: tender prices")
    performance = AgendaItemFactory(
        meeting=meeting,
        number=3,
        title="Domestic abuse services: performance",
        summary="The quarterly performance report is attached.",
        recommendation="That the Committee note the performance report.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = report_services.report_run_request(
            by=clerk, quarter=FinancialQuarter(2024, 4), committee=meeting.committee
        )
    run.refresh_from_db()
    report_services.report_run_attach(by=clerk, run=run, item=performance)
    attach(clerk, performance, "Presentation: what the figures show")
    return {"first": first, "exempt": exempt, "performance": performance, "run": run}


@pytest.fixture
def public_pack(meeting, papers):
    return pdf_page_texts(packs.agenda_pack_pdf(meeting, restricted=False).data)


@pytest.fixture
def restricted_pack(meeting, papers):
    return pdf_page_texts(packs.agenda_pack_pdf(meeting, restricted=True).data)


def agenda_pages(pack) -> dict[int, int]:
    """{item number: page} from the agenda's table."""
    agenda = next(page for page in pack if "Agenda items" in lines(page))
    found = {}
    for line in lines(agenda):
        if match := re.match(r"(\d) (.+?) (\d+)$", line):
            found[int(match[1])] = int(match[3])
    return found


def cover_page(pack, number) -> int:
    return next(
        index
        for index, page in enumerate(pack, 1)
        if f"Agenda item number {number}" in " ".join(lines(page))
    )


def test_the_pack_is_numbered_page_x_of_y_throughout(public_pack):
    total = len(public_pack)

    assert [page_numbers_printed(page) for page in public_pack] == [
        [(number, total)] for number in range(1, total + 1)
    ]


def test_the_agenda_quotes_the_page_each_item_starts_on(public_pack):
    pages = agenda_pages(public_pack)

    assert set(pages) == {1, 3}
    for number, page in pages.items():
        assert cover_page(public_pack, number) == page


def test_the_front_sheet_gives_the_committee_date_time_venue_and_members(
    public_pack, committee_member
):
    front = " ".join(lines(public_pack[0]))

    assert "Overview and Scrutiny Committee" in front
    assert "Date Thursday 12 June 2025" in front
    assert "Time 10.00 a.m." in front
    assert "Venue Council Chamber, County Hall" in front
    assert "Members" in front


def test_each_item_s_documents_follow_its_papers_before_the_next_item(public_pack):
    def page_of(text):
        return next(i for i, page in enumerate(public_pack, 1) if text in page)

    assert (
        cover_page(public_pack, 1)
        < page_of("Appendix A: draft minutes")
        < cover_page(public_pack, 3)
    )
    assert page_of("Presentation: what the figures show") == len(public_pack)


def test_the_attached_report_s_contents_page_quotes_pages_of_the_pack(public_pack):
    start = cover_page(public_pack, 3)
    contents = next(
        (index, page)
        for index, page in enumerate(public_pack, 1)
        if index > start - 1 and "Contents" in lines(page)
    )[1]
    numbers = {}
    for line in lines(contents):
        if match := re.fullmatch(r"(.+?) ?\.+ (\d+)", line):
            numbers[match[1]] = int(match[2])

    assert numbers["Executive summary"] > start
    for title, number in numbers.items():
        assert title in lines(public_pack[number - 1]), title


def test_the_public_pack_leaves_the_exempt_item_out_and_says_so(public_pack):
    text = "\n".join(public_pack)

    assert EXEMPT_TEXT not in text
    assert "Refuge contract prices" not in text
    assert "tender prices" not in text
    assert (
        "Item 2 is exempt under Schedule 12A to the Local Government Act 1972 (paragraph 3) and "
        "is not included in the public pack."
    ) in " ".join(line for page in public_pack for line in lines(page))
    assert RESTRICTED not in text


def test_the_restricted_pack_includes_the_exempt_item_and_is_marked_on_every_page(
    restricted_pack,
):
    text = "\n".join(restricted_pack)

    assert EXEMPT_TEXT in text
    assert "Confidential appendix: tender prices" in text
    assert all(RESTRICTED in " ".join(lines(page)) for page in restricted_pack)
    pages = agenda_pages(restricted_pack)
    assert set(pages) == {1, 2, 3}
    assert cover_page(restricted_pack, 2) == pages[2]


def test_the_pack_has_a_title_language_and_a_bookmark_per_part(meeting, papers):
    pack = packs.agenda_pack_pdf(meeting, restricted=False)

    assert pdf_info(pack.data)["Title"] == (
        "Overview and Scrutiny Committee, 12 June 2025: agenda pack"
    )
    assert pack.page_count == len(pdf_page_texts(pack.data))


# Runs ----------------------------------------------------------------------------------------


def test_exporting_a_meeting_with_exempt_items_makes_a_public_and_a_restricted_pack(
    clerk, meeting, papers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        packs = report_services.agenda_pack_request(by=clerk, meeting=meeting)

    stored = AgendaPack.objects.filter(pk__in=[pack.pk for pack in packs])
    assert sorted(stored.values_list("restricted", "status")) == [
        (False, RunStatus.READY),
        (True, RunStatus.READY),
    ]
    for pack in stored:
        assert pack.pdf.open("rb").read(5) == b"%PDF-"
        assert pack.page_count > 5


def test_a_meeting_without_exempt_items_gets_a_public_pack_only(
    clerk, meeting, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        packs = report_services.agenda_pack_request(by=clerk, meeting=meeting)

    assert [pack.restricted for pack in packs] == [False]


def test_a_meeting_without_items_has_no_pack(clerk, meeting):
    with pytest.raises(ValidationError, match="no agenda items"):
        report_services.agenda_pack_request(by=clerk, meeting=meeting)


def test_only_clerks_export_packs(committee_member, meeting, item):
    with pytest.raises(PermissionDenied):
        report_services.agenda_pack_request(by=committee_member, meeting=meeting)


def test_a_document_that_is_not_a_real_pdf_fails_the_pack_with_a_clear_error(
    clerk, meeting, item, settings, django_capture_on_commit_callbacks
):
    # Uploads are read whole now (test_pdf_uploads.py), so this is a file stored before that,
    # or damaged in storage since.
    document = attach(clerk, item, "Broken appendix")
    Path(document.file.path).write_bytes(b"%PDF-1.4 this is not really a PDF")

    with django_capture_on_commit_callbacks(execute=True):
        (pack,) = report_services.agenda_pack_request(by=clerk, meeting=meeting)
    pack.refresh_from_db()

    assert pack.status == RunStatus.FAILED
    assert pack.error.startswith(f"Item {item.number}: Broken appendix could not be read as a PDF")
    assert "re-attach it" in pack.error
    assert not pack.pdf
    folder = Path(settings.MEDIA_ROOT) / "scrutiny" / "packs"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_document_missing_from_storage_fails_the_pack_with_a_clear_error(
    clerk, meeting, item, django_capture_on_commit_callbacks
):
    document = attach(clerk, item, "Appendix B")
    document.file.storage.delete(document.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        (pack,) = report_services.agenda_pack_request(by=clerk, meeting=meeting)
    pack.refresh_from_db()

    assert pack.error == (
        f"Item {item.number}: the file of “Appendix B” is missing from storage. Upload it again."
    )


# Pages -----------------------------------------------------------------------------------------


def url(name, *args):
    return reverse(f"scrutiny:{name}", args=args)


def test_the_clerk_exports_the_pack_from_the_meeting(
    login, clerk, meeting, item, django_capture_on_commit_callbacks
):
    client = login(clerk)
    assert (
        url("agenda_pack_list", meeting.pk)
        in client.get(meeting.get_absolute_url()).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("agenda_pack_export", meeting.pk))

    assert response.url == url("agenda_pack_list", meeting.pk)
    page = client.get(response.url)
    assert "Refresh" not in page
    pack = AgendaPack.objects.get()
    assert "Download the public agenda pack (PDF, " in page.content.decode()
    download = client.get(url("agenda_pack_download", pack.pk))
    assert download["Content-Disposition"] == (
        'attachment; filename="agenda-pack-overview-and-scrutiny-committee-2025-06-12.pdf"'
    )
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(pack.pk)).exists()


def test_the_packs_page_reloads_itself_while_a_pack_is_being_made(login, clerk, meeting):
    AgendaPackFactory(meeting=meeting)

    response = login(clerk).get(url("agenda_pack_list", meeting.pk))

    assert response["Refresh"] == "3"


def test_members_download_their_committee_s_packs_restricted_ones_included(
    login, committee_member, meeting
):
    public = AgendaPackFactory(ready=True, meeting=meeting)
    restricted = AgendaPackFactory(ready=True, meeting=meeting, restricted=True)
    AgendaPackFactory(meeting=meeting)  # still being made: not offered
    client = login(committee_member)

    page = client.get(url("agenda_pack_list", meeting.pk)).content.decode()

    assert "Download the public agenda pack" in page
    assert "Download the restricted pack" in page
    assert "Export the agenda pack" not in page
    assert client.get(url("agenda_pack_download", public.pk)).status_code == 200
    assert client.get(url("agenda_pack_download", restricted.pk)).status_code == 200


def test_a_member_of_another_committee_cannot_reach_the_packs(login, meeting):
    outsider = UserFactory(roles=["committee_member"])
    pack = AgendaPackFactory(ready=True, meeting=meeting, restricted=True)
    client = login(outsider)

    assert client.get(url("agenda_pack_list", meeting.pk)).status_code == 404
    assert client.get(url("agenda_pack_download", pack.pk)).status_code == 404


def test_a_pack_still_being_made_cannot_be_downloaded(login, clerk, meeting):
    pack = AgendaPackFactory(meeting=meeting)

    assert login(clerk).get(url("agenda_pack_download", pack.pk)).status_code == 404


def test_a_failed_pack_s_error_is_shown_to_the_clerk(login, clerk, meeting):
    AgendaPackFactory(
        meeting=meeting, status=RunStatus.FAILED, error="Item 1: Appendix could not be read."
    )

    page = login(clerk).get(url("agenda_pack_list", meeting.pk)).content.decode()

    assert "Item 1: Appendix could not be read." in page


def test_packs_of_a_draft_meeting_are_not_shown_to_members(login, committee_member, committee):
    from tests.factories import MeetingFactory

    draft = MeetingFactory(committee=committee, status="draft", date=date(2025, 9, 1))

    assert login(committee_member).get(url("agenda_pack_list", draft.pk)).status_code == 404
