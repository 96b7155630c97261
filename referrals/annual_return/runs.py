"""Making a queued return, as the Celery worker does (`referrals.tasks.make_annual_return`).

The return is a background run (partnership/runs.py): `annual_return_execute` claims the row
(running, with a lease its worker renews), works out the figures and the workbook, stores the
file and only then marks the run ready with the figures it holds; any error ends the run as
failed, with the error and no file. A copy of the task for a run already made, or being made
under a live lease, does nothing; a run whose worker died is queued again by the sweep.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from partnership.audit import audit_record
from partnership.calendar import FinancialYear
from partnership.constants import AuditAction
from partnership.runs import ERROR_MAX_LENGTH, run_complete, run_execute

from ..models import AnnualReturnRun
from .layout import annual_return
from .workbook import workbook_bytes


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def _make(run: AnnualReturnRun) -> None:
    """Work out the return, store its workbook, then mark the run ready (or remove the file).

    Marking it ready fails when this worker no longer holds the run (partnership.runs.LeaseLost):
    the file is removed, and the return is made once, by the worker that holds it.
    """
    data_as_at = timezone.now()
    made = annual_return(FinancialYear(run.financial_year), now=data_as_at)
    data = workbook_bytes(made)
    name = default_storage.save(f"referrals/returns/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    try:
        with transaction.atomic():
            sha256 = hashlib.sha256(data).hexdigest()
            run_complete(
                run, xlsx=name, sha256=sha256, figures=made.as_json(), data_as_at=data_as_at
            )
            audit_record(
                by=None,
                action=AuditAction.UPDATE,
                obj=run,
                detail={"status": run.status, "sha256": sha256, "balances": made.balances},
            )
    except BaseException:
        default_storage.delete(name)
        raise


def annual_return_execute(run_id: int) -> AnnualReturnRun:
    """Make a queued return. Errors end the run as failed, not here."""
    return run_execute(AnnualReturnRun, run_id, _make, describe=_error_text)
