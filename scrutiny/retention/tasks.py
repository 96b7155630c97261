"""Celery task for the retention schedule: a thin wrapper around the service. Scheduled nightly
in partnership/celery.py."""

from celery import shared_task
from django.db import OperationalError

from .services import retention_run


@shared_task(
    name="retention.run_retention",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def run_retention() -> int:
    """Anonymise and delete what the schedule makes due today; returns the run's id."""
    return retention_run().pk
