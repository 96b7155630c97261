"""A commissioner's delivery plan and a performance lead's review register, in Chromium, with
axe on every page.

The commissioner writes a strategy with a theme and a commitment measured by a dashboard
figure, adds milestones, and sees the commitment's RAG and its figure beside it. The
performance lead adds a review (a date of birth in it is refused) and a recommendation, which
appears in their tracker with its source. A councillor reads the plan and sees the reviews only
as counts, and never the recommendation.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.constants import Role
from tests.factories import AreaFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_date(scope, day):
    scope.get_by_label("Day", exact=True).fill(str(day.day))
    scope.get_by_label("Month", exact=True).fill(str(day.month))
    scope.get_by_label("Year", exact=True).fill(str(day.year))


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def add_milestone(page, text, due):
    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Milestone", exact=True).fill(text)
    fill_date(page, due)
    submit(page, "Save")


def test_commissioner_keeps_a_delivery_plan_with_rag_and_a_linked_figure(
    page, sign_in, check_accessibility
):
    today = timezone.localdate()
    council = OrganisationFactory(name="Eastshire County Council")
    commissioner = UserFactory(
        username="commissioner.plan",
        first_name="Callum",
        last_name="Frost",
        organisation=council,
        roles=[Role.COMMISSIONER],
    )
    councillor = UserFactory(username="cllr.plan", roles=[Role.COMMITTEE_MEMBER])

    sign_in(page, commissioner)
    page.get_by_role("link", name="Delivery plan").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Add a strategy").click()
    check_accessibility(page)
    page.get_by_label("Title", exact=True).fill("Eastshire Domestic Abuse Strategy")
    page.get_by_label("First year", exact=True).fill(str(today.year - 1))
    page.get_by_label("Last year", exact=True).fill(str(today.year + 4))
    submit(page, "Save")
    expect(page.locator(".govuk-caption-l")).to_contain_text(
        f"{today.year - 1}–{(today.year + 4) % 100:02d}"
    )
    page.get_by_role("link", name="Add a theme").click()
    check_accessibility(page)
    page.get_by_label("Title", exact=True).fill("Support for victims and their children")
    submit(page, "Save")
    page.get_by_role("link", name="Add a commitment to theme 1").click()
    check_accessibility(page)
    page.get_by_label("Commitment", exact=True).fill(
        "Contact every referral within one working day"
    )
    page.get_by_label("Lead organisation", exact=True).select_option(
        label="Eastshire County Council"
    )
    page.get_by_label("Owner", exact=True).select_option(
        label="Callum Frost, Eastshire County Council"
    )
    page.get_by_label("Dashboard figure that measures it (optional)").select_option(
        label="Referrals contacted within one working day"
    )
    submit(page, "Save")
    check_accessibility(page)

    # Milestones are actions: one done long ago, one overdue, one later.
    add_milestone(page, "Duty rota extended to every working day", today + timedelta(days=60))
    add_milestone(page, "Audit of first-contact times", today - timedelta(days=3))
    expect(page.get_by_test_id("commitment-rag")).to_contain_text("Red")
    expect(page.get_by_test_id("figure")).to_contain_text(
        "Referrals contacted within one working day"
    )
    check_accessibility(page)
    page.get_by_role("link", name="Back to Eastshire Domestic Abuse Strategy").click()
    row = page.locator('tr[data-commitment="1.1"]')
    expect(row.get_by_test_id("commitment-rag")).to_have_text("Red")
    expect(row.get_by_test_id("figure")).to_contain_text("See it on the dashboard")
    check_accessibility(page)
    for link in ("Change the strategy", "Change theme 1"):
        page.get_by_role("link", name=link).click()
        check_accessibility(page)
        page.get_by_role("link", name="Cancel").click()
    row.get_by_role("link", name="1.1 Contact every referral within one working day").click()
    page.get_by_role("link", name="Change the commitment").click()
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Back to Eastshire Domestic Abuse Strategy").click()
    with page.expect_navigation():
        row.get_by_role("link", name="See it on the dashboard").click()
    assert "#panel-response" in page.url

    # The overdue milestone is in the tracker, found by its source.
    page.goto("/scrutiny/actions/?source=commitment")
    expect(page.get_by_test_id("action-table").locator("tbody tr")).to_have_count(2)
    check_accessibility(page)
    page.get_by_test_id("sign-out").click()

    # A councillor reads the plan, but has nothing to change.
    sign_in(page, councillor)
    page.get_by_role("link", name="Delivery plan").first.click()
    page.get_by_role("link", name="Eastshire Domestic Abuse Strategy").click()
    expect(page.get_by_role("link", name="Add a theme")).to_have_count(0)
    check_accessibility(page)


def test_performance_lead_keeps_the_review_register_and_members_see_counts_only(
    page, sign_in, check_accessibility
):
    today = timezone.localdate()
    AreaFactory(name="Westbrook")
    OrganisationFactory(name="Eastshire Police")
    lead = UserFactory(
        username="performance.reviews",
        first_name="Priya",
        last_name="Lockwood",
        roles=[Role.PERFORMANCE_LEAD],
    )
    councillor = UserFactory(username="cllr.reviews", roles=[Role.COMMITTEE_MEMBER])

    sign_in(page, lead)
    page.get_by_role("link", name="Reviews", exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name="Add a review").click()
    expect(page.locator("main")).to_contain_text("no names or identifying details")
    check_accessibility(page)
    page.get_by_label("Reference", exact=True).fill("DOB 1 2 1980")
    page.get_by_label("Domestic homicide review", exact=True).check()
    page.get_by_label("District", exact=True).select_option(label="Westbrook")
    page.get_by_label("In progress", exact=True).check()
    fill_date(page.get_by_role("group", name="Date commissioned"), today - timedelta(days=200))
    submit(page, "Save")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Reference", exact=True).fill("DHR-2025-03")
    submit(page, "Save")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review DHR-2025-03")
    check_accessibility(page)
    page.get_by_role("link", name="Add a recommendation").click()
    check_accessibility(page)
    page.get_by_label("Recommendation", exact=True).fill(
        "Follow up every referral that cannot be contacted with a second agency."
    )
    page.get_by_label("Agency the recommendation is made to", exact=True).select_option(
        label="Eastshire Police"
    )
    page.get_by_label("Owner", exact=True).select_option(
        label=f"Priya Lockwood, {lead.organisation}"
    )
    fill_date(page, today + timedelta(days=30))
    submit(page, "Save")
    expect(page.get_by_test_id("recommendations")).to_contain_text("Eastshire Police")
    page.get_by_role("link", name="Change the review").click()
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()
    page.goto("/scrutiny/actions/?source=recommendation")
    rows = page.get_by_test_id("action-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Review DHR-2025-03, to Eastshire Police")
    page.goto("/scrutiny/reviews/summary/")
    check_accessibility(page)
    page.get_by_test_id("sign-out").click()

    # The councillor sees counts (suppressed), never the register or the recommendation.
    sign_in(page, councillor)
    page.get_by_role("link", name="Reviews summary").click()
    expect(page.get_by_test_id("reviews-by-status")).to_contain_text("*")
    expect(page.locator("main")).not_to_contain_text("DHR-2025-03")
    check_accessibility(page)
    page.goto("/scrutiny/actions/")
    expect(page.locator("main")).not_to_contain_text("second agency")
    assert page.request.get("/scrutiny/reviews/").status == 403
