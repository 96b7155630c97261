"""An officer logs a referral in the browser, sees the next one for the same person flagged as a
repeat, records contact and closes it with outcomes; every page passes an accessibility scan.
Another agency's officer cannot open it (tested without a browser in tests/referrals too)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from partnership.constants import Role
from referrals.constants import Status
from referrals.models import Referral
from tests.conftest import sign_in_client
from tests.factories import (
    AreaFactory,
    CommissionedServiceFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_referral(page, received):
    page.get_by_label("Service referred to").select_option(label="IDVA service (Harbour Test)")
    page.locator("#id_received_date_0").fill(str(received.day))
    page.locator("#id_received_date_1").fill(str(received.month))
    page.locator("#id_received_date_2").fill(str(received.year))
    page.get_by_label("Time received").fill(received.strftime("%H:%M"))
    page.get_by_label("MARAC", exact=True).check()
    page.get_by_label("Victim-survivor").check()
    page.get_by_label("District of residence").select_option(label="Testvale")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Number of children in the household").fill("2")
    page.get_by_label("Full name").fill("Robin Example")
    page.locator("#id_date_of_birth_0").fill("2")
    page.locator("#id_date_of_birth_1").fill("8")
    page.locator("#id_date_of_birth_2").fill("1990")
    page.get_by_label("Postcode (optional)").fill("ZZ99 1AB")
    page.get_by_label("House number or name (optional)").fill("12")
    page.get_by_role("button", name="Save referral").click()


def test_an_officer_logs_a_repeat_referral_records_contact_and_closes_it(
    page, sign_in, check_accessibility
):
    agency = OrganisationFactory(name="Harbour Test")
    officer = UserFactory(username="officer.e2e", organisation=agency, roles=[Role.OFFICER])
    CommissionedServiceFactory(name="IDVA service", provider=agency)
    AreaFactory(name="Testvale")
    received = timezone.localtime() - timedelta(hours=1)

    sign_in(page, officer)
    expect(page.get_by_role("heading", name="Referrals", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Log a referral").click()
    expect(page.get_by_role("heading", name="Log a referral")).to_be_visible()
    check_accessibility(page)
    # A form with an error says how to fix it, and keeps what was typed, identifiers included.
    page.get_by_label("Full name").fill("Robin Example")
    page.get_by_label("Postcode (optional)").fill("ZZ99 1AB")
    page.get_by_label("House number or name (optional)").fill("12")
    page.locator("#id_date_of_birth_2").fill("1990")
    page.get_by_role("button", name="Save referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the service the person was referred to"
    )
    expect(page.locator(".govuk-error-summary")).not_to_contain_text("not stored")
    expect(page.get_by_test_id("identifiers-notice")).to_contain_text("not stored")
    expect(page.get_by_label("Full name")).to_have_value("Robin Example")
    expect(page.get_by_label("Postcode (optional)")).to_have_value("ZZ99 1AB")
    expect(page.get_by_label("House number or name (optional)")).to_have_value("12")
    expect(page.locator("#id_date_of_birth_2")).to_have_value("1990")
    check_accessibility(page)

    _log_referral(page, received)
    first = Referral.objects.get()
    expect(page.get_by_role("heading", name=f"Referral {first.reference}")).to_be_visible()
    expect(page.get_by_test_id("repeat-notice")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Back to referrals").click()
    page.get_by_role("button", name="Log a referral").click()
    _log_referral(page, received + timedelta(minutes=30))
    second = Referral.objects.exclude(pk=first.pk).get()
    expect(page.get_by_role("heading", name=f"Referral {second.reference}")).to_be_visible()
    expect(page.get_by_test_id("repeat-notice")).to_contain_text(
        f"This person was referred before, within 12 months: the earlier referral is "
        f"{first.reference}"
    )
    check_accessibility(page)

    page.get_by_role("button", name="Record contact").click()
    expect(page.get_by_role("heading", name="Record contact")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Record contact").click()
    expect(page.get_by_test_id("status")).to_have_text("Contacted")
    expect(page.get_by_test_id("history")).to_contain_text("Received to contacted")
    check_accessibility(page)

    page.get_by_role("button", name="Close with outcomes").click()
    check_accessibility(page)
    page.get_by_label("Support completed").check()
    page.get_by_label("Feels safer").check()
    page.get_by_label("Risk reduced").check()
    page.get_by_role("button", name="Close referral").click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    expect(page.get_by_test_id("outcomes")).to_contain_text("Feels safer")
    check_accessibility(page)

    second.refresh_from_db()
    assert second.status == Status.CLOSED
    assert second.is_repeat and second.repeat_of == first
    assert second.contacted_within_sla is True

    page.get_by_role("link", name="Back to referrals").click()
    expect(page.get_by_text(second.reference)).to_be_visible()
    check_accessibility(page)

    stranger = UserFactory(
        username="other.e2e", organisation=OrganisationFactory(name="Elsewhere"), roles=["officer"]
    )
    client = Client()
    sign_in_client(client, stranger)
    assert client.get(second.get_absolute_url()).status_code == 404
