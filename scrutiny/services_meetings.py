"""Writes for the meeting cycle: membership, attendance, declarations, removing items, the
minutes drafted item by item, questions answered in writing, and the minutes' approval,
amendment and publication. Each runs in one transaction with its audit row.

The lifecycle of a meeting's minutes (`Minutes.status`):

1. Draft: the clerk writes each item's minute (`item_minute_save`) and records attendance,
   declarations and questions; resolutions are recorded as before (services.resolution_create).
2. Sent to the next meeting (`minutes_circulate`): the committee's next meeting gets (or keeps)
   its standard item "Minutes of the previous meeting" pointing at them, and members can read
   the draft. The clerk may still correct it.
3. Approved (`minutes_approve`), on the next meeting's item, on or after its date: the item
   records the resolution, the meeting's status becomes "Minutes approved", and from then on
   every service that changes what the minutes hold refuses (services.require_minutes_not_approved).
   The only change left is `minutes_amend`, which records the text before and after and why.
4. Published (`minutes_publish`): the public part, and the exempt part when there are exempt
   items, rendered as tagged PDFs and stored; done again after each amendment.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from partnership.audit import audit_record
from partnership.constants import AuditAction, Role
from partnership.models import User

from .constants import (
    AmendmentKind,
    AttendanceStatus,
    ItemKind,
    MeetingStatus,
    MembershipRole,
    MinutesStatus,
)
from .minutes import Part, minutes_document, render_minutes_pdf
from .models import (
    AdvanceQuestion,
    AgendaItem,
    Committee,
    CommitteeMembership,
    Declaration,
    ItemMinute,
    Meeting,
    MemberAttendance,
    Minutes,
    MinutesAmendment,
    OtherAttendee,
    Resolution,
)
from .pdf import PdfError, write_atomically
from .services import (
    _require_manager,
    _set_fields,
    next_resolution_label,
    require_minutes_not_approved,
    resolution_create,
)

logger = logging.getLogger(__name__)


def _long(day: date) -> str:
    return format_date(day, "j F Y")


# Membership -------------------------------------------------------------------------------------


def members_on(committee: Committee, day: date):
    """The committee's memberships in force on `day`, with their members."""
    return (
        CommitteeMembership.objects.current(on=day)
        .filter(committee=committee)
        .select_related("member__organisation")
        .order_by("member__last_name", "member__first_name", "member__username")
    )


@transaction.atomic
def membership_add(
    *,
    by: User,
    committee: Committee,
    member: User,
    start_date: date,
    role: str = MembershipRole.MEMBER,
    request=None,
) -> CommitteeMembership:
    """Seat someone on the committee from `start_date`. One seat at a time, one chair at a time."""
    _require_manager(by)
    if not member.has_role(Role.COMMITTEE_MEMBER):
        raise ValidationError({"member": "Choose a user with the committee member role."})
    from_then = Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    seats = committee.memberships.filter(from_then)
    if seats.filter(member=member).exists():
        raise ValidationError(
            {"member": "They already sit on the committee then. End that membership first."}
        )
    if role == MembershipRole.CHAIR and seats.filter(role=MembershipRole.CHAIR).exists():
        raise ValidationError(
            {"role": "The committee already has a chair then. End that membership first."}
        )
    membership = CommitteeMembership(
        committee=committee, member=member, role=role, start_date=start_date
    )
    membership.full_clean()
    membership.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=membership,
        detail={"committee": committee.pk, "role": role},
        request=request,
    )
    return membership


@transaction.atomic
def membership_end(
    *, by: User, membership: CommitteeMembership, end_date: date, request=None
) -> CommitteeMembership:
    _require_manager(by)
    membership = CommitteeMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.end_date is not None:
        raise ValidationError(f"This membership already ended on {_long(membership.end_date)}.")
    membership.end_date = end_date
    membership.full_clean()
    membership.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=membership,
        detail={"changed": ["end_date"]},
        request=request,
    )
    return membership


# Attendance and declarations --------------------------------------------------------------------


