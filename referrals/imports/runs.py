"""The Celery worker's part of an import: checking a return and applying it.

`return_import_execute` claims a queued import (committed at once, so its page shows it
running), does its phase and ends it ready or failed. It follows the life of the project's other
background runs (scrutiny/reports/runs.py): a run found already running was left by a worker
that stopped, and is failed with a message saying so; any error fails the run with a reason
people can act on, never half done:

- **Check** reads every row (`checking.check_rows`), keeps each rejected row's reasons as
  `ImportProblem` rows and the counts on the import; the import's page shows the progress.
- **Apply** checks the file again and writes it (`applying.ReturnWriter`) in one transaction
  that also holds the service's row, so two imports of one service apply one after the other.
  If the figures differ from those the person confirmed (someone imported or changed the same
  cases meanwhile), nothing is written and the import fails, asking for a new check. The file
  is deleted once the transaction has committed.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.audit import audit_record
from partnership.constants import AuditAction

from . import checking
from .applying import ReturnWriter
from .format import columns_for
from .models import ImportPhase, ImportProblem, ImportStatus, ReturnImport
from .reading import ReturnFileError, open_return

logger = logging.getLogger(__name__)

PROBLEM_BATCH = 1000
PROGRESS_EVERY = 1000  # rows between two updates of the progress page
WRITE_BATCH = 1000
UNEXPECTED = (
    "The import stopped because of an unexpected error, so nothing was written. Try again; if "
    "it stops again, tell the system administrator."
)
WORKER_STOPPED = (
    "The worker checking or applying this return stopped before it finished. Try again."
)


class ReturnChanged(Exception):
    """The return no longer gives the figures the person confirmed."""


def _claim(pk: int) -> ReturnImport | None:
    with transaction.atomic():
        run = ReturnImport.objects.select_for_update().select_related("service").get(pk=pk)
        if run.status == ImportStatus.RUNNING:
            _end_failed(run, WORKER_STOPPED)
            return None
        if run.status != ImportStatus.QUEUED or run.discarded_at is not None:
            return None
        run.status = ImportStatus.RUNNING
        run.started_at = timezone.now()
        run.rows_done = 0
        run.save(update_fields=["status", "started_at", "rows_done"])
    return run


def _end_failed(run: ReturnImport, reason: str) -> None:
    run.status = ImportStatus.FAILED
    run.error = reason
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    audit_record(
        by=None,
        action=AuditAction.UPDATE,
        obj=run,
        detail={"status": "failed", "phase": run.phase},
    )


def _fail(pk: int, error: BaseException) -> None:
    reason = str(error) if isinstance(error, ReturnFileError | ReturnChanged) else UNEXPECTED
    with transaction.atomic():
        run = ReturnImport.objects.select_for_update().get(pk=pk)
        if run.phase == ImportPhase.CHECK:
            run.problems.all().delete()
        if isinstance(error, ReturnFileError) and run.file:
            # The file itself cannot be read: checking it again would fail again.
            stored, run.file = run.file.name, ""
            run.save(update_fields=["file"])
            transaction.on_commit(lambda: default_storage.delete(stored))
        _end_failed(run, reason)


def return_import_execute(pk: int) -> ReturnImport:
    """Check or apply a queued import, whichever its phase is (the Celery task's work)."""
    run = _claim(pk)
    if run is not None:
        try:
            if run.phase == ImportPhase.CHECK:
                return_import_check(run)
            else:
                return_import_apply(run)
        except Exception as error:
            logger.exception("Return import %s failed in its %s", pk, run.phase)
            _fail(pk, error)
    return ReturnImport.objects.get(pk=pk)


def _read(run: ReturnImport, on_row=None) -> Counter:
    """Check every row of the run's file; `on_row(row, counts)` sees each one."""
    counts: Counter = Counter()
    with run.file.open("rb") as stream, open_return(stream, run.file_format) as found:
        match = checking.match_headers(found.headers, columns_for(run.service))
        run.ignored_columns = match.ignored
        for row in checking.check_rows(run.service, match, found.rows):
            counts[row.action] += 1
            if on_row is not None:
                on_row(row, counts)
    if not sum(counts.values()):
        raise ReturnFileError("The file has a header row but no rows under it.")
    return counts


def return_import_check(run: ReturnImport) -> None:
    """Check every row and keep the reasons for each rejected one; the run ends ready."""
    run.problems.all().delete()
    problems: list[ImportProblem] = []

    def keep(row: checking.CheckedRow, counts: Counter) -> None:
        problems.extend(
            ImportProblem(
                return_import=run, row_number=row.number, column=column[:100], message=message
            )
            for column, message in row.problems
        )
        if len(problems) >= PROBLEM_BATCH:
            ImportProblem.objects.bulk_create(problems)
            problems.clear()
        done = sum(counts.values())
        if done % PROGRESS_EVERY == 0:
            ReturnImport.objects.filter(pk=run.pk).update(rows_done=done)

    counts = _read(run, keep)
    ImportProblem.objects.bulk_create(problems)
    with transaction.atomic():
        _set_counts(run, counts)
        run.status = ImportStatus.READY
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            by=None,
            action=AuditAction.UPDATE,
            obj=run,
            detail={"status": "checked", **_counts_detail(run)},
        )


