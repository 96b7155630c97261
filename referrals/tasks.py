"""Celery tasks for referrals: thin wrappers around service functions. Scheduled in
partnership/celery.py."""

from celery import shared_task
from django.db import OperationalError

from partnership.runs import run_task

from .annual_return.runs import annual_return_execute
from .imports.runs import return_import_execute, return_imports_discard_unconfirmed
from .stored_figures import forget_stored_figures
from .summary import rebuild_summary


@shared_task(
    name="referrals.rebuild_summary",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def rebuild_referral_summary() -> int:
    """Recount the dashboard's monthly summary from every referral, and empty the store of
    figures (a nightly safety net: each write already keeps both in step)."""
    rows = rebuild_summary()
    forget_stored_figures()
    return rows


# The safe accommodation return is a background run (partnership/runs.py): a run whose worker
# died is queued again by the sweep; one that failed is made again by a person, as a new run.


@run_task("referrals.make_annual_return")
def make_annual_return(run_id: int) -> str:
    return annual_return_execute(run_id).status


# A provider return's check or apply is a background run too: the sweep sends one the broker
# never got and starts again one whose worker died; a failed import is checked again by a person.


@run_task("referrals.run_return_import")
def run_return_import(import_id: int) -> str:
    return return_import_execute(import_id).status


@shared_task(name="referrals.discard_unconfirmed_imports")
def discard_unconfirmed_imports() -> int:
    """Delete the files of returns checked a week ago and never confirmed."""
    return return_imports_discard_unconfirmed()