def _check_substitutes(
    meeting: Meeting, members: set[int], substitutes: Mapping[int, User | None]
) -> None:
    chosen = [substitute for substitute in substitutes.values() if substitute is not None]
    for substitute in chosen:
        if substitute.pk in members:
            raise ValidationError(
                f"{substitute.get_full_name()} is a member of the committee, so cannot be a "
                "substitute for another member."
            )
        if not substitute.has_role(Role.COMMITTEE_MEMBER):
            raise ValidationError("A substitute must be a user with the committee member role.")
    if len({substitute.pk for substitute in chosen}) != len(chosen):
        raise ValidationError("Each substitute can stand in for one member only.")


@transaction.atomic
def attendance_record(
    *,
    by: User,
    meeting: Meeting,
    statuses: Mapping[int, str],
    substitutes: Mapping[int, User | None],
    request=None,
) -> list[MemberAttendance]:
    """Record, for each member on the meeting's date, whether they came, sent apologies (with
    a substitute, if one came) or were absent. Replaces what was recorded before."""
    _require_manager(by)
    meeting = require_minutes_not_approved(meeting)
    members = {seat.member_id: seat.member for seat in members_on(meeting.committee, meeting.date)}
    if set(statuses) != set(members):
        raise ValidationError("Record attendance for every member of the committee, and only them.")
    _check_substitutes(meeting, set(members), substitutes)
    rows = []
    for pk, member in members.items():
        substitute = substitutes.get(pk)
        if substitute is not None and statuses[pk] != AttendanceStatus.APOLOGIES:
            raise ValidationError(
                f"{member.get_full_name()} has a substitute, so choose sent apologies for them."
            )
        row = MemberAttendance(
            meeting=meeting, member=member, status=statuses[pk], substitute=substitute
        )
        row.full_clean(exclude=["meeting", "member"], validate_unique=False)
        rows.append(row)
    meeting.attendance.all().delete()
    MemberAttendance.objects.bulk_create(rows)
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        detail={
            "attendance": dict(Counter(statuses.values())),
            "substitutes": sum(1 for substitute in substitutes.values() if substitute),
        },
        request=request,
    )
    return rows


@transaction.atomic
def other_attendee_add(
    *, by: User, meeting: Meeting, name: str, job_title: str, organisation: str, request=None
) -> OtherAttendee:
    _require_manager(by)
    meeting = require_minutes_not_approved(meeting)
    attendee = OtherAttendee(
        meeting=meeting, name=name, job_title=job_title, organisation=organisation
    )
    attendee.full_clean()
    attendee.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=attendee, request=request)
    return attendee


@transaction.atomic
def other_attendee_remove(*, by: User, attendee: OtherAttendee, request=None) -> None:
    _require_manager(by)
    require_minutes_not_approved(attendee.meeting)
    audit_record(
        by=by,
        action=AuditAction.DELETE,
        obj=attendee,
        detail={"meeting": attendee.meeting_id},
        request=request,
    )
    attendee.delete()


def present_at(meeting: Meeting) -> list[User]:
    """Who was in the room as a member: members present, and substitutes who came."""
    rows = meeting.attendance.select_related("member", "substitute")
    present = [row.member for row in rows if row.status == AttendanceStatus.PRESENT]
    return present + [row.substitute for row in rows if row.substitute is not None]


@transaction.atomic
def declaration_add(
    *,
    by: User,
    agenda_item: AgendaItem,
    member: User,
    kind: str,
    nature: str,
    left_room: bool,
    request=None,
) -> Declaration:
    """Record a member's interest in an item. The member must be recorded as present."""
    _require_manager(by)
    require_minutes_not_approved(agenda_item.meeting)
    if not agenda_item.is_report:
        raise ValidationError({"agenda_item": "Choose the report the interest is in."})
    if member not in present_at(agenda_item.meeting):
        raise ValidationError(
            {
                "member": "Choose a member recorded as present. Record the meeting's "
                "attendance first."
            }
        )
    declaration = Declaration(
        agenda_item=agenda_item, member=member, kind=kind, nature=nature, left_room=left_room
    )
    declaration.full_clean()
    declaration.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=declaration,
        detail={"kind": kind, "left_room": left_room},
        request=request,
    )
    return declaration


@transaction.atomic
def declaration_remove(*, by: User, declaration: Declaration, request=None) -> None:
    _require_manager(by)
    require_minutes_not_approved(declaration.agenda_item.meeting)
    audit_record(
        by=by,
        action=AuditAction.DELETE,
        obj=declaration,
        detail={"agenda_item": declaration.agenda_item_id},
        request=request,
    )
    declaration.delete()


