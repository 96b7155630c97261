"""Making a queued return, as the Celery worker does (`referrals.tasks.make_annual_return`).

`annual_return_execute` marks the run running (committed at once, so its page shows it),
works out the figures and the workbook, stores the file and only then marks the run ready with
the figures it holds; any error ends the run as failed, with the error and no file. A run found
already running was started by a worker that stopped: it is failed, and can be made again.

This follows the report runs (scrutiny.reports.runs). When the shared background-run lease and
retry (partnership.runs) lands, the run model inherits it and this module becomes the `work`
function given to `run_execute`.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from partnership.audit import audit_record
from partnership.calendar import FinancialYear
from partnership.constants import AuditAction

from ..models import AnnualReturnRun, ReturnRunStatus
from .layout import annual_return
from .workbook import workbook_bytes

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000
STOPPED = "The worker making this return stopped before it finished. Make it again."


def _audit(run: AnnualReturnRun, **detail) -> None:
    audit_record(
        by=None, action=AuditAction.UPDATE, obj=run, detail={"status": run.status, **detail}
    )


def _claim(pk: int) -> AnnualReturnRun | None:
    with transaction.atomic():
        run = AnnualReturnRun.objects.select_for_update().get(pk=pk)
        if run.status == ReturnRunStatus.RUNNING:
            run.status = ReturnRunStatus.FAILED
            run.error = STOPPED
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            _audit(run)
            return None
        if run.status != ReturnRunStatus.QUEUED:
            return None
        run.status = ReturnRunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    return run


def _fail(pk: int, error: BaseException) -> None:
    with transaction.atomic():
        run = AnnualReturnRun.objects.select_for_update().get(pk=pk)
        run.status = ReturnRunStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
        run.finished_at = timezone.now()
        run.xlsx.name = ""
        run.save(update_fields=["status", "error", "finished_at", "xlsx"])
        _audit(run)


def annual_return_execute(run_id: int) -> AnnualReturnRun:
    """Make a queued return. Errors end the run as failed, not here."""
    run = _claim(run_id)
    if run is None:
        return AnnualReturnRun.objects.get(pk=run_id)
    try:
        data_as_at = timezone.now()
        made = annual_return(FinancialYear(run.financial_year), now=data_as_at)
        data = workbook_bytes(made)
        name = default_storage.save(f"referrals/returns/{uuid.uuid4().hex}.xlsx", ContentFile(data))
        try:
            with transaction.atomic():
                run.xlsx.name = name
                run.sha256 = hashlib.sha256(data).hexdigest()
                run.figures = made.as_json()
                run.data_as_at = data_as_at
                run.status = ReturnRunStatus.READY
                run.finished_at = timezone.now()
                run.save()
                _audit(run, sha256=run.sha256, balances=made.balances)
        except BaseException:
            default_storage.delete(name)
            raise
    except Exception as error:
        logger.exception("Safe accommodation return %s failed", run_id)
        _fail(run_id, error)
    return AnnualReturnRun.objects.get(pk=run_id)
