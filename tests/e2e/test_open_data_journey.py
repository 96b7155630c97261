"""A commissioner writes a service's directory listing, checks the preview and publishes it;
then anyone, signed in or not, finds it on the open data page. Each page passes an
accessibility scan."""

import pytest
from playwright.sync_api import expect

from commissioning.constants import ServiceType
from partnership.constants import Role
from tests.factories import (
    AreaFactory,
    CommissionedServiceFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_publishes_a_refuge_listing_without_any_address(
    page, sign_in, check_accessibility, live_server
):
    commissioner = UserFactory(username="commissioner.e2e", roles=[Role.COMMISSIONER])
    refuge = CommissionedServiceFactory(
        name="Beacon House Refuge",
        provider=OrganisationFactory(name="Beacon House Refuges"),
        service_type=ServiceType.REFUGE,
    )
    refuge.areas.add(AreaFactory(name="Northvale"))

    sign_in(page, commissioner)
    page.goto(f"{live_server.url}{refuge.get_absolute_url()}")
    page.get_by_role("link", name="See, change or publish the listing").click()
    expect(page.get_by_role("heading", name="Directory listing")).to_be_visible()
    expect(page.locator(".govuk-tag")).to_have_text("Not published")
    check_accessibility(page)

    page.get_by_role("link", name="Change the listing").click()
    expect(page.get_by_label("Postcode")).to_have_count(0)  # no address fields for a refuge
    check_accessibility(page)
    page.get_by_label("What the service does").fill("Safe accommodation near NV1 2AB.")
    page.get_by_label("Telephone number").fill("01632 960 555")
    page.get_by_label("Arabic").check()
    page.locator("#id_hours-0-days_1").check()
    page.locator("#id_hours-0-opens_at").fill("00:00")
    page.locator("#id_hours-0-closes_at").fill("23:59")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Take the postcode out")
    check_accessibility(page)

    page.get_by_label("What the service does").fill("Safe accommodation with support.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.locator(".app-code-block")).to_contain_text('"service_at_locations": []')
    expect(page.locator(".govuk-summary-list")).to_contain_text("Monday, 24 hours")
    page.get_by_role("button", name="Publish this listing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("published")
    check_accessibility(page)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/open-data/")
    expect(page.get_by_role("heading", name="Open data", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Beacon House Refuge")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Beacon House Refuge").click()
    expect(page.locator("body")).to_contain_text('"name": "Beacon House Refuge"')