# Removing an agenda item ------------------------------------------------------------------------


def _what_hangs_off(item: AgendaItem) -> list[str]:
    minute = ItemMinute.objects.filter(agenda_item=item).first()
    checks = [
        ("resolutions", item.resolutions.exists()),
        ("documents", item.documents.exists()),
        ("declarations of interest", item.declarations.exists()),
        ("questions", item.advance_questions.exists()),
        ("minutes", minute is not None and minute.discussion.strip() != ""),
        ("a quarterly report", hasattr(item, "attached_report")),
    ]
    return [what for what, found in checks if found]


@transaction.atomic
def agenda_item_remove(*, by: User, item: AgendaItem, request=None) -> None:
    """Take an item off the agenda (a standard item the meeting does not need, or a report
    withdrawn before anything was recorded on it); the items after it move up."""
    _require_manager(by)
    meeting = require_minutes_not_approved(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    found = _what_hangs_off(item)
    if found:
        raise ValidationError(
            f"Item {item.number} has {' and '.join(found)} recorded against it, so it cannot "
            "be removed."
        )
    audit_record(
        by=by,
        action=AuditAction.DELETE,
        obj=item,
        detail={"meeting": meeting.pk, "kind": item.kind, "number": item.number},
        request=request,
    )
    number = item.number
    ItemMinute.objects.filter(agenda_item=item).delete()
    item.delete()
    # One at a time, lowest first: each number is unique within the meeting.
    for later in meeting.agenda_items.filter(number__gt=number).order_by("number"):
        AgendaItem.objects.filter(pk=later.pk).update(number=later.number - 1)


# Drafting the minutes ---------------------------------------------------------------------------


def _minutes_of(meeting: Meeting) -> Minutes:
    minutes, _ = Minutes.objects.get_or_create(meeting=meeting)
    return minutes


@transaction.atomic
def item_minute_save(*, by: User, agenda_item: AgendaItem, discussion: str, request=None):
    """Write (or rewrite) an item's minute while the minutes are a draft."""
    _require_manager(by)
    require_minutes_not_approved(agenda_item.meeting)
    _minutes_of(agenda_item.meeting)
    minute, created = ItemMinute.objects.get_or_create(agenda_item=agenda_item)
    changed = _set_fields(minute, {"discussion": discussion.strip()}, ["discussion"])
    minute.full_clean()
    minute.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=minute,
        detail={"changed": changed},
        request=request,
    )
    return minute


QUESTION_FIELDS = ["agenda_item", "asked_by", "question", "answer", "answered_by"]


def _check_question_item(meeting: Meeting, agenda_item: AgendaItem | None) -> None:
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Choose an item of this meeting."})


@transaction.atomic
def question_add(*, by: User, meeting: Meeting, request=None, **fields) -> AdvanceQuestion:
    """Add a question put in writing before the meeting (with its answer, once there is one)."""
    _require_manager(by)
    meeting = require_minutes_not_approved(meeting)
    _check_question_item(meeting, fields.get("agenda_item"))
    _minutes_of(meeting)
    last = meeting.advance_questions.order_by("-position").first()
    question = AdvanceQuestion(meeting=meeting, position=(last.position + 1) if last else 1)
    _set_fields(question, fields, QUESTION_FIELDS)
    question.full_clean()
    question.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=question, request=request)
    return question


@transaction.atomic
def question_update(*, by: User, advance_question: AdvanceQuestion, request=None, **fields):
    """Change a question or add its answer (`fields` are QUESTION_FIELDS)."""
    _require_manager(by)
    entry = advance_question
    require_minutes_not_approved(entry.meeting)
    _check_question_item(entry.meeting, fields.get("agenda_item"))
    changed = _set_fields(entry, fields, QUESTION_FIELDS)
    entry.full_clean()
    entry.save()
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=entry, detail={"changed": changed}, request=request
    )
    return entry


# Approval ---------------------------------------------------------------------------------------


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's first meeting after this one."""
    return (
        Meeting.objects.filter(committee=meeting.committee_id)
        .filter(Q(date__gt=meeting.date) | Q(date=meeting.date, start_time__gt=meeting.start_time))
        .order_by("date", "start_time")
        .first()
    )


