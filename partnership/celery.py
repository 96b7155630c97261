"""The Celery app. Beat schedules live here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {}
# Scrutiny: each action owner's daily reminder, and the clerks' weekly digest of overdue actions.
app.conf.beat_schedule["scrutiny-action-reminders"] = {
    "task": "scrutiny.send_action_reminders",
    "schedule": crontab(hour=7, minute=0),
}
app.conf.beat_schedule["scrutiny-overdue-digest"] = {
    "task": "scrutiny.send_overdue_digest",
    "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
}


@app.task(name="partnership.ping")
def ping(value: int) -> int:
    """Echo a value back: proves a worker is consuming from the broker."""
    return value + 1
