"""A performance lead imports a provider's return in the browser: reads the format, uploads a
file with two bad rows, sees the preview with every rejected row, is refused until choosing to
leave them out, confirms, and sees the result; every page passes an accessibility scan. The
imported referrals are then in the referral list."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.constants import Role
from referrals.models import Referral
from tests.factories import (
    AreaFactory,
    CommissionedServiceFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.referrals.imports.conftest import csv_bytes, moment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _return_file(tmp_path):
    received = timezone.localtime() - timedelta(days=5)
    good = {
        "Received": moment(received),
        "Referral source": "Police",
        "Subject": "Victim-survivor",
        "District": "Testvale",
        "Risk level": "High",
        "Heard at MARAC": "No",
        "Children in household": "1",
        "Person key": "robin example|1990-08-02",
        "Age band": "25 to 34",
        "Gender": "Woman",
        "Ethnic group": "White: Irish",
        "Disability": "No",
        "Sexual orientation": "Not known",
        "No recourse to public funds": "No",
        "First contact": moment(received + timedelta(hours=3)),
    }
    rows = [
        good | {"Case ID": "E2E-1"},
        good | {"Case ID": "E2E-2", "Risk level": "Extreme"},
        good | {"Case ID": "E2E-3", "Person key": "kim sample|1985-01-20"},
        good | {"Case ID": "E2E-4", "First contact": moment(received - timedelta(hours=1))},
        good | {"Case ID": "E2E-5", "District": "Out of area"},
    ]
    path = tmp_path / "harbour-return.csv"
    path.write_bytes(csv_bytes(rows))
    return path


def test_a_performance_lead_imports_a_return_leaving_out_its_rejected_rows(
    page, sign_in, check_accessibility, tmp_path
):
    provider = OrganisationFactory(name="Harbour Test")
    CommissionedServiceFactory(name="IDVA service", provider=provider)
    AreaFactory(name="Testvale")
    lead = UserFactory(username="lead.e2e", roles=[Role.PERFORMANCE_LEAD])

    sign_in(page, lead)
    expect(page.get_by_role("heading", name="Provider returns", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Read what each column holds").click()
    expect(page.get_by_role("heading", name="The return format")).to_be_visible()
    expect(page.get_by_test_id("dictionary")).to_contain_text("Victim-survivor (victim_survivor)")
    check_accessibility(page)
    page.get_by_role("link", name="Back to provider returns").click()

    page.get_by_role("button", name="Import a return").click()
    expect(page.get_by_role("heading", name="Import a return")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the return file to upload")
    check_accessibility(page)

    page.get_by_label("Service the return is for").select_option(
        label="IDVA service (Harbour Test)"
    )
    page.get_by_label("Return file").set_input_files(_return_file(tmp_path))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Import of harbour-return.csv")).to_be_visible()
    expect(page.get_by_test_id("created")).to_have_text("3")
    expect(page.get_by_test_id("rejected")).to_have_text("2")
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("Enter one of: Standard, Medium or High")
    expect(problems).to_contain_text("cannot be before the referral was received")
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download every reason as CSV").click()
    assert download.value.suggested_filename.startswith("rejected-rows-import-")

    page.get_by_role("button", name="Import 3 referrals").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box to leave them out")
    assert not Referral.objects.exists()
    check_accessibility(page)

    page.get_by_label("Leave out the 2 rejected rows and import the rest").check()
    page.get_by_role("button", name="Import 3 referrals").click()
    expect(page.get_by_test_id("applied")).to_contain_text("3 created, 0 updated, 0 unchanged")
    expect(page.get_by_test_id("left-out")).to_contain_text("The 2 rejected rows")
    check_accessibility(page)
    assert Referral.objects.count() == 3

    page.get_by_role("link", name="referral list").click()
    expect(page.get_by_role("heading", name="3 referrals")).to_be_visible()

    page.get_by_role("link", name="Provider returns").click()
    expect(page.get_by_test_id("imports")).to_contain_text("Applied, 2 rejected rows left out")
    check_accessibility(page)