@transaction.atomic
def minutes_circulate(*, by: User, meeting: Meeting, request=None) -> AgendaItem:
    """Send the draft minutes to the committee's next meeting for approval.

    That meeting's standard item "Minutes of the previous meeting" points at them; if the clerk
    removed it, it is added again at the end of that agenda.
    """
    _require_manager(by)
    meeting = require_minutes_not_approved(meeting)
    following = next_meeting(meeting)
    if following is None:
        raise ValidationError(
            "Add the committee's next meeting first: the draft minutes go to it for approval."
        )
    item = following.agenda_items.filter(kind=ItemKind.PREVIOUS_MINUTES).first()
    if item is not None and item.minutes_of is not None and item.minutes_of_id != meeting.pk:
        raise ValidationError(
            f"The meeting of {_long(following.date)} already has the minutes of the meeting of "
            f"{_long(item.minutes_of.date)} to approve."
        )
    if item is None:
        last = following.agenda_items.order_by("-number").first()
        item = AgendaItem(
            meeting=following,
            number=(last.number + 1) if last else 1,
            kind=ItemKind.PREVIOUS_MINUTES,
            title=ItemKind.PREVIOUS_MINUTES.label,
        )
    item.minutes_of = meeting
    item.full_clean()
    item.save()
    minutes = _minutes_of(meeting)
    minutes.status = MinutesStatus.CIRCULATED
    minutes.full_clean()
    minutes.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=minutes,
        detail={"status": minutes.status, "to_item": item.pk},
        request=request,
    )
    return item


def approval_text(meeting: Meeting) -> str:
    return (
        f"the minutes of the meeting held on {_long(meeting.date)} be confirmed as a correct "
        "record and signed by the Chair."
    )


@transaction.atomic
def minutes_approve(*, by: User, item: AgendaItem, today: date, request=None) -> Minutes:
    """Record that the committee approved the previous meeting's minutes at `item`.

    The approving meeting must have taken place. The minutes are then locked, the approved
    meeting's status becomes "Minutes approved", and the item records the resolution.
    """
    _require_manager(by)
    approved = item.minutes_of
    if item.kind != ItemKind.PREVIOUS_MINUTES or approved is None:
        raise ValidationError(
            "Approve minutes at a meeting's item Minutes of the previous meeting."
        )
    if approved.status == MeetingStatus.MINUTES_APPROVED:
        raise ValidationError("These minutes are already approved.")
    meeting = require_minutes_not_approved(approved)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.status != MinutesStatus.CIRCULATED:
        raise ValidationError("Send the draft minutes to this meeting before they are approved.")
    if item.meeting.date > today:
        raise ValidationError(
            f"The committee approves these minutes at its meeting on {_long(item.meeting.date)}: "
            "record the approval on or after that day."
        )
    resolution_create(
        by=by,
        agenda_item=item,
        label=next_resolution_label(item) or "1",
        text=approval_text(meeting),
        request=request,
    )
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = item
    minutes.approved_on = item.meeting.date
    minutes.approved_by = by
    minutes.full_clean()
    minutes.save()
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.MINUTES_APPROVED)
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=minutes,
        detail={"status": minutes.status, "at_item": item.pk},
        request=request,
    )
    return minutes


# Amendments -------------------------------------------------------------------------------------


def _amend_target(
    minutes: Minutes, kind: str, agenda_item, resolution
) -> tuple[ItemMinute | Resolution | None, str]:
    """The record an amendment changes and the name of its text field."""
    meeting_id = minutes.meeting_id
    if kind == AmendmentKind.DISCUSSION:
        if agenda_item is None or agenda_item.meeting_id != meeting_id:
            raise ValidationError("Choose an item of these minutes.")
        return ItemMinute.objects.get_or_create(agenda_item=agenda_item)[0], "discussion"
    if kind == AmendmentKind.RESOLUTION:
        if resolution is None or resolution.agenda_item.meeting_id != meeting_id:
            raise ValidationError("Choose a resolution of these minutes.")
        return Resolution.objects.select_for_update().get(pk=resolution.pk), "text"
    return None, ""


