"""Quarterly performance reports and agenda packs: the services that request, make and publish them.

The report prints the committee dashboard (scrutiny.dashboard.build_dashboard with exact=False,
so every figure is suppressed and rounded exactly as committee members see it on screen): no
figure is worked out here, only written into sentences (`summary_sentences`) and laid out.

A run is a `ReportRun` row. `report_run_request` adds a queued row and queues the Celery task
once the row is committed; the task calls `report_run_execute`, which marks the row running,
reports its stage as it goes, stores the PDF with `write_atomically` and only then marks the row
ready (or failed, with the error, and no file). A failed run is retried as a new run
(`report_run_retry`), so each run's row keeps the history of what happened to it.

`quarterly_report_pdf` makes the document without a row (the management command uses it), and
`render_quarterly_report` lays out already computed content, so it can be tested without a
database. Agenda packs (`agenda_pack_request`, `agenda_pack_execute`) merge each item's cover,
its attached report and its documents with one page numbering (scrutiny.pdf.build_agenda_pack).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe
from pypdf import PdfReader

from partnership.audit import audit_record
from partnership.calendar import FinancialQuarter
from partnership.constants import AuditAction, Role
from partnership.disclosure import NOT_APPLICABLE, ROUND_TO, SUPPRESSED
from partnership.models import User

from .constants import RAG_DESCRIPTIONS, Rag
from .metrics import ActionsByRag, actions_by_rag
from .models import (
    Action,
    AgendaItem,
    AgendaPack,
    Committee,
    Meeting,
    ReportRun,
    RunStage,
    RunStatus,
)
from .pdf import (
    AssembledPdf,
    ContactOfficer,
    ContentsEntry,
    PdfError,
    PdfPart,
    ReportCover,
    build_agenda_pack,
    render_pdf,
    write_atomically,
)
from .selectors import is_manager

logger = logging.getLogger(__name__)

BOARD_NAME = "Domestic Abuse Partnership Board"
REPORT_OF = f"Chair of the {BOARD_NAME}"
RESTRICTED_MARK = "RESTRICTED — NOT FOR PUBLICATION"
# Who may ask for a quarterly report; clerks also publish it and attach it to agenda items.
REPORT_REQUEST_ROLES = (Role.CLERK, Role.PERFORMANCE_LEAD)
ERROR_MAX_LENGTH = 2000


def may_request_reports(user: User) -> bool:
    return user.has_role(*REPORT_REQUEST_ROLES)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _enqueue(task_name: str, pk: int) -> None:
    """Queue the task once the row it works on is committed (the worker must be able to read it)."""
    from . import tasks  # tasks import this module

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(pk))


def _error_text(error: BaseException) -> str:
    """The message kept on a failed run: ours as written, anything else with its type."""
    text = str(error) if isinstance(error, PdfError) else f"{type(error).__name__}: {error}"
    return text[:ERROR_MAX_LENGTH]


# The executive summary ------------------------------------------------------------------------


def _shown(figure) -> bool:
    return figure is not None and not figure.suppressed and figure.value is not None


def _percent(value: Decimal) -> str:
    """A percentage as a sentence says it: "94%", or "93.9%" when it is not a whole number."""
    value = Decimal(value)
    return f"{value:.0f}%" if value == value.to_integral_value() else f"{value.normalize()}%"


def _fewer_than(threshold: int) -> str:
    return f"fewer than {threshold + 1}"


def _change_sentence(headlines, threshold: int) -> str | None:
    now, before = headlines.referrals, headlines.referrals_last_year
    change = headlines.referrals_change
    if now is None:
        return None
    if not _shown(now):
        if now.suppressed:
            return (
                f"{_fewer_than(threshold).capitalize()} referrals were received this quarter, "
                "so the figures are not shown."
            )
        return "No referrals were received this quarter."
    received = f"{now.display} referrals were received this quarter"
    if before is None or not _shown(before):
        return f"{received}; the same quarter last year is not shown to compare with."
    last_year = "on the same quarter last year"
    if change is not None and _shown(change) and change.value != 0:
        direction = "rose" if change.value > 0 else "fell"
        return (
            f"Referrals {direction} {_percent(abs(change.value))} {last_year}, "
            f"from {before.display} to {now.display}."
        )
    if change is not None and _shown(change):
        return f"Referrals were unchanged {last_year}, at {now.display}."
    return f"{received}, against {before.display} in the same quarter last year."


def _target_sentence(achieved, target, *, did: str, what: str, threshold: int) -> str | None:
    """E.g. "94% were contacted within one working day against a 95% target (target missed)." """
    if achieved is None:
        return None
    if not _shown(achieved):
        if achieved.suppressed:
            return (
                f"The percentage {what} is not shown this quarter, because it would rest on a "
                f"count of {_fewer_than(threshold)}."
            )
        return f"There were no referrals this quarter to measure the percentage {what}."
    sentence = f"{_percent(achieved.value)} {did}"
    if target is None:
        return sentence + "."
    verdict = "met" if achieved.value >= Decimal(target) else "missed"
    return f"{sentence} against a {_percent(target)} target (target {verdict})."


def _count_sentence(figure, *, some: str, one: str, none: str, threshold: int) -> str | None:
    if figure is None:
        return None
    if _shown(figure):
        return (one if figure.value == 1 else some).format(figure.display)
    if figure.suppressed:
        return some.format(_fewer_than(threshold).capitalize())
    return none


def summary_sentences(headlines, *, threshold: int | None = None) -> list[str]:
    """The executive summary, written from the dashboard's headline figures and nothing else.

    Every figure is a `Disclosed` value that has already been through disclosure control. Each
    headline count is disclosed on its own (no table around it), so a suppressed one is from 1
    to the threshold and is written as "fewer than 8", never as the number; a percentage is
    compared with its target only when it is shown.
    """
    threshold = settings.DISCLOSURE_THRESHOLD if threshold is None else threshold
    sentences = [
        _change_sentence(headlines, threshold),
        _target_sentence(
            headlines.contacted_within_one_day,
            headlines.contact_target,
            did="were contacted within one working day",
            what="contacted within one working day",
            threshold=threshold,
        ),
        _target_sentence(
            headlines.oversight_within_24_hours,
            headlines.oversight_target,
            did="had managerial oversight within 24 hours",
            what="with managerial oversight within 24 hours",
            threshold=threshold,
        ),
        _count_sentence(
            headlines.waiting_list,
            some="{} referrals were waiting for support at the end of the quarter.",
            one="{} referral was waiting for support at the end of the quarter.",
            none="No referrals were waiting for support at the end of the quarter.",
            threshold=threshold,
        ),
    ]
    repeat = headlines.repeat_rate
    if repeat is not None and _shown(repeat):
        sentences.append(f"{_percent(repeat.value)} of referrals were repeat referrals.")
    elif repeat is not None and repeat.suppressed:
        sentences.append(
            "The repeat referral rate is not shown this quarter, because it would rest on a "
            f"count of {_fewer_than(threshold)}."
        )
    overdue = headlines.overdue_actions
    if overdue is not None and overdue.value is not None:
        sentences.append(
            "No committee actions are overdue."
            if overdue.value == 0
            else f"{overdue.display} committee action{'s are' if overdue.value != 1 else ' is'} "
            "overdue."
        )
    return [sentence for sentence in sentences if sentence]


# Laying out the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionAppendix:
    """The action tracker as printed in the appendix."""

    counts: ActionsByRag
    actions: list[Action]
    closed_since: date


@dataclass(frozen=True)
class ReportContent:
    """Everything the report prints, already computed and disclosed."""

    quarter: FinancialQuarter
    dashboard: object  # scrutiny.dashboard.Dashboard
    summary: list[str]
    appendix: ActionAppendix
    committee_name: str

    @property
    def threshold(self) -> int:
        return self.dashboard.threshold


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    page_count: int
    sha256: str
    body_html: str
    contents: list[ContentsEntry] = field(default_factory=list)
    data_as_at: datetime | None = None


def report_title(quarter: FinancialQuarter) -> str:
    return f"Domestic abuse services: quarterly performance report, {quarter}"


def panel_anchor(slug: str) -> str:
    return f"panel-{slug}"


def report_contents(content: ReportContent) -> list[ContentsEntry]:
    entries = [ContentsEntry("summary", "Executive summary")]
    entries += [
        ContentsEntry(panel_anchor(panel.slug), panel.title) for panel in content.dashboard.panels
    ]
    entries += [
        ContentsEntry("data-notes", "Data notes"),
        ContentsEntry("appendix-actions", "Appendix: the committee's action tracker"),
    ]
    return entries


def render_report_body(content: ReportContent) -> SafeString:
    """The report's sections as HTML: the part kept with a run and reprinted in agenda packs."""
    return mark_safe(  # noqa: S308 (our own template's output, autoescaped)
        render_to_string(
            "reports/quarterly_report_body.html",
            {
                "content": content,
                "dashboard": content.dashboard,
                "panels": [(panel_anchor(panel.slug), panel) for panel in content.dashboard.panels],
                "appendix": content.appendix,
                "round_to": ROUND_TO,
                "suppressed": SUPPRESSED,
                "not_applicable": NOT_APPLICABLE,
                "repeat_window_months": settings.REPEAT_WINDOW_MONTHS,
                "rag_descriptions": [(Rag(rag), text) for rag, text in RAG_DESCRIPTIONS.items()],
            },
        )
    )


