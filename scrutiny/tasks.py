"""Celery tasks for scrutiny: thin wrappers around the reminder, report and agenda pack services.

Scheduled in partnership/celery.py. Each service records what it sent, so a retry after a mail
server failure e-mails only the people not reached yet. The report tasks call
scrutiny.reports.runs; the request services (scrutiny.reports.services) queue them, so this
module never imports those services (no import circle).
"""

from celery import shared_task
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from partnership.runs import run_send_on_commit, run_task

from . import services
from .dashboard.build import count_stored_figures
from .reports import runs


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


@shared_task(name="scrutiny.count_dashboard_figures")
def count_dashboard_figures() -> int:
    """The last complete quarter's stored figures, counted after the nightly rebuild emptied
    the store, so that the morning's first dashboard is as quick as the rest."""
    return count_stored_figures(FinancialQuarter.last_complete())


# Quarterly reports and agenda packs are background runs (partnership/runs.py): a run whose
# worker died is queued again by the sweep; one that failed is retried by a person, as a new run.


@run_task("scrutiny.make_quarterly_report")
def make_quarterly_report(run_id: int) -> str:
    return runs.report_run_execute(run_id).status


@shared_task(name="scrutiny.draft_quarterly_reports")
def draft_quarterly_reports() -> list[int]:
    """Add the drafts, then send each (they are committed: this runs outside a transaction)."""
    drafts = runs.report_drafts_create(today=timezone.localdate())
    for run in drafts:
        run_send_on_commit(run)
    return [run.pk for run in drafts]


@run_task("scrutiny.make_agenda_pack")
def make_agenda_pack(pack_id: int) -> str:
    return runs.agenda_pack_execute(pack_id).status