@transaction.atomic
def minutes_amend(
    *,
    by: User,
    minutes: Minutes,
    kind: str,
    new_text: str,
    reason: str,
    agenda_item: AgendaItem | None = None,
    resolution: Resolution | None = None,
    request=None,
) -> MinutesAmendment:
    """Change approved minutes, keeping the text before and after and the reason.

    The one way to change them once approved: an item's minute, a resolution's text, or a
    correction recorded as a note (for attendance, say) that changes no other record.
    """
    _require_manager(by)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if not minutes.is_approved:
        raise ValidationError("These minutes are still a draft: change them directly.")
    new_text, reason = new_text.strip(), reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = "Give the reason for the amendment and where it was agreed."
    if not new_text:
        errors["new_text"] = "Enter the amended text."
    if errors:
        raise ValidationError(errors)
    target, field = _amend_target(minutes, kind, agenda_item, resolution)
    previous = getattr(target, field) if target is not None else ""
    if target is not None:
        if new_text == previous:
            raise ValidationError({"new_text": "The text is unchanged. Change it, or cancel."})
        setattr(target, field, new_text)
        target.full_clean()
        target.save()
    amendment = MinutesAmendment(
        minutes=minutes,
        kind=kind,
        agenda_item=agenda_item if kind == AmendmentKind.DISCUSSION else None,
        resolution=resolution if kind == AmendmentKind.RESOLUTION else None,
        previous_text=previous,
        new_text=new_text,
        reason=reason,
        recorded_by=by,
    )
    amendment.full_clean()
    amendment.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=amendment,
        detail={"minutes": minutes.pk, "kind": kind},
        request=request,
    )
    return amendment


# Publishing -------------------------------------------------------------------------------------


def has_exempt_items(meeting: Meeting) -> bool:
    return meeting.agenda_items.filter(exempt=True).exists()


def _store(data: bytes) -> str:
    return write_atomically(f"scrutiny/minutes/{uuid.uuid4().hex}.pdf", data)


def _record_publish_error(minutes: Minutes, error: Exception) -> None:
    Minutes.objects.filter(pk=minutes.pk).update(publish_error=str(error)[:2000])


def minutes_publish(*, by: User, minutes: Minutes, request=None) -> Minutes:
    """Print approved minutes as tagged PDFs (public, and exempt when there are exempt items),
    store them and mark the minutes published. Done again after each amendment; the files it
    replaces are removed once the new ones are in place.

    A PDF that cannot be made is a ValidationError saying why; the minutes stay approved.
    """
    _require_manager(by)
    if not minutes.is_approved:
        raise ValidationError("Only approved minutes are published.")
    meeting = minutes.meeting
    try:
        public = render_minutes_pdf(minutes_document(meeting, part=Part.PUBLIC))
        exempt = (
            render_minutes_pdf(minutes_document(meeting, part=Part.EXEMPT))
            if has_exempt_items(meeting)
            else None
        )
    except PdfError as error:
        logger.exception("Minutes %s could not be printed", minutes.pk)
        _record_publish_error(minutes, error)
        raise ValidationError(f"The minutes could not be printed: {error}") from error
    names = [_store(public)] + ([_store(exempt)] if exempt else [])
    try:
        with transaction.atomic():
            minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
            old = [name for name in (minutes.public_pdf.name, minutes.exempt_pdf.name) if name]
            minutes.public_pdf.name = names[0]
            minutes.public_sha256 = hashlib.sha256(public).hexdigest()
            minutes.exempt_pdf.name = names[1] if exempt else ""
            minutes.exempt_sha256 = hashlib.sha256(exempt).hexdigest() if exempt else ""
            minutes.published_at = timezone.now()
            minutes.publish_error = ""
            minutes.full_clean()
            minutes.save()
            audit_record(
                by=by,
                action=AuditAction.UPDATE,
                obj=minutes,
                detail={"published": True, "sha256": minutes.public_sha256, "exempt": bool(exempt)},
                request=request,
            )
            for name in old:
                transaction.on_commit(partial(default_storage.delete, name))
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
    return minutes


def minutes_record_download(*, by: User, minutes: Minutes, part: str, request=None) -> None:
    """Audit a download of the published minutes: which part (`public_pdf` or `exempt_pdf`)
    and the fingerprint of the file that was read."""
    sha = {"public_pdf": minutes.public_sha256, "exempt_pdf": minutes.exempt_sha256}[part]
    audit_record(
        by=by,
        action=AuditAction.EXPORT,
        obj=minutes,
        detail={"part": part, "sha256": sha},
        request=request,
    )
