"""A commissioner splits a grant across seven districts in one save, with JavaScript (rows added at
once, a running total as she types) and without it (each "Add another" posts the form and comes
back with what was typed); the allocation and funding pages fit a phone's width."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commissioning.models import GrantAllocation
from partnership.constants import OrganisationKind, Role
from tests.e2e.conftest import scrolls_sideways
from tests.factories import FundingStreamFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DISTRICTS = [f"District {name} Council" for name in "ABCDEFG"]


def _grant():
    for name in DISTRICTS:
        OrganisationFactory(name=name, kind=OrganisationKind.DISTRICT_COUNCIL)
    stream = FundingStreamFactory(name="Safe accommodation grant", total_pence=70_000_00)
    commissioner = UserFactory(username="commissioner.e2e", roles=[Role.COMMISSIONER])
    return stream, commissioner


def _saves(page) -> list[str]:
    """The form posts the page makes, to count saves."""
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    return posts


def _fill_rows(page):
    for i, name in enumerate(DISTRICTS):
        page.locator(f"#id_allocations-{i}-recipient").select_option(label=name)
        page.locator(f"#id_allocations-{i}-amount").fill("10,000")


def test_seven_recipients_in_one_save_with_javascript(page, sign_in, check_accessibility):
    stream, commissioner = _grant()
    sign_in(page, commissioner)
    page.goto(reverse("commissioning:grant_allocations_edit", args=[stream.pk]))
    posts = _saves(page)
    page.get_by_label("Use the amounts entered").check()
    for _ in range(4):
        page.get_by_role("button", name="Add another recipient").click()
    expect(page.locator(".app-add-another__rows > fieldset")).to_have_count(7)
    expect(page.get_by_role("group", name="Recipient 7")).to_be_visible()
    expect(page.locator("#id_allocations-6-recipient")).to_be_focused()
    assert posts == [], "rows are added in the page, without a round trip"

    total = page.locator("[data-running-total-text]")
    page.locator("#id_allocations-0-amount").fill("10,000")
    expect(total).to_have_text(
        "The amounts add up to £10,000.00. That is £60,000.00 less than the grant's total "
        "(£70,000.00)."
    )
    page.locator("#id_allocations-1-amount").fill("ten")
    expect(total).to_contain_text("Some amounts are not numbers yet")
    _fill_rows(page)
    expect(total).to_have_text(
        "The amounts add up to £70,000.00. That is exactly the grant's total."
    )
    check_accessibility(page)

    page.get_by_role("button", name="Save allocations").click()
    expect(page.get_by_text("Allocations of Safe accommodation grant saved.")).to_be_visible()
    assert len(posts) == 1
    assert GrantAllocation.objects.filter(stream=stream).count() == 7


def test_seven_recipients_in_one_save_without_javascript(page_without_javascript, sign_in):
    page = page_without_javascript
    stream, commissioner = _grant()
    sign_in(page, commissioner)
    page.goto(reverse("commissioning:grant_allocations_edit", args=[stream.pk]))
    page.get_by_label("Use the amounts entered").check()
    page.locator("#id_allocations-0-recipient").select_option(label=DISTRICTS[0])
    page.locator("#id_allocations-0-amount").fill("10,000")
    for count in range(4, 8):
        page.get_by_role("button", name="Add another recipient").click()
        expect(page.locator(".app-add-another__rows > fieldset")).to_have_count(count)
    # What was typed before each round trip is still there, and nothing was saved.
    expect(page.locator("#id_allocations-0-amount")).to_have_value("10,000")
    expect(page.get_by_label("Use the amounts entered")).to_be_checked()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert not GrantAllocation.objects.exists()
    # axe cannot run in a page without JavaScript; the same page is scanned in the test above,
    # and the HTML checker reads every page this test receives.

    _fill_rows(page)
    page.get_by_role("button", name="Save allocations").click()
    expect(page.get_by_text("Allocations of Safe accommodation grant saved.")).to_be_visible()
    assert GrantAllocation.objects.filter(stream=stream).count() == 7


def test_the_allocation_and_funding_pages_fit_a_phone(page_at_375, sign_in, check_accessibility):
    page = page_at_375
    stream, commissioner = _grant()
    sign_in(page, commissioner)
    for url in (
        reverse("commissioning:grant_allocations_edit", args=[stream.pk]),
        reverse("commissioning:funding"),
    ):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        assert not scrolls_sideways(page), f"{url} scrolls sideways at 375 px"
        check_accessibility(page)