def render_report_document(
    *,
    cover: ReportCover,
    title: str,
    body_html: str,
    contents: Sequence[ContentsEntry],
    page_numbers: bool = True,
    first_page_number: int = 1,
) -> bytes:
    return render_pdf(
        "reports/quarterly_report.html",
        {"cover": cover, "contents": contents, "body": mark_safe(body_html)},  # noqa: S308
        title=title,
        page_numbers=page_numbers,
        first_page_number=first_page_number,
    )


def render_quarterly_report(
    content: ReportContent,
    cover: ReportCover,
    *,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> RenderedReport:
    """Lay out computed content as the tagged PDF report (no database needed)."""
    on_stage(RunStage.CHARTS)
    body = render_report_body(content)
    contents = report_contents(content)
    on_stage(RunStage.WRITING)
    pdf = render_report_document(
        cover=cover, title=report_title(content.quarter), body_html=body, contents=contents
    )
    return RenderedReport(
        pdf=pdf,
        page_count=len(PdfReader(BytesIO(pdf)).pages),
        sha256=hashlib.sha256(pdf).hexdigest(),
        body_html=str(body),
        contents=contents,
        data_as_at=content.dashboard.data_as_at,
    )


def _strip_that(text: str) -> str:
    """A recommendation as the cover prints it after its bold "That"."""
    return re.sub(r"^\s*that\b[:\s]*", "", text.strip(), flags=re.IGNORECASE) or text.strip()


def _contact_for(user: User | None) -> ContactOfficer:
    if user is None:
        return ContactOfficer(
            name=f"{BOARD_NAME} support team",
            job_title="Partnership support",
            organisation=settings.COUNCIL_NAME,
        )
    return ContactOfficer(
        name=user.get_full_name() or user.username,
        job_title=user.job_title or "Officer",
        organisation=str(user.organisation or settings.COUNCIL_NAME),
        email=user.email,
    )


def report_cover(
    *,
    quarter: FinancialQuarter,
    committee: Committee | None,
    meeting: Meeting | None,
    contact: User | None,
    today: date,
) -> ReportCover:
    """The cover of a run: the committee, the meeting it is for (else the day it was made)."""
    return ReportCover(
        committee=committee.name if committee else f"{settings.COUNCIL_NAME} {BOARD_NAME}",
        meeting_date=meeting.date if meeting else today,
        title=report_title(quarter),
        wards="All",
        report_of=REPORT_OF,
        recommendations=(
            f"the Committee note the performance of domestic abuse services in {quarter} and "
            "comment on any area where it wants more information or action.",
        ),
        contact=_contact_for(contact),
    )


def item_cover(item: AgendaItem) -> ReportCover:
    """An agenda item's own cover, from the fields the clerk typed."""
    areas = [] if item.all_wards else [area.name for area in item.wards.all()]
    wards = ", ".join(areas) or "All"
    return ReportCover(
        committee=item.meeting.committee.name,
        meeting_date=item.meeting.date,
        agenda_item_number=str(item.number),
        title=item.title,
        wards=wards,
        report_of=item.report_of,
        recommendations=(_strip_that(item.recommendation),),
        contact=ContactOfficer(
            name=item.contact_name,
            job_title=item.contact_title,
            organisation="",
            email=item.contact_email,
            telephone=item.contact_telephone,
        ),
    )


def action_appendix(
    *, quarter: FinancialQuarter, committee: Committee | None, today: date
) -> ActionAppendix:
    """Open actions and those closed since the quarter began, with the counts by RAG.

    Actions raised on exempt items are left out: the report may be published.
    """
    # Actions raised on exempt items stay out of a report that may be published.
    actions = Action.objects.filter(resolution__agenda_item__exempt=False)
    if committee is not None:
        actions = actions.filter(resolution__agenda_item__meeting__committee=committee)
    listed = (
        actions.for_tracker(today)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=quarter.start))
        .order_by("due_date", "reference")
    )
    return ActionAppendix(
        counts=actions_by_rag(today=today, committee=committee, actions=actions),
        actions=list(listed),
        closed_since=quarter.start,
    )


