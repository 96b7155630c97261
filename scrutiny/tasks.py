"""Celery tasks for scrutiny: thin wrappers around the reminder services.

Scheduled in partnership/celery.py. Each service records what it sent, so a retry after a mail
server failure e-mails only the people not reached yet.
"""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(
    name="scrutiny.send_action_reminders",
    autoretry_for=(OSError,),  # smtplib's errors are OSErrors
    retry_backoff=300,
    max_retries=3,
)
def send_action_reminders() -> dict[str, int]:
    sent = services.send_action_reminders(today=timezone.localdate())
    return {"emails": sent.emails, "actions": sent.actions}


@shared_task(
    name="scrutiny.send_overdue_digest",
    autoretry_for=(OSError,),
    retry_backoff=300,
    max_retries=3,
)
def send_overdue_digest() -> dict[str, int]:
    sent = services.send_overdue_digest(today=timezone.localdate())
    return {"emails": sent.emails, "actions": sent.actions}
