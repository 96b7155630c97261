"""Sessions end when idle or old, logged-in pages are never cached, cookies are secure in
production, and 5 wrong passwords lock an account."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.partnership.conftest import PRODUCTION_ENV

PASSWORD = "correct-horse-battery"
COOKIE_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
]


@pytest.fixture
def clock(monkeypatch):
    """Django's clock (and the copies axes imported), moved forward by `clock.advance(...)`."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    frozen = Clock()
    for target in ["django.utils.timezone.now", "axes.handlers.proxy.now", "axes.attempts.now"]:
        monkeypatch.setattr(target, lambda: frozen.now)
    return frozen


@pytest.fixture
def user(db):
    """Roles without a second factor, so the password alone signs in (codes: test_two_factor)."""
    return UserFactory(username="session.user", roles=["clerk", "committee_member"])


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def is_signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_activity_keeps_a_session_alive_past_30_minutes(client, user, clock):
    sign_in(client, user.username)
    for _ in range(3):
        clock.advance(minutes=29)
        assert is_signed_in(client)


def test_a_session_idle_for_more_than_30_minutes_is_over(client, user, clock):
    sign_in(client, user.username)
    clock.advance(minutes=29)
    assert is_signed_in(client)

    clock.advance(minutes=31)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_ends_12_hours_after_sign_in_however_active(client, user, clock):
    sign_in(client, user.username)
    for _ in range(28):  # a request every 25 minutes: 11 hours 40 minutes
        clock.advance(minutes=25)
        assert is_signed_in(client)

    clock.advance(minutes=25)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not is_signed_in(client)


def test_signing_in_again_after_12_hours_starts_a_new_session(client, user, clock):
    sign_in(client, user.username)
    clock.advance(hours=12, minutes=1)
    client.get(reverse("home"))

    sign_in(client, user.username)

    assert is_signed_in(client)


def test_pages_for_a_signed_in_user_are_never_stored(login, user):
    client = login(user)

    for url in [reverse("home"), "/no-such-page/", reverse("login")]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_production_settings_make_cookies_secure_http_only_and_same_site(load_settings):
    production = load_settings(**PRODUCTION_ENV)

    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000


def test_cookies_sent_in_production_carry_the_secure_flags(client, user, settings, load_settings):
    production = load_settings(**PRODUCTION_ENV)
    for name in COOKIE_SETTINGS:
        setattr(settings, name, production[name])

    login_page = client.get(reverse("login"), secure=True)
    response = sign_in(client, user.username, secure=True)

    csrf = login_page.cookies["csrftoken"]
    session = response.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_production_sends_plain_http_to_https(client, settings, load_settings):
    settings.SECURE_SSL_REDIRECT = load_settings(**PRODUCTION_ENV)["SECURE_SSL_REDIRECT"]

    response = client.get(reverse("login"))

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_five_wrong_passwords_lock_the_account_with_a_clear_page(client, user, settings):
    assert settings.AXES_ENABLED
    for _ in range(4):
        response = sign_in(client, user.username, password="wrong-password-here")
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()

    response = sign_in(client, user.username, password="wrong-password-here")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Your account is locked for 15 minutes" in page
    assert "govuk-heading-l" in page  # the service's own page, not axes' plain text


def test_a_locked_account_cannot_sign_in_even_with_the_right_password(client, user):
    for _ in range(5):
        sign_in(client, user.username, password="wrong-password-here")

    response = sign_in(client, user.username)

    assert response.status_code == 429
    assert "Your account is locked for 15 minutes" in response.content.decode()
    assert not is_signed_in(client)


def test_a_locked_account_can_sign_in_after_15_minutes(client, user, clock):
    for _ in range(5):
        sign_in(client, user.username, password="wrong-password-here")

    clock.advance(minutes=16)
    response = sign_in(client, user.username)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_four_wrong_passwords_do_not_lock_the_account(client, user):
    for _ in range(4):
        sign_in(client, user.username, password="wrong-password-here")

    response = sign_in(client, user.username)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_one_locked_account_does_not_lock_colleagues_at_the_same_address(client, user):
    colleague = UserFactory(username="colleague", roles=["clerk"])
    for _ in range(5):
        sign_in(client, user.username, password="wrong-password-here")

    response = sign_in(client, colleague.username)

    assert response.status_code == 302
