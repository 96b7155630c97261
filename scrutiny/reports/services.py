"""What people do to report runs and agenda packs: request, retry, publish, attach, download.

Each write is atomic, checks who may do it, and writes its audit row. A request sends the
Celery task (scrutiny.tasks) once its row is committed, since the worker must be able to read it;
if the broker is down the row waits, queued, and the sweep sends it (partnership/runs.py).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import audit_record
from partnership.calendar import FinancialQuarter
from partnership.constants import AuditAction
from partnership.models import User
from partnership.runs import BackgroundRun, run_send_on_commit

from ..models import AgendaItem, AgendaPack, Committee, Meeting, ReportRun
from ..selectors import is_manager
from .selectors import may_request_reports


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _enqueue(run: BackgroundRun) -> None:
    """Send the run's task once its row is committed; with the broker down it stays queued and
    the sweep sends it (partnership/runs.py). The page answers either way."""
    run_send_on_commit(run)


def _check_meeting(committee: Committee, meeting: Meeting | None) -> None:
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ValidationError({"meeting": "Choose a meeting of the chosen committee."})


@transaction.atomic
def report_run_request(
    *,
    by: User,
    quarter: FinancialQuarter,
    committee: Committee,
    meeting: Meeting | None = None,
    request=None,
) -> ReportRun:
    """Queue a run of the quarterly report; the Celery task makes it once this commits."""
    _require(may_request_reports(by))
    _check_meeting(committee, meeting)
    run = ReportRun(quarter=quarter.label, committee=committee, meeting=meeting, requested_by=by)
    run.full_clean()
    run.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=run,
        detail={"quarter": run.quarter, "committee": committee.pk},
        request=request,
    )
    _enqueue(run)
    return run


@transaction.atomic
def report_run_retry(*, by: User, run: ReportRun, request=None) -> ReportRun:
    """Run a failed report again, as a new run; the failed one keeps its error."""
    _require(may_request_reports(by))
    if not run.is_failed:
        raise ValidationError("Only a failed run can be retried.")
    retry = ReportRun(
        quarter=run.quarter,
        committee=run.committee,
        meeting=run.meeting,
        is_draft=run.is_draft,
        retry_of=run,
        requested_by=by,
    )
    retry.full_clean()
    retry.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=retry,
        detail={"quarter": retry.quarter, "retry_of": run.pk},
        request=request,
    )
    _enqueue(retry)
    return retry


@transaction.atomic
def report_run_publish(*, by: User, run: ReportRun, request=None) -> ReportRun:
    """Let the committee's members download a ready report."""
    _require(is_manager(by))
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_ready:
        raise ValidationError("Only a ready report can be published.")
    if not run.published:
        run.published = True
        run.published_at = timezone.now()
        run.full_clean()
        run.save(update_fields=["published", "published_at"])
        audit_record(
            by=by, action=AuditAction.UPDATE, obj=run, detail={"published": True}, request=request
        )
    return run


@transaction.atomic
def report_run_attach(*, by: User, run: ReportRun, item: AgendaItem, request=None) -> ReportRun:
    """Attach a ready report to an agenda item of its committee, for the agenda pack.

    The item has one report at most: attaching another replaces it. Attaching publishes the
    report to the committee's members, who will read it in the pack.
    """
    _require(is_manager(by))
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_ready:
        raise ValidationError("Only a ready report can be attached to an agenda item.")
    previous = ReportRun.objects.filter(agenda_item=item).exclude(pk=run.pk).first()
    if previous is not None:
        previous.agenda_item = None
        previous.save(update_fields=["agenda_item"])
    run.agenda_item = item
    if not run.published:
        run.published = True
        run.published_at = timezone.now()
    run.full_clean()
    run.save(update_fields=["agenda_item", "published", "published_at"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=run,
        detail={"agenda_item": item.pk, "replaced": previous.pk if previous else None},
        request=request,
    )
    return run


def record_download(*, by: User, obj: ReportRun | AgendaPack, request=None) -> None:
    audit_record(
        by=by, action=AuditAction.EXPORT, obj=obj, detail={"sha256": obj.sha256}, request=request
    )


@transaction.atomic
def agenda_pack_request(*, by: User, meeting: Meeting, request=None) -> list[AgendaPack]:
    """Queue the meeting's public pack, and its restricted pack when it has exempt items."""
    _require(is_manager(by))
    if not meeting.agenda_items.exists():
        raise ValidationError("The meeting has no agenda items yet, so there is no pack to make.")
    kinds = [False] + ([True] if meeting.agenda_items.filter(exempt=True).exists() else [])
    packs = []
    for restricted in kinds:
        pack = AgendaPack(meeting=meeting, restricted=restricted, requested_by=by)
        pack.full_clean()
        pack.save()
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            obj=pack,
            detail={"restricted": restricted},
            request=request,
        )
        _enqueue(pack)
        packs.append(pack)
    return packs
