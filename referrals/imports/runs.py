"""The Celery worker's part of an import: checking a return and applying it.

`return_import_execute` runs an import's phase as a background run (partnership/runs.py):
`run_execute` claims the queued row (running, under a lease its worker renews), the phase does
its work and ends with `run_complete`; a run whose worker died is started again by the sweep, up
to RUN_MAX_ATTEMPTS times. Any error fails the run with a reason people can act on, never half
done (both phases may safely run again: the check starts by deleting its problems, the apply is
one transaction):

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

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.audit import audit_record
from partnership.constants import AuditAction
from partnership.runs import LeaseLost, run_complete, run_execute, run_fail

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


class ReturnChanged(Exception):
    """The return no longer gives the figures the person confirmed."""


def _reason(error: BaseException) -> str:
    return str(error) if isinstance(error, ReturnFileError | ReturnChanged) else UNEXPECTED


def _fail(run: ReturnImport, error: BaseException) -> None:
    """End the run failed, keeping no half-made problems and no file that cannot be read."""
    with transaction.atomic():
        fields: dict = {}
        if run.phase == ImportPhase.CHECK:
            run.problems.all().delete()
        if isinstance(error, ReturnFileError) and run.file:
            # The file itself cannot be read: checking it again would fail again.
            stored = run.file.name
            fields["file"] = ""
            transaction.on_commit(lambda: default_storage.delete(stored))
        run_fail(run, _reason(error), **fields)  # with its audit row


def _do_phase(run: ReturnImport) -> None:
    try:
        if run.phase == ImportPhase.CHECK:
            return_import_check(run)
        else:
            return_import_apply(run)
    except (LeaseLost, SoftTimeLimitExceeded):
        raise  # run_execute's to handle
    except Exception as error:
        logger.exception("Return import %s failed in its %s", run.pk, run.phase)
        _fail(run, error)


def return_import_execute(pk: int) -> ReturnImport:
    """Check or apply a queued import, whichever its phase is (the Celery task's work)."""
    return run_execute(ReturnImport, pk, _do_phase, describe=_reason, rows_done=0)


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
        run_complete(run, ignored_columns=run.ignored_columns, **_counts_fields(counts))
        audit_record(
            by=None,
            action=AuditAction.UPDATE,
            obj=run,
            detail={"status": "checked", **_counts_detail(run)},
        )


def _counts_fields(counts: Counter) -> dict:
    rows = sum(counts.values())
    return {
        "rows_total": rows,
        "rows_done": rows,
        "created": counts[checking.CREATE],
        "updated": counts[checking.UPDATE],
        "unchanged": counts[checking.UNCHANGED],
        "rejected": counts[checking.REJECTED],
    }


def _set_counts(run: ReturnImport, counts: Counter) -> None:
    for name, value in _counts_fields(counts).items():
        setattr(run, name, value)


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
        run_complete(
            run,
            file="",
            applied_at=timezone.now(),
            ignored_columns=run.ignored_columns,
            **_counts_fields(counts),
        )
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
