"""A committee member's journey through the dashboard, in Chromium, with axe on each page state.

They sign in and land on the dashboard for the last complete quarter, choose another quarter and
a service with the form (no JavaScript needed), and download a panel as CSV, whose small counts
are suppressed as on the page.
"""

import csv

import pytest
from playwright.sync_api import expect

from partnership.constants import Role
from tests.e2e.conftest import scrolls_sideways
from tests.factories import AreaFactory, CommissionedServiceFactory, UserFactory
from tests.scrutiny.test_dashboard import LAST_YEAR, Q, refer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def show(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()


def test_committee_member_reads_the_dashboard_and_downloads_a_panel(
    page, sign_in, check_accessibility
):
    north = AreaFactory(name="Northvale", population=100_000)
    south = AreaFactory(name="Southmere", population=50_000)
    idva = CommissionedServiceFactory(name="Harbour Lights IDVA")
    helpline = CommissionedServiceFactory(name="Harbour Lights Helpline")
    refer(Q, 40, area=north, service=idva, contacted=True)
    refer(Q, 3, area=south, service=idva, contacted=False)
    refer(Q, 10, area=None, service=helpline, contacted=True)
    refer(LAST_YEAR, 25, area=north, service=idva, contacted=True)
    refer(LAST_YEAR, 12, area=south, service=helpline, contacted=True)
    councillor = UserFactory(username="councillor.e2e", roles=[Role.COMMITTEE_MEMBER])

    sign_in(page, councillor)
    expect(page.get_by_role("heading", name=f"Committee dashboard: {Q}")).to_be_visible()
    expect(page.get_by_label("Quarter", exact=True)).to_have_value(Q.label)
    expect(page.get_by_role("row", name="Southmere * *")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Quarter", exact=True).select_option(LAST_YEAR.label)
    page.get_by_label("Service", exact=True).select_option(label="Harbour Lights Helpline")
    show(page)
    expect(page.get_by_role("heading", name=f"Committee dashboard: {LAST_YEAR}")).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_have_text("Harbour Lights Helpline")
    expect(page.get_by_role("row", name="Referrals received 10")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Quarter", exact=True).select_option(Q.label)
    page.get_by_label("Service", exact=True).select_option(label="All services")
    show(page)
    page.get_by_text("Show the figures for this chart").first.click()
    check_accessibility(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download referrals by district as CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-all-services-districts.csv")
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["District", "Referrals", "Referrals per 10,000 population"]
    assert ["Southmere", "*", "*"] in rows
    # Northvale is all the IDVA's 40, which the IDVA's own view hides beside its Southmere 3.
    assert ["Northvale", "*", "*"] in rows
    assert ["Out of area", "10", "–"] in rows


def test_the_dashboard_fits_a_phone(page_at_375, sign_in, check_accessibility):
    """At 375 px only a table's own region scrolls sideways, never the page (the equality
    profile's four columns did not fit and pushed the whole page wider)."""
    idva = CommissionedServiceFactory(name="Harbour Lights IDVA")
    north = AreaFactory(name="Northvale", population=100_000)
    refer(Q, 30, area=north, service=idva, contacted=True)
    councillor = UserFactory(username="councillor.phone", roles=[Role.COMMITTEE_MEMBER])

    page = sign_in(page_at_375, councillor)

    expect(page.get_by_role("heading", name=f"Committee dashboard: {Q}")).to_be_visible()
    assert not scrolls_sideways(page), "the dashboard scrolls sideways at 375 px"
    check_accessibility(page)
