"""Second factor, recovery and retention in the browser, with an accessibility scan of each page:
setting up an authenticator at first sign-in, a wrong then a right code, a recovery code, a
forgotten password by e-mail, and a legal hold on the retention page."""

import re
from base64 import b32decode
from datetime import timedelta

import pyotp
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from playwright.sync_api import expect

from partnership import two_factor
from referrals.constants import Status
from tests.conftest import authenticator_for
from tests.e2e.conftest import PASSWORD, authenticator_code, enter_authenticator_code
from tests.factories import ReferralFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def closed_referral_for_e2e(db):
    """A referral due for anonymising within the next 90 days."""
    closed = timezone.now() - timedelta(days=6 * 365 - 30)
    return ReferralFactory(
        received_at=closed - timedelta(days=40),
        status=Status.CLOSED,
        status_changed_at=closed,
        closed_at=closed,
        closure_reason="support_completed",
    )


def password_step(page, user, password=PASSWORD):
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_an_officer_sets_up_an_authenticator_at_first_sign_in(page, officer, check_accessibility):
    password_step(page, officer)

    assert _path_of(page.url) == reverse("login_set_up")
    expect(
        page.get_by_role("img", name="QR code for setting up your authenticator app")
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_text("I cannot scan the QR code").click()
    key = page.get_by_test_id("secret-key").inner_text().replace(" ", "")
    b32decode(key)  # a real base32 key, as an app takes it typed
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(key).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="I have saved my recovery codes").click()
    assert _path_of(page.url) == reverse("referrals:referral_list")
    assert two_factor.has_authenticator(officer)


def test_an_officer_moves_the_authenticator_to_a_new_phone(
    page, sign_in, officer, check_accessibility
):
    sign_in(page, officer)
    old = two_factor.authenticator_of(officer)
    page.goto(reverse("account"))
    with page.expect_navigation():
        page.get_by_role("button", name="Move to a new phone").click()
    check_accessibility(page)
    page.get_by_text("I cannot scan the QR code").click()
    key = page.get_by_test_id("secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app you use now").fill(authenticator_code(old))
    page.get_by_label("Code from the new app").fill(pyotp.TOTP(key).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Move to the new phone").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    new = two_factor.authenticator_of(officer)
    assert new is not None and new.pk != old.pk
    assert two_factor.key_as_text(new).replace(" ", "") == key


def test_a_wrong_code_is_explained_and_a_right_one_signs_in(page, officer, check_accessibility):
    device = authenticator_for(officer)
    password_step(page, officer)
    assert _path_of(page.url) == reverse("login_code")
    check_accessibility(page)

    page.get_by_label("Code from your authenticator app").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The code is not right")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_accessibility(page)
    enter_authenticator_code(page, device)
    assert _path_of(page.url) == reverse("referrals:referral_list")


def test_a_recovery_code_signs_in_when_the_phone_is_lost(page, officer, check_accessibility):
    authenticator_for(officer)
    StaticDevice.objects.create(user=officer, name="Recovery codes").token_set.create(
        token="lost2phone"
    )
    password_step(page, officer)

    page.get_by_role("link", name="Use a recovery code instead").click()
    check_accessibility(page)
    page.get_by_label("Recovery code").fill("lost2phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have 0 left")
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check_accessibility(page)


def test_a_forgotten_password_is_reset_by_e_mail_and_the_code_still_asked(
    page, officer, check_accessibility
):
    device = authenticator_for(officer)
    page.goto("/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page)
    page.get_by_label("Email address").fill(officer.email)
    with page.expect_navigation():
        page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_accessibility(page)

    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto(_path_of(link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    check_accessibility(page)
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase-7")
    page.get_by_label("New password confirmation").fill("a-brand-new-passphrase-7")
    with page.expect_navigation():
        page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been set")
    check_accessibility(page)

    password_step(page, officer, password="a-brand-new-passphrase-7")
    assert _path_of(page.url) == reverse("login_code")
    page.get_by_label("Code from your authenticator app").fill(authenticator_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert _path_of(page.url) == reverse("referrals:referral_list")


def test_a_performance_lead_places_and_releases_a_legal_hold(
    page, sign_in, performance_lead, closed_referral_for_e2e, check_accessibility
):
    referral = closed_referral_for_e2e
    sign_in(page, performance_lead)
    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_test_id("due-referrals")).to_contain_text(referral.reference)
    check_accessibility(page)

    page.get_by_role("button", name="Place a legal hold").click()
    page.get_by_label("Referral", exact=True).check()
    page.get_by_label("Reference").fill(referral.reference)
    page.get_by_label("Reason for the hold").fill("Complaint to the ombudsman (test)")
    review_on = timezone.localdate() + timedelta(days=365)
    page.get_by_label("Day").fill(str(review_on.day))
    page.get_by_label("Month").fill(str(review_on.month))
    page.get_by_label("Year").fill(str(review_on.year))
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Place the hold").click()

    expect(page.get_by_test_id("holds")).to_contain_text(referral.reference)
    check_accessibility(page)
    page.get_by_role("link", name=f"Release the hold on {referral.reference}").click()
    page.get_by_label("Why the hold is no longer needed").fill("Complaint closed.")
    with page.expect_navigation():
        page.get_by_role("button", name="Release the hold").click()
    expect(page.get_by_text("No record is on legal hold.")).to_be_visible()


def test_an_admin_deactivates_a_user_with_one_click(page, sign_in, admin_user):
    leaver = UserFactory(username="leaver", roles=["clerk"])
    sign_in(page, admin_user)

    page.goto(reverse("admin:partnership_user_change", args=[leaver.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Deactivate").click()

    expect(page.locator(".messagelist")).to_contain_text("is deactivated")
    leaver.refresh_from_db()
    assert not leaver.is_active
