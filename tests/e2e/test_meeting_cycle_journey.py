"""The clerk's journey from agenda to approved minutes, in Chromium, with axe on every page.

A clerk seats the members, adds a meeting (which starts with its standard items), records
attendance with a substitute, another attendee and a declaration of interest, drafts the minutes
item by item with a question answered in writing, adds the next meeting and sends the draft to
it, records the committee's approval there and gets the tagged PDF; then tries to change the
approved minutes without an amendment (refused), and records one. A member reads the minutes.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.constants import Role
from scrutiny.models import Minutes, MinutesAmendment
from tests.factories import CommitteeFactory, UserFactory
from tests.pdfutils import pdf_info, pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_date(scope, day):
    scope.get_by_label("Day", exact=True).fill(str(day.day))
    scope.get_by_label("Month", exact=True).fill(str(day.month))
    scope.get_by_label("Year", exact=True).fill(str(day.year))


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def add_meeting(page, check_accessibility, committee_name, day, *, accessibility=False):
    page.goto("/scrutiny/committees/")
    page.get_by_role("link", name=committee_name).click()
    page.get_by_role("link", name="Add a meeting").click()
    if accessibility:
        check_accessibility(page)
    fill_date(page, day)
    page.get_by_label("Start time", exact=True).fill("10:00")
    page.get_by_label("Venue", exact=True).fill("Council Chamber, County Hall")
    page.get_by_label("Agenda published", exact=True).check()
    submit(page, "Save")


def add_member(page, check_accessibility, name, since, *, role="Member"):
    page.get_by_role("link", name="Add a member").click()
    check_accessibility(page)
    page.get_by_role("combobox", name="Member").select_option(label=name)
    page.get_by_role("radio", name=role, exact=True).check()
    fill_date(page, since)
    submit(page, "Add member")


def pdf_at(page, path) -> bytes:
    response = page.request.get(path)
    assert response.ok, response.status
    return response.body()


def test_clerk_takes_a_meeting_from_agenda_to_approved_published_minutes(
    page, sign_in, check_accessibility
):
    today = timezone.localdate()
    clerk = UserFactory(
        username="clerk.cycle", first_name="Tomasz", last_name="Hale", roles=[Role.CLERK]
    )
    chair = UserFactory(
        username="cllr.chair", first_name="Morag", last_name="Ellery", roles=[Role.COMMITTEE_MEMBER]
    )
    away = UserFactory(
        username="cllr.away", first_name="Rhian", last_name="Vance", roles=[Role.COMMITTEE_MEMBER]
    )
    substitute = UserFactory(
        username="cllr.sub", first_name="Nkem", last_name="Abara", roles=[Role.COMMITTEE_MEMBER]
    )
    CommitteeFactory(name="Safer Communities Scrutiny Committee", clerk=clerk)
    meeting_day = today - timedelta(days=30)

    # The clerk seats two members, one as chair, from before the meeting.
    sign_in(page, clerk)
    page.goto("/scrutiny/committees/")
    page.get_by_role("link", name="Safer Communities Scrutiny Committee").click()
    add_member(
        page,
        check_accessibility,
        f"Morag Ellery, {chair.organisation}",
        today - timedelta(days=90),
        role="Chair",
    )
    add_member(
        page, check_accessibility, f"Rhian Vance, {away.organisation}", today - timedelta(days=90)
    )
    expect(page.get_by_test_id("members")).to_contain_text("Morag Ellery (Chair)")
    check_accessibility(page)
    page.get_by_role("link", name="End Rhian Vance's membership").click()
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()

    # 1. A meeting with its standard items, then a report.
    add_meeting(
        page,
        check_accessibility,
        "Safer Communities Scrutiny Committee",
        meeting_day,
        accessibility=True,
    )
    agenda = page.get_by_test_id("agenda")
    expect(agenda.locator("tbody tr").nth(0)).to_contain_text("Apologies for absence")
    expect(agenda.locator("tbody tr").nth(1)).to_contain_text("Declarations of interest")
    check_accessibility(page)
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title of the report", exact=True).fill("Domestic abuse update")
    page.get_by_label("Report of", exact=True).fill("Portfolio Holder for Communities")
    page.get_by_label("Noting", exact=True).check()
    page.get_by_label("Recommendation", exact=True).fill("That the Committee note the report.")
    page.get_by_label("Summary", exact=True).fill("Referrals rose by a third.")
    page.get_by_label("All wards", exact=True).check()
    page.get_by_label("Contact officer's name", exact=True).fill("Alex Example")
    page.get_by_label("Contact officer's job title", exact=True).fill("Head of Community Safety")
    page.get_by_label("Contact officer's e-mail address", exact=True).fill("alex@example.org")
    page.get_by_label("No: a public report", exact=True).check()
    submit(page, "Save")
    meeting_url = page.url

    # 2. Attendance, with a substitute; another attendee; a declaration of interest.
    page.get_by_role("link", name="Record attendance").first.click()
    check_accessibility(page)
    submit(page, "Save attendance")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose whether Morag Ellery was present"
    )
    check_accessibility(page)
    page.get_by_role("group", name="Morag Ellery").get_by_label("Present").check()
    page.get_by_role("group", name="Rhian Vance").get_by_label("Sent apologies").check()
    page.get_by_label("Substitute for Rhian Vance (optional)").select_option(
        label=f"Nkem Abara, {substitute.organisation}"
    )
    submit(page, "Save attendance")
    page.get_by_role("link", name="Record attendance").first.click()
    page.get_by_role("link", name="Add someone else who attended").click()
    check_accessibility(page)
    page.get_by_label("Name", exact=True).fill("Janine Aldous")
    page.get_by_label("Job title", exact=True).fill("Service Manager")
    page.get_by_label("Organisation", exact=True).fill("Harbour Lights")
    submit(page, "Add attendee")
    expect(page.get_by_test_id("other-attendees")).to_contain_text("Janine Aldous")
    page.get_by_role("link", name="Remove Janine Aldous").click()
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()
    page.goto(meeting_url)
    page.get_by_role("link", name="Record a declaration of interest").click()
    check_accessibility(page)
    page.get_by_role("combobox", name="Member").select_option(
        label=f"Nkem Abara, {substitute.organisation}"
    )
    page.get_by_label("Agenda item", exact=True).select_option(
        label="Item 3: Domestic abuse update"
    )
    page.get_by_label("Other registrable interest", exact=True).check()
    page.get_by_label("The interest", exact=True).fill("A trustee of a local refuge charity.")
    page.get_by_label("Yes: they left and took no part", exact=True).check()
    submit(page, "Record declaration")
    page.get_by_role("link", name="Domestic abuse update", exact=True).click()
    page.get_by_role("link", name="Remove Nkem Abara's declaration").click()
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()
    page.goto(meeting_url)

    # 3. A resolution, the item's minute and a question answered in writing.
    page.get_by_role("link", name="Domestic abuse update", exact=True).click()
    page.get_by_role("link", name="Record a resolution").click()
    page.get_by_label("What the committee resolved", exact=True).fill(
        "statistics on prevention programmes in schools be provided to the Committee."
    )
    submit(page, "Save")
    page.get_by_role("link", name="Write the minute of this item").click()
    check_accessibility(page)
    page.get_by_label("Minute", exact=True).fill(
        "The Head of Community Safety presented the report.\n\n- Members asked about **caseloads**."
    )
    submit(page, "Save")
    expect(page.get_by_test_id("minute-3")).to_contain_text("caseloads")
    check_accessibility(page)
    page.get_by_role("link", name="Add a question submitted before the meeting").click()
    check_accessibility(page)
    page.get_by_label("Asked by", exact=True).fill("Councillor Rhian Vance")
    page.get_by_label("Question", exact=True).fill("How long does a case stay open?")
    submit(page, "Save")
    page.get_by_role("link", name="Question 1, from Councillor Rhian Vance").click()
    check_accessibility(page)
    page.get_by_label("Written answer (optional)", exact=True).fill(
        "Three to four months on average."
    )
    submit(page, "Save")
    expect(page.get_by_test_id("question-1")).to_contain_text("Three to four months")
    minutes_url = page.url.split("#")[0]

    # The next meeting starts with the item that will approve these minutes.
    add_meeting(page, check_accessibility, "Safer Communities Scrutiny Committee", today)
    expect(page.get_by_test_id("agenda")).to_contain_text("Minutes of the previous meeting")
    next_meeting_url = page.url

    # 4. The draft goes to the next meeting; there the committee approves it.
    page.goto(minutes_url)
    submit(page, "Send the draft to the next meeting")
    expect(page.get_by_test_id("minutes-status")).to_have_text("Draft, sent to the next meeting")
    page.goto(next_meeting_url)
    page.get_by_role("link", name="Minutes of the previous meeting", exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name="Record that the committee approved them").click()
    check_accessibility(page)
    submit(page, "Record approval and publish")
    expect(page.get_by_test_id("minutes-status")).to_contain_text("Approved")
    expect(page.get_by_test_id("minutes-downloads")).to_contain_text("Minutes (PDF)")
    check_accessibility(page)
    pdf = pdf_at(page, page.get_by_role("link", name="Minutes (PDF)").get_attribute("href"))
    assert pdf_info(pdf)["Tagged"] == "yes"
    text = " ".join(pdf_text(pdf).split())
    assert "Morag Ellery (Chair)" in text and "Nkem Abara (substitute for Rhian Vance)" in text
    assert "declared an interest in item 3 (other registrable interest)" in text
    assert "caseloads" in text and "Three to four months" in text

    # Approved minutes are locked: changing the minute needs an amendment with its reason.
    page.get_by_role("link", name="Amend the minute of item 3").click()
    expect(page.get_by_test_id("current-text")).to_contain_text("presented the report")
    check_accessibility(page)
    page.get_by_label("Amended minute of item 3").fill("The Head of Community Safety presented it.")
    submit(page, "Record amendment")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason")
    check_accessibility(page)
    assert not MinutesAmendment.objects.exists()
    page.get_by_label("Reason for the amendment").fill("Agreed at the next meeting: wording.")
    submit(page, "Record amendment")
    expect(page.get_by_test_id("amendments")).to_contain_text("Agreed at the next meeting")
    assert Minutes.objects.get(meeting__date=meeting_day).is_published
    page.get_by_role("link", name="Record a correction as a note").click()
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_test_id("sign-out").click()

    # A member reads the approved minutes.
    sign_in(page, chair)
    page.goto(minutes_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Minutes of the meeting of")
    check_accessibility(page)

    # Removing a standard item the meeting does not need (the clerk, on the next meeting).
    page.get_by_test_id("sign-out").click()
    sign_in(page, clerk)
    page.get_by_role("link", name="Raise an action from another source").click()
    check_accessibility(page)
    page.goto(next_meeting_url)
    page.get_by_role("link", name="Remove item 2, Declarations of interest").click()
    check_accessibility(page)
    submit(page, "Remove item")
    expect(page.get_by_test_id("agenda")).not_to_contain_text("Declarations of interest")