def _set_counts(run: ReturnImport, counts: Counter) -> None:
    run.rows_total = run.rows_done = sum(counts.values())
    run.created = counts[checking.CREATE]
    run.updated = counts[checking.UPDATE]
    run.unchanged = counts[checking.UNCHANGED]
    run.rejected = counts[checking.REJECTED]


def _counts_detail(run: ReturnImport) -> dict:
    return {
        "rows": run.rows_total,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
    }


def return_import_apply(run: ReturnImport) -> None:
    """Write every accepted row in one transaction, or nothing (see the module docstring)."""
    confirmed = _counts_detail(run)
    with transaction.atomic():
        list(CommissionedService.objects.select_for_update().filter(pk=run.service_id).values("pk"))
        writer = ReturnWriter(run, by=run.confirmed_by)
        batch: list[checking.CheckedRow] = []

        def write(row: checking.CheckedRow, counts: Counter) -> None:
            batch.append(row)
            if len(batch) >= WRITE_BATCH:
                writer.write(batch)
                batch.clear()

        counts = _read(run, write)
        writer.write(batch)
        _set_counts(run, counts)
        if _counts_detail(run) != confirmed:
            raise ReturnChanged(
                "The return no longer gives the figures that were confirmed: someone may have "
                "imported or changed the same cases since it was checked. Nothing was written. "
                "Check it again, then confirm the new figures."
            )
        writer.finish()
        stored = run.file.name
        run.file = ""
        run.status = ImportStatus.READY
        run.applied_at = run.finished_at = timezone.now()
        run.save()
        audit_record(
            by=run.confirmed_by,
            action=AuditAction.UPDATE,
            obj=run,
            detail={"status": "applied", **_counts_detail(run)},
        )
        transaction.on_commit(lambda: default_storage.delete(stored))


# Files never confirmed ------------------------------------------------------------------------

UNCONFIRMED_KEEP_DAYS = 7


def return_imports_discard_unconfirmed(*, now=None) -> int:
    """Discard imports checked (or failed) more than UNCONFIRMED_KEEP_DAYS ago and never
    applied, deleting their files: a return may hold identifiers, and one nobody confirmed in a
    week will be uploaded again when it is wanted. Run nightly by Celery beat."""
    cutoff = (now or timezone.now()) - timedelta(days=UNCONFIRMED_KEEP_DAYS)
    stale = (
        ReturnImport.objects.filter(
            created_at__lt=cutoff,
            discarded_at__isnull=True,
            applied_at__isnull=True,
            status__in=[ImportStatus.READY, ImportStatus.FAILED],
        )
        .exclude(file="")
        .values_list("pk", flat=True)
    )
    discarded = 0
    for pk in stale:
        with transaction.atomic():
            run = ReturnImport.objects.select_for_update().get(pk=pk)
            if run.is_pending or run.is_applied or run.discarded_at is not None:
                continue
            stored, run.file = run.file.name, ""
            run.discarded_at = timezone.now()
            run.save(update_fields=["file", "discarded_at"])
            audit_record(
                by=None,
                action=AuditAction.UPDATE,
                obj=run,
                detail={"status": "discarded", "reason": "not confirmed in time"},
            )
            transaction.on_commit(lambda name=stored: default_storage.delete(name))
            discarded += 1
    return discarded
