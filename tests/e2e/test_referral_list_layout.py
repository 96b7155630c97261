"""The officer's referral list fits a phone: the page never scrolls sideways at 375 px, and the
table scrolls inside its own labelled region (issue 16)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership.constants import Role
from tests.e2e.conftest import scrolls_sideways
from tests.factories import (
    CommissionedServiceFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_referral_list_fits_a_phone(page_at_375, sign_in, check_accessibility):
    agency = OrganisationFactory(name="Harbour Test")
    officer = UserFactory(username="officer.phone", organisation=agency, roles=[Role.OFFICER])
    service = CommissionedServiceFactory(
        name="Independent domestic violence advisers", provider=agency
    )
    ReferralFactory.create_batch(3, service=service, logged_by=officer)
    page = page_at_375
    sign_in(page, officer)

    page.goto(reverse("referrals:referral_list"))
    expect(page.get_by_role("region", name="Referrals")).to_be_visible()
    assert not scrolls_sideways(page), "the referral list scrolls sideways at 375 px"
    check_accessibility(page)
