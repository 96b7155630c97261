"""Making a queued run's or pack's PDF, as the Celery worker does, and the schedule's drafts.

Report runs and agenda packs are background runs (partnership/runs.py): `report_run_execute` and
`agenda_pack_execute` claim the row (running, with a lease its worker renews), report the stage
as they go, store the PDF with `write_atomically` and only then mark the row ready; any error
ends the row as failed, with the error and no file. A copy of the task for a run already made,
or being made under a live lease, does nothing; a worker that died is replaced by the sweep.
`report_drafts_create` adds the schedule's drafts; the task (scrutiny.tasks) sends them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from partnership.audit import audit_record
from partnership.calendar import FinancialQuarter
from partnership.constants import AuditAction
from partnership.runs import run_complete, run_execute

from ..models import AgendaPack, Committee, Meeting, ReportRun, RunStage, RunStatus
from ..pdf import AssembledPdf, PdfError, write_atomically
from .packs import agenda_pack_pdf
from .rendering import RenderedReport, quarterly_report_pdf

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


def _error_text(error: BaseException) -> str:
    """The message kept on a failed run: ours as written, anything else with its type."""
    text = str(error) if isinstance(error, PdfError) else f"{type(error).__name__}: {error}"
    return text[:ERROR_MAX_LENGTH]


def _stage_setter(model, pk: int) -> Callable[[str], None]:
    def set_stage(stage: str) -> None:
        model.objects.filter(pk=pk, status=RunStatus.RUNNING).update(stage=stage)

    return set_stage


def _finish(run, name: str, data: AssembledPdf | RenderedReport, extra: dict) -> None:
    """Point the row at the stored file and mark it ready; if that fails, remove the file.

    It fails too when this worker no longer holds the run (partnership.runs.LeaseLost): the
    file is then removed, and the run is made once, by the worker that holds it.
    """
    try:
        with transaction.atomic():
            run_complete(
                run, pdf=name, page_count=data.page_count, sha256=data.sha256, stage="", **extra
            )
            audit_record(
                by=None,
                action=AuditAction.UPDATE,
                obj=run,
                detail={"status": "ready", "pages": data.page_count, "sha256": data.sha256},
            )
    except BaseException:
        default_storage.delete(name)
        raise


def _store(folder: str, data: bytes) -> str:
    return write_atomically(f"scrutiny/{folder}/{uuid.uuid4().hex}.pdf", data)


def report_run_execute(run_id: int, *, today: date | None = None) -> ReportRun:
    """Make a queued run's PDF (the Celery task's work). Errors end the run as failed, not here."""

    def make(run: ReportRun) -> None:
        made = quarterly_report_pdf(
            quarter=run.financial_quarter,
            committee=run.committee,
            meeting=run.meeting,
            contact=run.requested_by or run.committee.clerk,
            today=today or timezone.localdate(),
            on_stage=_stage_setter(ReportRun, run.pk),
        )
        _finish(
            run,
            _store("reports", made.pdf),
            made,
            {
                "body_html": made.body_html,
                "contents": [[entry.anchor, entry.title] for entry in made.contents],
                "data_as_at": made.data_as_at,
            },
        )

    return run_execute(ReportRun, run_id, make, describe=_error_text, stage=RunStage.CALCULATING)


def agenda_pack_execute(pack_id: int) -> AgendaPack:
    """Make a queued pack's PDF (the Celery task's work)."""

    def make(pack: AgendaPack) -> None:
        _stage_setter(AgendaPack, pack.pk)(RunStage.WRITING)
        meeting = Meeting.objects.select_related("committee").get(pk=pack.meeting_id)
        assembled = agenda_pack_pdf(meeting, restricted=pack.restricted)
        _finish(pack, _store("packs", assembled.data), assembled, {})

    return run_execute(AgendaPack, pack_id, make, describe=_error_text, stage=RunStage.COLLECTING)


# The schedule's drafts ------------------------------------------------------------------------


def draft_quarter(today: date) -> FinancialQuarter:
    """The quarter the schedule drafts a report for: the last one to have ended."""
    return FinancialQuarter.last_complete(today)


@transaction.atomic
def report_drafts_create(*, today: date) -> list[ReportRun]:
    """The schedule's draft of the last quarter's report, one per committee, for review.

    Each draft is written for the committee's next meeting, if one is set. A committee that
    already has a draft for the quarter gets no second one, so a repeated beat does no harm.
    The rows are queued: the task that called this sends them once they are committed.
    """
    quarter = draft_quarter(today)
    drafts = []
    for committee in Committee.objects.exclude(
        report_runs__quarter=quarter.label, report_runs__is_draft=True
    ):
        meeting = committee.meetings.filter(date__gte=today).order_by("date", "start_time").first()
        run = ReportRun(quarter=quarter.label, committee=committee, meeting=meeting, is_draft=True)
        run.full_clean()
        run.save()
        audit_record(
            by=None,
            action=AuditAction.CREATE,
            obj=run,
            detail={"quarter": run.quarter, "committee": committee.pk, "draft": True},
        )
        drafts.append(run)
    return drafts
