"""Daily reminders to owners and the weekly digest to clerks (services, and the tasks once)."""

from datetime import timedelta

import pytest

from scrutiny import services, tasks
from scrutiny.constants import ActionStatus, ReminderKind
from scrutiny.models import ReminderSent
from tests.factories import ActionFactory, UserFactory

from .conftest import TODAY


@pytest.fixture
def due(resolution):
    """`due(days, owner=..., status=...)` makes an action due `days` after TODAY."""

    def make(days, **kwargs):
        return ActionFactory(resolution=resolution, due_date=TODAY + timedelta(days=days), **kwargs)

    return make


def test_each_owner_gets_one_email_listing_overdue_and_due_within_7_days(
    due, officer, commissioner, mailoutbox
):
    overdue = due(-3, owner=officer)
    soon = due(7, owner=officer, status=ActionStatus.IN_PROGRESS)
    due(8, owner=officer)  # outside the window
    due(-30, owner=officer, status=ActionStatus.COMPLETE)  # closed
    theirs = due(2, owner=commissioner)

    sent = services.send_action_reminders(today=TODAY)

    assert (sent.emails, sent.actions) == (2, 3)
    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    mine = by_recipient[officer.email]
    assert mine.subject == "Your actions: 1 overdue, 1 due within 7 days"
    assert overdue.reference in mine.body and soon.reference in mine.body
    assert mine.body.index("Overdue:") < mine.body.index(overdue.reference)
    assert mine.body.index("Due within 7 days:") < mine.body.index(soon.reference)
    assert theirs.reference not in mine.body
    assert "/scrutiny/my-actions/" in mine.body
    assert by_recipient[commissioner.email].body.count("A-") == 1


def test_no_one_is_emailed_twice_for_the_same_action_on_the_same_day(due, officer, mailoutbox):
    due(-1, owner=officer)
    services.send_action_reminders(today=TODAY)
    again = services.send_action_reminders(today=TODAY)

    assert again.emails == 0
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.filter(kind=ReminderKind.OWNER_REMINDER).count() == 1


def test_an_action_that_falls_due_later_the_same_day_gets_its_own_email(due, officer, mailoutbox):
    first = due(-1, owner=officer)
    services.send_action_reminders(today=TODAY)
    second = due(1, owner=officer)

    services.send_action_reminders(today=TODAY)

    assert len(mailoutbox) == 2
    assert second.reference in mailoutbox[1].body
    assert first.reference not in mailoutbox[1].body


def test_reminders_are_sent_again_the_next_day(due, officer, mailoutbox):
    due(-1, owner=officer)
    services.send_action_reminders(today=TODAY)
    services.send_action_reminders(today=TODAY + timedelta(days=1))
    assert len(mailoutbox) == 2


def test_owners_without_an_email_address_or_no_longer_active_are_skipped(due, mailoutbox):
    due(-1, owner=UserFactory(email=""))
    due(-1, owner=UserFactory(is_active=False))
    assert services.send_action_reminders(today=TODAY).emails == 0
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


def test_if_sending_fails_nothing_is_recorded_so_a_retry_sends_it(
    due, officer, mailoutbox, monkeypatch
):
    due(-1, owner=officer)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        services.send_action_reminders(today=TODAY)
    assert not ReminderSent.objects.exists()

    monkeypatch.undo()
    services.send_action_reminders(today=TODAY)
    assert len(mailoutbox) == 1


def test_the_clerk_digest_lists_overdue_actions_of_their_committees(
    due, clerk, officer, other_meeting, mailoutbox
):
    late = due(-10, owner=officer)
    due(3, owner=officer)  # amber: not in the digest
    elsewhere = ActionFactory(
        resolution__agenda_item__meeting=other_meeting, due_date=TODAY - timedelta(days=5)
    )

    sent = services.send_overdue_digest(today=TODAY)

    assert sent.emails == 2  # our clerk, and the other committee's clerk
    ours = next(mail for mail in mailoutbox if mail.to == [clerk.email])
    assert ours.subject == "Weekly digest: 1 overdue action"
    assert late.reference in ours.body
    assert "Overview and Scrutiny Committee:" in ours.body
    assert elsewhere.reference not in ours.body


def test_the_clerk_digest_is_not_sent_twice_in_a_day_or_when_nothing_is_overdue(
    due, clerk, mailoutbox
):
    assert services.send_overdue_digest(today=TODAY).emails == 0
    due(-1)
    services.send_overdue_digest(today=TODAY)
    services.send_overdue_digest(today=TODAY)
    assert len(mailoutbox) == 1


def test_the_reminder_emails_are_plain_text(due, officer, mailoutbox):
    due(-1, owner=officer)
    services.send_action_reminders(today=TODAY)
    assert mailoutbox[0].alternatives == []
    assert mailoutbox[0].content_subtype == "plain"


def test_the_daily_task_sends_todays_reminders(due, officer, mailoutbox, monkeypatch):
    due(-1, owner=officer)
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: TODAY)
    result = tasks.send_action_reminders.delay().get()
    assert result == {"emails": 1, "actions": 1}
    assert len(mailoutbox) == 1


def test_the_weekly_task_sends_the_clerk_digest(due, clerk, mailoutbox, monkeypatch):
    due(-1)
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: TODAY)
    assert tasks.send_overdue_digest.delay().get() == {"emails": 1, "actions": 1}


def test_the_reminder_tasks_are_on_the_beat_schedule():
    from partnership.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule["scrutiny.send_action_reminders"].day_of_week == set(range(7))
    assert schedule["scrutiny.send_overdue_digest"].day_of_week == {1}  # Monday
