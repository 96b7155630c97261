"""Forgotten passwords: a single-use e-mailed link that lasts an hour, the same answer for any
address, and the second factor left as it was."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from partnership import two_factor
from partnership.models import AuditEvent
from tests.conftest import authenticator_for

NEW_PASSWORD = "a-long-new-passphrase-42"


def ask_for_link(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def link_path() -> str:
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[-1].body).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


def set_password(client, path, password=NEW_PASSWORD, again=None):
    form = client.get(path, follow=True)
    return client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": password, "new_password2": again or password},
    )


@pytest.fixture
def user(officer):
    authenticator_for(officer)
    return officer


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, user):
    known = ask_for_link(client, user.email)
    unknown = ask_for_link(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If the address you gave belongs to an account" in page


def test_the_link_sets_a_new_password_once(client, user):
    ask_for_link(client, user.email)
    path = link_path()

    response = set_password(client, path)

    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(detail={"password": "set through an e-mailed link"}).exists()
    again = client.get(path, follow=True).content.decode()
    assert "This link does not work" in again


def test_the_link_expires_after_an_hour(client, user, monkeypatch):
    ask_for_link(client, user.email)
    path = link_path()
    later = datetime.now() + timedelta(minutes=61)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    page = client.get(path, follow=True).content.decode()

    assert "This link does not work" in page
    assert "new_password1" not in page


def test_a_password_that_breaks_the_rules_is_refused_on_the_form(client, user):
    ask_for_link(client, user.email)
    path = link_path()

    short = set_password(client, path, password="short")
    mismatch = set_password(client, path, password=NEW_PASSWORD, again="something-else-123")

    assert "There is a problem" in short.content.decode()
    assert "at least 12 characters" in short.content.decode()
    assert "The two passwords do not match" in mismatch.content.decode()
    user.refresh_from_db()
    assert not user.check_password("short")


def test_resetting_the_password_keeps_the_second_factor(client, user):
    ask_for_link(client, user.email)
    set_password(client, link_path())

    assert two_factor.has_authenticator(user)
    response = client.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert response["Location"] == reverse("login_code")


def test_a_deactivated_user_gets_no_link(client, user):
    user.is_active = False
    user.save()

    ask_for_link(client, user.email)

    assert mail.outbox == []


def test_a_badly_written_address_gets_a_clear_message(client, db):
    response = ask_for_link(client, "not an address")

    assert "Enter an email address in the right format" in response.content.decode()
    assert mail.outbox == []
