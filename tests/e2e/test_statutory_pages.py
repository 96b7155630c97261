"""The statutory figures' own pages in Chromium, blank and with their errors: an officer's safe
accommodation and Marac steps, and a performance lead's definitions page. Each passes axe, and
the Nu HTML Checker reads every page received (tests/e2e/conftest.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from commissioning.constants import ServiceType
from partnership.constants import Role
from tests.factories import (
    CommissionedServiceFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_statutory_step_and_definition_pages_are_valid_with_and_without_errors(
    page, sign_in, check_accessibility
):
    agency = OrganisationFactory(name="Harbour Test")
    refuge = CommissionedServiceFactory(
        name="Test refuge", provider=agency, service_type=ServiceType.REFUGE
    )
    received = timezone.now() - timedelta(days=3)
    referral = ReferralFactory(
        service=refuge,
        received_at=received,
        status="in_support",
        first_contact_at=received + timedelta(hours=2),
        support_started_at=received + timedelta(days=1),
        accommodation_type="refuge",
    )
    officer = UserFactory(username="officer.statutory", organisation=agency, roles=[Role.OFFICER])
    lead = UserFactory(username="lead.statutory", roles=[Role.PERFORMANCE_LEAD])

    sign_in(page, officer)
    for action, button in (
        ("accommodation", "Save the details"),
        ("marac", "Save the Marac hearing"),
    ):
        page.goto(reverse("referrals:referral_action", args=[referral.pk, action]))
        check_accessibility(page)
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, lead)
    page.goto(reverse("commissioning:service_definitions", args=[refuge.pk]))
    expect(page.get_by_role("heading", name="Definitions", level=1)).to_be_visible()
    check_accessibility(page)
    page.locator("#id_effective_from_0").fill("")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
