"""The Celery app. Beat schedules live here, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {}


@app.task(name="partnership.ping")
def ping(value: int) -> int:
    """Echo a value back: proves a worker is consuming from the broker."""
    return value + 1
