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


class _Broker:
    """Stands in for the broker: records what the request hands it instead of running it."""

    def __init__(self, *, down=False):
        self.messages = []
        self.down = down

    def apply_async(self, args):
        if self.down:
            raise ConnectionError("broker unreachable")
        self.messages.append(args)


@pytest.fixture
def broker(monkeypatch):
    """Tasks are sent, not run here (unlike the rest of the suite), to a stand-in broker."""
    from celery import current_app

    from partnership import services

    current_app.loader.import_default_modules()
    stand_in = _Broker()
    task = current_app.tasks[services.PASSWORD_RESET_TASK]
    monkeypatch.setattr(task, "apply_async", stand_in.apply_async)
    current_app.conf.task_always_eager = False  # the autouse fixture sets it back afterwards
    return stand_in


def test_asking_for_a_link_does_the_same_work_whether_or_not_the_address_has_an_account(
    client, user, broker, django_assert_num_queries
):
    """Timing must not tell an outsider who has an account: the request only hands the address
    to the worker, with the same queries (none about accounts) either way."""
    ask_for_link(client, "warm-up@example.org")  # the session and CSRF machinery, once
    with django_assert_num_queries(0) as known_queries:
        known = ask_for_link(client, user.email)
    with django_assert_num_queries(0) as unknown_queries:
        unknown = ask_for_link(client, "nobody@example.org")

    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert broker.messages[1:] == [[user.email], ["nobody@example.org"]]
    assert len(known_queries.captured_queries) == len(unknown_queries.captured_queries) == 0
    assert mail.outbox == []


def test_the_worker_mails_only_active_accounts_with_the_address(user):
    from partnership.tasks import send_password_reset_links

    send_password_reset_links("nobody@example.org")
    assert mail.outbox == []
    send_password_reset_links(user.email)
    assert [message.to for message in mail.outbox] == [[user.email]]
    user.is_active = False
    user.save()
    send_password_reset_links(user.email)
    assert len(mail.outbox) == 1


def test_a_broker_that_is_down_still_gives_the_same_answer(client, user, broker, caplog):
    broker.down = True

    response = ask_for_link(client, user.email)

    assert response["Location"] == reverse("password_reset_done")
    assert "Could not send a password reset request" in caplog.text
    assert mail.outbox == []
