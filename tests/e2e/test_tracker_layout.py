"""The action tracker in Chromium: at 1280 px its table fits the page (the list uses the window's
width), at 375 px the page does not scroll sideways and the table scrolls in its own labelled
region; its columns sort from a link with aria-sort, and a page past the end says so."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from partnership.constants import Role
from scrutiny.constants import ActionStatus
from tests.e2e.conftest import scrolls_sideways
from tests.factories import ActionFactory, ResolutionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TRACKER = reverse("scrutiny:action_list")
LONG = (
    "Agree with each provider how waiting times for high-risk referrals are reported each "
    "quarter, and bring the first figures to the Committee with the reasons for any delay."
)


def _actions():
    """A clerk and a few actions with long texts, one of them overdue."""
    clerk = UserFactory(username="clerk.tracker", roles=[Role.CLERK])
    owner = UserFactory(first_name="Priyanka", last_name="Longname-Worthington")
    resolution = ResolutionFactory(text=LONG)
    today = timezone.localdate()
    overdue = ActionFactory(
        resolution=resolution, owner=owner, description=LONG, due_date=today - timedelta(days=2)
    )
    for days in (5, 40, 90):
        ActionFactory(
            resolution=resolution, owner=owner, description=LONG, due_date=today + timedelta(days)
        )
    ActionFactory(resolution=resolution, owner=owner, status=ActionStatus.COMPLETE)
    return clerk, overdue


def _table_fits(page) -> bool:
    return page.get_by_role("region", name="Actions").evaluate(
        "region => region.scrollWidth <= region.clientWidth"
    )


def test_the_tracker_fits_the_page_at_1280_and_sorts_by_rag(page, sign_in, check_accessibility):
    clerk, overdue = _actions()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, clerk)
    page.goto(TRACKER)
    expect(page.get_by_test_id("row-count")).to_contain_text("5 actions shown.")
    assert _table_fits(page), "the tracker's table is wider than the page at 1280 px"
    assert not scrolls_sideways(page)
    check_accessibility(page)

    table = page.get_by_test_id("action-table")
    page.get_by_role("link", name="RAG", exact=True).click()
    rag = table.get_by_role("columnheader", name="RAG")
    expect(rag).to_have_attribute("aria-sort", "ascending")
    expect(table.get_by_role("columnheader", name="Due date")).to_have_attribute(
        "aria-sort", "none"
    )
    rows = table.locator("tbody tr")
    expect(rows.first).to_have_attribute("data-reference", overdue.reference)
    # The header is a link, so the keyboard sorts too: the other way round this time.
    page.get_by_role("link", name="RAG", exact=True).focus()
    page.keyboard.press("Enter")
    expect(rag).to_have_attribute("aria-sort", "descending")
    expect(rows.last).to_have_attribute("data-reference", overdue.reference)

    page.goto(f"{TRACKER}?page=9999")
    expect(page.get_by_test_id("row-count")).to_contain_text(
        "There is no page 9999 of these actions: they fill 1 page."
    )
    check_accessibility(page)


def test_the_tracker_fits_a_phone_with_its_table_in_a_labelled_region(
    page_at_375, sign_in, check_accessibility
):
    page = page_at_375
    clerk, _overdue = _actions()
    sign_in(page, clerk)
    page.goto(f"{TRACKER}?status=open")
    expect(page.get_by_test_id("filters-on")).to_contain_text("Status: Open")
    assert not scrolls_sideways(page), "the tracker scrolls sideways at 375 px"
    region = page.get_by_role("region", name="Actions")
    expect(region).to_have_attribute("tabindex", "0")
    assert not _table_fits(page)  # it scrolls in its region, not the page
    check_accessibility(page)
