"""Signing in and out in the browser, as each role, with an accessibility scan of every page."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from playwright.sync_api import expect

from partnership.constants import Role
from partnership.navigation import home_url_for, landing_url_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SINGLE_ROLE_USERS = [
    "officer",
    "performance_lead",
    "commissioner",
    "committee_member",
    "clerk",
    "admin_user",
]


def _forbidden(request):
    raise PermissionDenied


# The 403 journey needs a page that refuses a signed-in user whatever the apps' role rules become,
# so it uses this URL conf: the project's own URLs and 403 handler, and one page that always
# refuses.
urlpatterns = [
    path("e2e/forbidden/", _forbidden),
    path("", include("partnership.urls")),
]
handler403 = "partnership.errors.permission_denied"


def _landing_url(user) -> str:
    """Where the app sends this user after signing in, by its own rule (see partnership.views)."""
    return landing_url_for(user) or reverse("home")


def _path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.parametrize("user_fixture", SINGLE_ROLE_USERS)
def test_each_role_signs_in_and_lands_on_its_home(
    request, user_fixture, page, sign_in, check_accessibility
):
    user = request.getfixturevalue(user_fixture)
    page.goto("/login/")
    check_accessibility(page)

    sign_in(page, user)

    assert _path_of(page.url) == _landing_url(user)
    check_accessibility(page)


def test_a_user_with_two_roles_chooses_between_them_on_the_start_page(
    page, sign_in, check_accessibility
):
    roles = [Role.PERFORMANCE_LEAD, Role.COMMISSIONER]
    user = UserFactory(username="lead.and.commissioner", roles=roles)

    sign_in(page, user)

    assert _path_of(page.url) == reverse("home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    for role in roles:
        heading = page.get_by_role("heading", level=2, name=role.label)
        expect(heading).to_be_visible()
        if url := home_url_for(role):
            expect(heading.get_by_role("link")).to_have_attribute("href", url)
    check_accessibility(page)


def test_a_wrong_password_shows_the_error_summary_and_does_not_sign_in(
    page, sign_in, officer, check_accessibility
):
    sign_in(page, officer, password="not-the-password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert _path_of(page.url) == reverse("login")
    check_accessibility(page)

    page.goto("/")
    assert _path_of(page.url).startswith(reverse("login") + "?next=")


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(
    page, sign_in, officer, check_accessibility
):
    for _ in range(5):
        sign_in(page, officer, password="not-the-password")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is locked for 15 minutes"
    )
    expect(page.get_by_role("link", name="try to sign in again")).to_have_attribute(
        "href", reverse("login")
    )
    check_accessibility(page)

    page.goto("/login/")
    sign_in(page, officer)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is locked for 15 minutes"
    )


def test_signing_out_ends_the_session(page, sign_in, officer):
    sign_in(page, officer)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()

    assert _path_of(page.url) == reverse("login")
    page.goto("/")
    assert _path_of(page.url).startswith(reverse("login") + "?next=")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_the_page_not_found_is_clear_and_accessible(page, sign_in, officer, check_accessibility):
    sign_in(page, officer)

    response = page.goto("/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_accessibility(page)


def test_a_refused_page_is_clear_and_accessible(
    page, sign_in, officer, settings, check_accessibility
):
    settings.ROOT_URLCONF = __name__
    sign_in(page, officer)

    response = page.goto("/e2e/forbidden/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    check_accessibility(page)


def test_pages_keep_to_the_content_security_policy_so_govuk_frontend_starts(page, sign_in, officer):
    blocked = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
    )

    page.goto("/login/")
    sign_in(page, officer)
    page.goto("/no-such-page/")

    assert blocked == []
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
