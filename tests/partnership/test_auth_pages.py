"""Signing in and out, the start page for each role, the navigation each role sees, and that an
anonymous visitor gets nothing but the login page (and the open data)."""

import itertools
import re
import uuid

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from partnership.constants import Role
from partnership.navigation import NAV_ITEMS, ROLE_HOMES
from partnership.views import ROLE_DESCRIPTIONS
from tests.conftest import authenticator_for
from tests.factories import UserFactory
from tests.partnership.otp import current_code

PASSWORD = "correct-horse-battery"
SAMPLE_VALUES = ["1", "partnership", "x", str(uuid.UUID(int=1))]
MENU = re.compile(r'<ul class="govuk-service-navigation__list".*?</ul>', re.S)
MENU_LINK = re.compile(
    r'class="govuk-service-navigation__link" href="([^"]*)"[^>]*>(.*?)</a>', re.S
)


def sign_in(client, username, password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def nav_labels(response) -> list[str]:
    menu = MENU.search(response.content.decode()).group(0)
    return [re.sub(r"<[^>]+>", "", label).strip() for _, label in MENU_LINK.findall(menu)]


def nav_links(response) -> list[str]:
    menu = MENU.search(response.content.decode()).group(0)
    return [href for href, _ in MENU_LINK.findall(menu)]


def _named_patterns(resolver: URLResolver, namespace="", params=()):
    """Every named URL, with its parameters' names and converters (None for a regex group)."""
    for pattern in resolver.url_patterns:
        converters = pattern.pattern.converters
        found = params + tuple((n, converters.get(n)) for n in pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern, inner, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", dict(found)


def _sample_url(name: str, params: dict) -> str:
    choices = []
    for converter in params.values():
        if isinstance(converter, IntConverter):
            choices.append(["1"])
        elif isinstance(converter, UUIDConverter):
            choices.append([str(uuid.UUID(int=1))])
        else:
            choices.append(SAMPLE_VALUES)
    for values in itertools.product(*choices):
        try:
            return reverse(name, kwargs=dict(zip(params, values, strict=True)))
        except NoReverseMatch:
            continue
    raise AssertionError(f"could not make a URL for {name} with {list(params)}")


def every_url() -> list[str]:
    return sorted({_sample_url(name, params) for name, params in _named_patterns(get_resolver())})


@pytest.fixture
def user(db):
    """A user whose role needs no second factor, so the password alone signs them in."""
    return UserFactory(username="page.user", roles=[Role.COMMITTEE_MEMBER])


def test_login_page_shows_the_sign_in_form_and_the_lockout_rule(client, db):
    response = client.get(reverse("login"))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
    assert "After 5 wrong passwords or codes in 15 minutes your account is locked" in page
    assert reverse("password_reset") in page


def test_signing_in_goes_to_the_start_page(client, user):
    response = sign_in(client, user.username)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_signing_in_returns_to_the_page_first_asked_for(client, user):
    response = sign_in(client, user.username, next_url="/no-such-page/")

    assert response["Location"] == "/no-such-page/"


def test_signing_in_never_sends_the_user_to_another_site(client, user):
    response = sign_in(client, user.username, next_url="https://attacker.example/")

    assert response["Location"] == reverse("home")


def test_a_wrong_password_shows_an_error_and_does_not_sign_in(client, user):
    response = sign_in(client, user.username, password="not-the-password")

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a correct username and password" in page
    assert client.get(reverse("home")).status_code == 302


def test_a_signed_in_user_asking_for_the_login_page_goes_to_the_start_page(login, user):
    response = login(user).get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_signing_out_ends_the_session_and_returns_to_the_login_page(login, user):
    client = login(user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_signing_out_needs_a_form_post_so_a_link_cannot_sign_anyone_out(login, user):
    client = login(user)

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code in (200, 302)
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("role", list(Role))
def test_a_user_with_one_role_starts_at_that_roles_home(login, db, role):
    client = login(UserFactory(username=f"only.{role}", roles=[role]))

    response = client.get(reverse("home"))

    if role in ROLE_HOMES and role != Role.ADMIN:
        assert response.status_code == 302
        assert response["Location"] == reverse(ROLE_HOMES[role])
        assert client.get(response["Location"]).status_code == 200
    else:
        assert response.status_code == 200
        assert ROLE_DESCRIPTIONS[role] in response.content.decode()


def test_an_admin_starts_on_the_apps_own_home_with_every_part_and_a_link_to_the_admin(login, db):
    client = login(UserFactory(username="only.admin", roles=[Role.ADMIN]))

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("admin:index")}">administration site</a>' in page
    for role in Role:
        assert ROLE_DESCRIPTIONS[role] in page
        if role in ROLE_HOMES:
            assert f'href="{reverse(ROLE_HOMES[role])}"' in page
    # and the service's own navigation, every part of it
    for label in ("Dashboard", "Referrals", "Action tracker", "Commissioning", "Admin"):
        assert f">{label}</a>" in page, label


def test_admin_model_names_read_properly(login, admin_user):
    page = login(admin_user).get(reverse("admin:index")).content.decode()
    assert "Reminders sent" in page
    assert "Reminder sents" not in page


def test_a_user_with_several_roles_chooses_where_to_start(login, db):
    client = login(UserFactory(username="two.roles", roles=[Role.COMMISSIONER, Role.CLERK]))

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You hold 2 roles. Choose where to start." in page
    assert ROLE_DESCRIPTIONS[Role.COMMISSIONER] in page
    assert ROLE_DESCRIPTIONS[Role.CLERK] in page
    assert ROLE_DESCRIPTIONS[Role.OFFICER] not in page


def test_a_user_without_a_role_is_told_to_ask_for_one(login, db):
    client = login(UserFactory(username="no.roles", roles=[]))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Ask your administrator to give you a role" in response.content.decode()
    assert nav_labels(response) == []


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_offers_only_what_the_role_may_use(login, db, role):
    client = login(UserFactory(username=f"nav.{role}", roles=[role]))

    # The not-found page has the navigation on every role's account, whatever their home is.
    response = client.get("/no-such-page/")

    allowed = [item.label for item in NAV_ITEMS if role == Role.ADMIN or role in item.roles]
    assert response.status_code == 404
    assert nav_labels(response) == allowed
    assert 'data-testid="sign-out"' in response.content.decode()
    for url in nav_links(response):
        assert client.get(url, follow=True).status_code == 200, f"{role} was offered {url}"


# The open data is public on purpose; test_anonymous_urls.py lists exactly which URLs.
OPEN_TO_ANYONE = ("/open-referral/", "/open-data/")

# Pages for people who cannot sign in: they show no data and name no account. The health check
# answers the orchestrator's probe: four check names and "ok" or "failing" (test_health.py).
OPEN_TO_ANONYMOUS = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "health",
}


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_url(client, db):
    login_url = reverse("login")
    open_urls = {reverse(name) for name in OPEN_TO_ANONYMOUS}
    reset_link = re.compile(r"^/password-reset/[^/]+/[^/]+/$")
    leaks = []
    for url in every_url():
        if url == login_url or url.startswith(OPEN_TO_ANYONE) or url in open_urls:
            continue
        if reset_link.match(url):
            # A link from the e-mail: without a right token it says so and shows no form.
            page = client.get(url).content.decode()
            assert "This link does not work" in page and "new_password1" not in page
            continue
        response = client.get(url, follow=True)
        final_path = response.redirect_chain[-1][0] if response.redirect_chain else url
        if response.status_code != 200 or not final_path.startswith(login_url):
            leaks.append(f"{url}: {response.status_code} at {final_path}")
    assert not leaks, "\n".join(leaks)


def test_anonymous_visitors_can_load_the_login_page_and_static_files(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/static/govuk/app.css").status_code == 200


def test_the_admin_sends_anonymous_visitors_to_the_service_login_and_back(client, db):
    admin = UserFactory(username="admin.person", roles=[Role.ADMIN])
    device = authenticator_for(admin)

    response = client.get(reverse("admin:index"), follow=True)
    login_url = response.redirect_chain[-1][0]
    assert login_url.startswith(reverse("login") + "?next=")

    response = client.post(login_url, {"username": admin.username, "password": PASSWORD})
    assert response["Location"] == reverse("login_code")
    response = client.post(reverse("login_code"), {"code": current_code(device)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert response.status_code == 200
