"""What people do to an import: upload a return, confirm it, discard it, check it again.

Each write is atomic, checks who may do it, and writes its audit row. Uploading, confirming and
checking again queue the import as a background run (partnership.runs.run_send_on_commit): its
task (referrals.tasks.run_return_import) is sent once the row is committed, and if the broker is
down the import stays queued and the sweep sends it later; the task's own work is in `runs.py`.
The uploaded file is stored under a random name, never served, and deleted once the import is
applied or discarded.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.audit import audit_record
from partnership.constants import AuditAction
from partnership.models import User
from partnership.runs import run_send_on_commit

from .forms import clean_file_name, file_checksum
from .models import ImportPhase, ImportStatus, ReturnImport
from .selectors import may_import_for


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _queue(run: ReturnImport) -> None:
    run_send_on_commit(run)


def _requeue(run: ReturnImport) -> None:
    """Queue the row again as a new run of its task: the last phase's attempts, sending and
    lease belong to that phase, not this one."""
    run.status = ImportStatus.QUEUED
    run.error = ""
    run.attempts = 0
    run.sent_at = run.lease_expires_at = None
    run.started_at = run.finished_at = None


def _stored_path(file_format: str) -> str:
    return f"referrals/imports/{uuid.uuid4().hex}.{file_format}"


@transaction.atomic
def return_import_create(
    *, by: User, service: CommissionedService, upload, file_format: str, request=None
) -> ReturnImport:
    """Store an uploaded return for `service` and queue its check."""
    _require(may_import_for(by, service))
    run = ReturnImport(
        service=service,
        uploaded_by=by,
        file_name=clean_file_name(upload.name),
        file_format=file_format,
        file_size=upload.size,
        sha256=file_checksum(upload),
    )
    run.file.name = default_storage.save(_stored_path(file_format), upload)
    try:
        run.full_clean()
        run.save()
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            obj=run,
            detail={"service": service.pk, "sha256": run.sha256, "bytes": run.file_size},
            request=request,
        )
    except BaseException:
        default_storage.delete(run.file.name)  # no row will name it
        raise
    _queue(run)
    return run


def _locked(run: ReturnImport) -> ReturnImport:
    return ReturnImport.objects.select_for_update().select_related("service").get(pk=run.pk)


@transaction.atomic
def return_import_confirm(
    *, by: User, return_import: ReturnImport, leave_out_rejected: bool, request=None
) -> ReturnImport:
    """Apply a checked import: all its accepted rows, or none. With rejected rows, only when the
    person chose to leave them out."""
    run = _locked(return_import)
    _require(may_import_for(by, run.service))
    if not run.is_checked:
        raise ValidationError("This return is not waiting for confirmation, so it was not applied.")
    if run.rejected and not leave_out_rejected:
        raise ValidationError(
            {"leave_out": "The return has rejected rows. Tick the box to leave them out."}
        )
    run.phase = ImportPhase.APPLY
    _requeue(run)
    run.confirmed_by = by
    run.confirmed_at = timezone.now()
    run.leave_out_rejected = bool(run.rejected)
    run.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=run,
        detail={"status": "confirmed", "leave_out_rejected": run.leave_out_rejected},
        request=request,
    )
    _queue(run)
    return run


def _may_restart(run: ReturnImport) -> bool:
    """Checked or failed, not applied or discarded, and its file still kept."""
    return run.discarded_at is None and (run.is_checked or run.is_failed) and bool(run.file)


@transaction.atomic
def return_import_discard(*, by: User, return_import: ReturnImport, request=None) -> ReturnImport:
    """Give up an import that is not applied; its file is deleted."""
    run = _locked(return_import)
    _require(may_import_for(by, run.service))
    if run.discarded_at is not None or not (run.is_checked or run.is_failed):
        raise ValidationError("Only a return that is checked or failed can be discarded.")
    stored = run.file.name
    run.file = ""
    run.discarded_at = timezone.now()
    run.save()
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=run, detail={"status": "discarded"}, request=request
    )
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))
    return run


@transaction.atomic
def return_import_check_again(
    *, by: User, return_import: ReturnImport, request=None
) -> ReturnImport:
    """Check a return again (after a failure, or when the cases may have changed)."""
    run = _locked(return_import)
    _require(may_import_for(by, run.service))
    if not _may_restart(run):
        raise ValidationError("This return cannot be checked again. Upload the file again.")
    run.phase = ImportPhase.CHECK
    _requeue(run)
    run.confirmed_by, run.confirmed_at, run.leave_out_rejected = None, None, False
    run.created = run.updated = run.unchanged = run.rejected = run.rows_total = None
    run.rows_done = 0
    run.save()
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=run, detail={"status": "check again"}, request=request
    )
    _queue(run)
    return run
