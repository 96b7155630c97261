"""The clerk's and an action owner's journey through scrutiny, in Chromium, with axe on each page.

A clerk adds a meeting with agenda items, records resolutions and raises actions; the owner adds
an update and completes one with evidence; the tracker shows the right RAG for each action.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.constants import Role
from scrutiny.models import Action
from tests.factories import CommitteeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_date(page, day):
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def add_item(page, check_accessibility, title, *, accessibility=False):
    page.get_by_role("link", name="Add an agenda item").click()
    if accessibility:
        check_accessibility(page)
    page.get_by_label("Title of the report", exact=True).fill(title)
    page.get_by_label("Report of", exact=True).fill("Portfolio Holder for Communities")
    page.get_by_label("Noting", exact=True).check()
    page.get_by_label("Recommendation", exact=True).fill("That the Committee note the report.")
    page.get_by_label("Summary", exact=True).fill("Referrals rose by **a third**.")
    page.get_by_label("All wards", exact=True).check()
    page.get_by_label("Contact officer's name", exact=True).fill("Alex Example")
    page.get_by_label("Contact officer's job title", exact=True).fill("Head of Community Safety")
    page.get_by_label("Contact officer's e-mail address", exact=True).fill("alex@example.org")
    page.get_by_label("No: a public report", exact=True).check()
    submit(page, "Save")


def raise_action(page, resolution_label, description, owner, due):
    page.get_by_role("link", name=f"Raise an action from resolution ({resolution_label})").click()
    page.get_by_label("Action", exact=True).fill(description)
    page.get_by_label("Owner", exact=True).select_option(
        label=f"{owner.get_full_name()}, {owner.organisation}"
    )
    fill_date(page, due)
    submit(page, "Save")


def rag_in_tracker(page, reference) -> str:
    row = page.locator(f'tr[data-reference="{reference}"]')
    return row.locator(".app-rag").inner_text()


def test_clerk_runs_a_meeting_and_the_owner_completes_an_action(page, sign_in, check_accessibility):
    today = timezone.localdate()
    clerk = UserFactory(
        username="clerk.e2e", first_name="Tomasz", last_name="Hale", roles=[Role.CLERK]
    )
    owner = UserFactory(
        username="owner.e2e", first_name="Olivia", last_name="Marsh", roles=[Role.OFFICER]
    )
    CommitteeFactory(name="Health Overview and Scrutiny Committee", clerk=clerk)

    # The clerk starts at the action tracker, then adds a meeting to the committee.
    sign_in(page, clerk)
    expect(page.get_by_role("heading", name="Action tracker")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Committees").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Health Overview and Scrutiny Committee").click()
    check_accessibility(page)
    page.get_by_role("link", name="Add a meeting").click()
    check_accessibility(page)
    meeting_date = today - timedelta(days=10)
    fill_date(page, meeting_date)
    page.get_by_label("Start time", exact=True).fill("10:00")
    page.get_by_label("Venue", exact=True).fill("Council Chamber, County Hall")
    page.get_by_label("Agenda published", exact=True).check()
    submit(page, "Save")
    expect(page.get_by_test_id("meeting-status")).to_have_text("Agenda published")
    check_accessibility(page)

    # The standard items come first (the committee's first meeting has no minutes to approve).
    agenda = page.get_by_test_id("agenda")
    expect(agenda.locator("tbody tr")).to_have_count(2)
    expect(agenda.locator("tbody tr").first).to_contain_text("Apologies for absence")
    # Two items in the committee-report format after them, then the second moved up.
    add_item(page, check_accessibility, "Quarterly performance report", accessibility=True)
    add_item(page, check_accessibility, "Domestic abuse services update")
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Move up item 4").click()
    expect(agenda.locator("tbody tr").nth(2)).to_contain_text("Domestic abuse services update")

    # The resolution, as in the minutes, and the actions it creates.
    page.get_by_role("link", name="Domestic abuse services update", exact=True).click()
    expect(page.locator("strong", has_text="a third")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Record a resolution").click()
    check_accessibility(page)
    expect(page.get_by_label("Label", exact=True)).to_have_value("a")
    page.get_by_label("What the committee resolved", exact=True).fill(
        "details of waiting times for perpetrator services be shared with the Committee."
    )
    submit(page, "Save")

    # A due date before the meeting is refused with a clear message.
    page.get_by_role("link", name="Raise an action from resolution (a)").click()
    check_accessibility(page)
    page.get_by_label("Action", exact=True).fill("Share the waiting times.")
    page.get_by_label("Owner", exact=True).select_option(
        label="Olivia Marsh, " + str(owner.organisation)
    )
    fill_date(page, meeting_date - timedelta(days=1))
    submit(page, "Save")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be after the meeting")
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()

    plan = {
        "red": ("Share the waiting times.", today - timedelta(days=2)),
        "amber": ("Share the referral analysis.", today + timedelta(days=5)),
        "green": ("Report on staffing levels.", today + timedelta(days=40)),
        "complete": ("Circulate the KPI definitions.", today + timedelta(days=20)),
    }
    for description, due in plan.values():
        raise_action(page, "a", description, owner, due)
    references = {
        rag: Action.objects.get(description=description).reference
        for rag, (description, _due) in plan.items()
    }
    check_accessibility(page)
    page.get_by_test_id("sign-out").click()

    # The owner adds an update, then completes the action with an evidence file.
    sign_in(page, owner)
    page.goto("/scrutiny/my-actions/")
    check_accessibility(page)
    page.get_by_role("link", name=references["complete"]).click()
    check_accessibility(page)
    page.get_by_role("link", name="Add an update").click()
    check_accessibility(page)
    page.get_by_label("Update", exact=True).fill("Definitions drafted with the performance team.")
    page.get_by_label("In progress", exact=True).check()
    submit(page, "Add update")
    expect(page.get_by_test_id("action-status")).to_have_text("In progress")

    page.get_by_role("link", name="Complete with evidence").click()
    submit(page, "Complete action")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Add evidence to complete")
    check_accessibility(page)
    page.get_by_label("Evidence file", exact=True).set_input_files(
        {"name": "kpi-definitions.csv", "mimeType": "text/csv", "buffer": b"KPI,Definition\n"}
    )
    submit(page, "Complete action")
    expect(page.get_by_test_id("action-status")).to_have_text("Complete")
    expect(page.get_by_test_id("action-evidence")).to_contain_text("kpi-definitions.csv")
    check_accessibility(page)
    page.get_by_test_id("sign-out").click()

    # Back in the tracker, each action has the RAG its dates and status give it.
    sign_in(page, clerk)
    expect(page.get_by_role("heading", name="Action tracker")).to_be_visible()
    assert rag_in_tracker(page, references["red"]) == "Red"
    assert rag_in_tracker(page, references["amber"]) == "Amber"
    assert rag_in_tracker(page, references["green"]) == "Green"
    assert rag_in_tracker(page, references["complete"]) == "Complete"
    page.get_by_label("RAG", exact=True).select_option("red")
    submit(page, "Apply filters")
    expect(page.get_by_test_id("action-table").locator("tbody tr")).to_have_count(1)
    check_accessibility(page)
