"""What people do to the safe accommodation return: ask for it, and download it. Each write is
atomic, checks who may do it and writes its audit row; a request is a background run
(partnership/runs.py), sent to the worker once its row is committed, broker up or not."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import audit_record
from partnership.calendar import FinancialYear
from partnership.constants import AuditAction
from partnership.models import User
from partnership.runs import run_send_on_commit

from ..models import AnnualReturnRun
from .selectors import may_make_returns

FIRST_YEAR = 2000


@transaction.atomic
def annual_return_request(*, by: User, year: FinancialYear, request=None) -> AnnualReturnRun:
    """Queue the making of the return for a financial year that has begun."""
    if not may_make_returns(by):
        raise PermissionDenied
    if year.start_year < FIRST_YEAR or year.start > timezone.localdate():
        raise ValidationError(
            {"year": "Choose a financial year from 2000/01 to this year, like 2024/25."}
        )
    run = AnnualReturnRun(financial_year=year.start_year, requested_by=by)
    run.full_clean()
    run.save()
    audit_record(
        by=by, action=AuditAction.CREATE, obj=run, detail={"year": year.label}, request=request
    )
    run_send_on_commit(run)
    return run


def annual_return_record_download(*, by: User, run: AnnualReturnRun, request=None) -> None:
    """Every download of the exact figures is audited."""
    audit_record(
        by=by, action=AuditAction.EXPORT, obj=run, detail={"sha256": run.sha256}, request=request
    )