def quarterly_report_content(
    *,
    quarter: FinancialQuarter,
    committee: Committee | None,
    today: date,
) -> ReportContent:
    """Work out everything the report prints: the dashboard exactly as committee members see it."""
    from .dashboard import build_dashboard  # built by the dashboard; imported when first used

    dashboard = build_dashboard(quarter=quarter, exact=False, today=today)
    return ReportContent(
        quarter=quarter,
        dashboard=dashboard,
        summary=summary_sentences(dashboard.headlines, threshold=dashboard.threshold),
        appendix=action_appendix(quarter=quarter, committee=committee, today=today),
        committee_name=committee.name if committee else BOARD_NAME,
    )


def quarterly_report_pdf(
    *,
    quarter: FinancialQuarter,
    committee: Committee | None = None,
    meeting: Meeting | None = None,
    contact: User | None = None,
    today: date | None = None,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> RenderedReport:
    """Make the quarterly report for a committee (or the board), without a run row."""
    today = today or timezone.localdate()
    on_stage(RunStage.CALCULATING)
    content = quarterly_report_content(quarter=quarter, committee=committee, today=today)
    cover = report_cover(
        quarter=quarter, committee=committee, meeting=meeting, contact=contact, today=today
    )
    return render_quarterly_report(content, cover, on_stage=on_stage)


# Report runs ----------------------------------------------------------------------------------


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
    _enqueue("make_quarterly_report", run.pk)
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
    _enqueue("make_quarterly_report", retry.pk)
    return retry


def draft_quarter(today: date) -> FinancialQuarter:
    """The quarter the schedule drafts a report for: the last one to have ended."""
    return FinancialQuarter.last_complete(today)


@transaction.atomic
def report_drafts_request(*, today: date) -> list[ReportRun]:
    """The schedule's draft of the last quarter's report, one per committee, for review.

    Each draft is written for the committee's next meeting, if one is set. A committee that
    already has a draft for the quarter gets no second one, so a repeated beat does no harm.
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
        _enqueue("make_quarterly_report", run.pk)
        drafts.append(run)
    return drafts


def _start(model, pk: int, first_stage: str):
    """Mark a queued run running (committed at once, so its page shows it), or return None.

    A run found already running was started by a worker that stopped without finishing (the
    task is acknowledged only once done, so the broker hands it out again): it is marked failed.
    """
    with transaction.atomic():
        run = model.objects.select_for_update().get(pk=pk)
        if run.status == RunStatus.RUNNING:
            run.status = RunStatus.FAILED
            run.error = "The worker making this PDF stopped before it finished. Try again."
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            audit_record(by=None, action=AuditAction.UPDATE, obj=run, detail={"status": "failed"})
            return None
        if run.status != RunStatus.QUEUED:
            return None
        run.status = RunStatus.RUNNING
        run.stage = first_stage
        run.started_at = timezone.now()
        run.save(update_fields=["status", "stage", "started_at"])
    return run


def _stage_setter(model, pk: int) -> Callable[[str], None]:
    def set_stage(stage: str) -> None:
        model.objects.filter(pk=pk, status=RunStatus.RUNNING).update(stage=stage)

    return set_stage


def _finish(run, name: str, data: AssembledPdf | RenderedReport, extra: dict) -> None:
    """Point the row at the stored file and mark it ready; if that fails, remove the file."""
    try:
        with transaction.atomic():
            run.pdf.name = name
            run.page_count = data.page_count
            run.sha256 = data.sha256
            run.status = RunStatus.READY
            run.stage = ""
            run.finished_at = timezone.now()
            for key, value in extra.items():
                setattr(run, key, value)
            run.save()
            audit_record(
                by=None,
                action=AuditAction.UPDATE,
                obj=run,
                detail={"status": "ready", "pages": data.page_count, "sha256": data.sha256},
            )
    except BaseException:
        default_storage.delete(name)
        raise


def _fail(model, pk: int, error: BaseException) -> None:
    with transaction.atomic():
        run = model.objects.select_for_update().get(pk=pk)
        run.status = RunStatus.FAILED
        run.error = _error_text(error)
        run.finished_at = timezone.now()
        run.pdf.name = ""
        run.save(update_fields=["status", "error", "finished_at", "pdf"])
        audit_record(by=None, action=AuditAction.UPDATE, obj=run, detail={"status": "failed"})


def _store(folder: str, data: bytes) -> str:
    return write_atomically(f"scrutiny/{folder}/{uuid.uuid4().hex}.pdf", data)


def report_run_execute(run_id: int, *, today: date | None = None) -> ReportRun:
    """Make a queued run's PDF (the Celery task's work). Errors end the run as failed, not here."""
    run = _start(ReportRun, run_id, RunStage.CALCULATING)
    if run is None:
        return ReportRun.objects.get(pk=run_id)
    try:
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
    except Exception as error:
        logger.exception("Quarterly report run %s failed", run_id)
        _fail(ReportRun, run_id, error)
    return ReportRun.objects.get(pk=run_id)


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


# Agenda packs ---------------------------------------------------------------------------------


def exempt_notice(item: AgendaItem) -> str:
    return (
        f"Item {item.number} is exempt under Schedule 12A to the Local Government Act 1972 "
        f"(paragraph {item.exempt_paragraph}) and is not included in the public pack."
    )


def pack_title(meeting: Meeting, *, restricted: bool) -> str:
    title = f"{meeting.committee.name}, {format_date(meeting.date, 'j F Y')}: agenda pack"
    return f"{RESTRICTED_MARK}. {title}" if restricted else title


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
        _enqueue("make_agenda_pack", pack.pk)
        packs.append(pack)
    return packs


def _document_bytes(document) -> bytes:
    try:
        with document.file.open("rb") as file:
            return file.read()
    except (FileNotFoundError, OSError) as error:
        raise PdfError(
            f"Item {document.agenda_item.number}: the file of “{document.title}” is missing "
            "from storage. Upload it again."
        ) from error


def _item_part(item: AgendaItem, *, restricted: bool) -> PdfPart:
    report = getattr(item, "attached_report", None)
    title = f"Item {item.number}: {item.title}"
    if restricted:
        title = f"{RESTRICTED_MARK}. {title}"
    contents = [ContentsEntry(anchor, text) for anchor, text in report.contents] if report else []
    cover = item_cover(item)

    def render(first_page: int) -> bytes:
        return render_pdf(
            "reports/agenda_pack_item.html",
            {
                "cover": cover,
                "item": item,
                "contents": contents,
                "report_body": mark_safe(report.body_html) if report else "",  # noqa: S308
            },
            title=title,
            page_numbers=False,
            first_page_number=first_page,
        )

    return PdfPart(label=f"Item {item.number}: {item.title}", pdf=render)


def agenda_pack_pdf(meeting: Meeting, *, restricted: bool) -> AssembledPdf:
    """The meeting's pack: front sheet and agenda, then each item's cover, report and papers.

    The public pack leaves exempt items out, saying so in the agenda; the restricted pack
    includes them and carries the restricted mark on every page.
    """
    items = list(
        meeting.agenda_items.select_related("attached_report", "meeting__committee")
        .prefetch_related("documents", "wards")
        .order_by("number")
    )
    parts: list[PdfPart] = []
    first_part: dict[int, int] = {}
    for item in items:
        if item.exempt and not restricted:
            continue
        first_part[item.pk] = len(parts)
        parts.append(_item_part(item, restricted=restricted))
        for document in item.documents.all():
            parts.append(
                PdfPart(
                    label=f"Item {item.number}: {document.title}",
                    pdf=_document_bytes(document),
                )
            )
    members = meeting.committee.members.order_by("last_name", "first_name")
    title = pack_title(meeting, restricted=restricted)

    def front_and_agenda(starts: list[int]) -> bytes:
        rows = []
        for item in items:
            index = first_part.get(item.pk)
            rows.append(
                {
                    "item": item,
                    "page": starts[index] if index is not None else None,
                    "notice": exempt_notice(item) if index is None else "",
                }
            )
        return render_pdf(
            "reports/agenda_pack.html",
            {
                "meeting": meeting,
                "members": members,
                "rows": rows,
                "restricted_mark": RESTRICTED_MARK if restricted else "",
            },
            title=title,
            page_numbers=False,
        )

    if not parts:
        raise PdfError(
            "Every item on this agenda is exempt, so the public pack would be the agenda alone."
        )
    return build_agenda_pack(front_and_agenda, parts, title=title)


def agenda_pack_execute(pack_id: int) -> AgendaPack:
    """Make a queued pack's PDF (the Celery task's work)."""
    pack = _start(AgendaPack, pack_id, RunStage.COLLECTING)
    if pack is None:
        return AgendaPack.objects.get(pk=pack_id)
    try:
        _stage_setter(AgendaPack, pack.pk)(RunStage.WRITING)
        meeting = Meeting.objects.select_related("committee").get(pk=pack.meeting_id)
        assembled = agenda_pack_pdf(meeting, restricted=pack.restricted)
        _finish(pack, _store("packs", assembled.data), assembled, {})
    except Exception as error:
        logger.exception("Agenda pack %s failed", pack_id)
        _fail(AgendaPack, pack_id, error)
    return AgendaPack.objects.get(pk=pack_id)


# Reads ----------------------------------------------------------------------------------------


def report_runs_for_user(user: User) -> QuerySet[ReportRun]:
    """Runs the user may open: all for clerks and performance leads; members, the published
    reports of their committees."""
    runs = ReportRun.objects.select_related("committee", "meeting", "requested_by", "agenda_item")
    if may_request_reports(user):
        return runs
    if user.has_role(Role.COMMITTEE_MEMBER):
        return runs.filter(published=True, committee__members=user)
    return runs.none()


def packs_for_user(user: User, meeting: Meeting) -> QuerySet[AgendaPack]:
    """A meeting's packs the user may download: all for clerks; for the committee's members,
    ready packs, the restricted ones included (exempt items are theirs to read)."""
    packs = AgendaPack.objects.filter(meeting=meeting).select_related("requested_by")
    if is_manager(user):
        return packs
    if meeting.committee.members.filter(pk=user.pk).exists():
        return packs.filter(status=RunStatus.READY)
    return packs.none()


def latest_ready(packs: Iterable[AgendaPack]) -> dict[bool, AgendaPack]:
    """The newest ready public and restricted pack, keyed by `restricted`."""
    latest: dict[bool, AgendaPack] = {}
    for pack in packs:
        if pack.is_ready and pack.restricted not in latest:
            latest[pack.restricted] = pack
    return latest
