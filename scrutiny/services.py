"""Writes for scrutiny, each in one transaction with its audit row, and the action reminders.

The meeting cycle (membership, attendance, declarations, standard items, minutes) has its own
module, `services_meetings.py`; delivery plans and the review register, `services_plans.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from partnership.audit import audit_record
from partnership.constants import AuditAction, Role
from partnership.models import Area, User

from .constants import (
    ACTION_MANAGER_ROLES,
    OPEN_STATUSES,
    REVIEW_ROLES,
    STANDARD_ITEMS,
    ActionSource,
    ActionStatus,
    ItemKind,
    MeetingStatus,
    Priority,
    Rag,
    ReminderKind,
)
from .files import clean_filename, pdf_upload_sanitised
from .models import (
    Action,
    ActionUpdate,
    AgendaDocument,
    AgendaItem,
    Commitment,
    Committee,
    Meeting,
    ReminderSent,
    Resolution,
    Review,
    Topic,
)
from .selectors import (
    is_manager,
    is_owner_or_manager,
    may_manage_action,
    tracker_actions_for_user,
)


def _set_fields(obj, fields: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the given fields on `obj` and return the names of those that changed."""
    allowed = set(allowed)
    changed = []
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{name} cannot be changed here")
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied


MINUTES_LOCKED = (
    "The minutes of this meeting are approved, so they cannot be changed. Record an amendment "
    "to the minutes instead."
)


def require_minutes_not_approved(meeting: Meeting) -> Meeting:
    """Refuse a change to what the minutes record (resolutions, attendance, declarations, the
    items' minutes) once they are approved. Locks the meeting's row for the transaction, so a
    change and the approval cannot cross."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.MINUTES_APPROVED:
        raise ValidationError(MINUTES_LOCKED, code="minutes_approved")
    return meeting


# Committees -------------------------------------------------------------------------------------


def _check_clerk(clerk: User) -> None:
    if not clerk.has_role(Role.CLERK):
        raise ValidationError({"clerk": "The clerk must be a user with the clerk role."})


@transaction.atomic
def committee_create(
    *,
    by: User,
    name: str,
    description: str,
    clerk: User,
    request=None,
) -> Committee:
    """Add a committee; its members are added with their start dates (`membership_add`)."""
    _require_manager(by)
    _check_clerk(clerk)
    committee = Committee(name=name, description=description, clerk=clerk)
    committee.full_clean()
    committee.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=committee, request=request)
    return committee


@transaction.atomic
def committee_update(*, by: User, committee: Committee, request=None, **fields: Any) -> Committee:
    _require_manager(by)
    _check_clerk(fields.get("clerk", committee.clerk))
    changed = _set_fields(committee, fields, ["name", "description", "clerk"])
    committee.full_clean()
    committee.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=committee,
        detail={"changed": changed},
        request=request,
    )
    return committee


@transaction.atomic
def topic_create(*, by: User, name: str, description: str = "", request=None) -> Topic:
    _require_manager(by)
    topic = Topic(name=name, description=description)
    topic.full_clean()
    topic.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=topic, request=request)
    return topic


# Meetings and agenda items ----------------------------------------------------------------------

MEETING_FIELDS = ["date", "start_time", "venue", "status"]
APPROVED_BY_THE_COMMITTEE = (
    "Minutes are approved by the committee at its next meeting: record the approval on that "
    "meeting's item Minutes of the previous meeting."
)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's last meeting before this one."""
    return (
        Meeting.objects.filter(committee=meeting.committee_id)
        .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, start_time__lt=meeting.start_time))
        .order_by("-date", "-start_time")
        .first()
    )


def _add_standard_items(meeting: Meeting) -> list[AgendaItem]:
    """Apologies, declarations of interest and (when there are minutes to approve) the previous
    meeting's minutes, as items 1, 2 and 3. The clerk may remove any of them."""
    items: list[AgendaItem] = []
    for kind in STANDARD_ITEMS:
        minutes_of = None
        if kind == ItemKind.PREVIOUS_MINUTES:
            minutes_of = previous_meeting(meeting)
            if minutes_of is None or minutes_of.status == MeetingStatus.MINUTES_APPROVED:
                continue
        item = AgendaItem(
            meeting=meeting,
            number=len(items) + 1,
            kind=kind,
            title=ItemKind(kind).label,
            minutes_of=minutes_of,
        )
        item.full_clean()
        item.save()
        items.append(item)
    return items


@transaction.atomic
def meeting_create(
    *,
    by: User,
    committee: Committee,
    date: date,
    start_time: time,
    venue: str,
    status: str = MeetingStatus.DRAFT,
    standard_items: bool = True,
    request=None,
) -> Meeting:
    """Add a meeting, its agenda starting with the standard items (unless told not to)."""
    _require_manager(by)
    if status == MeetingStatus.MINUTES_APPROVED:
        raise ValidationError({"status": APPROVED_BY_THE_COMMITTEE})
    meeting = Meeting(
        committee=committee, date=date, start_time=start_time, venue=venue, status=status
    )
    meeting.full_clean()
    meeting.save()
    items = _add_standard_items(meeting) if standard_items else []
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=meeting,
        detail={"standard_items": [item.kind for item in items]},
        request=request,
    )
    return meeting


@transaction.atomic
def meeting_update(*, by: User, meeting: Meeting, request=None, **fields: Any) -> Meeting:
    """Change a meeting's details or publish its agenda. "Minutes approved" is not set here:
    it follows from approving the minutes (services_meetings.minutes_approve)."""
    _require_manager(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    approved = meeting.status == MeetingStatus.MINUTES_APPROVED
    if "status" in fields and approved != (fields["status"] == MeetingStatus.MINUTES_APPROVED):
        raise ValidationError(
            {
                "status": APPROVED_BY_THE_COMMITTEE
                if not approved
                else "The minutes of this meeting are approved, so its status stays "
                "Minutes approved."
            }
        )
    changed = _set_fields(meeting, fields, MEETING_FIELDS)
    meeting.full_clean()
    meeting.save()
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=meeting, detail={"changed": changed}, request=request
    )
    return meeting


AGENDA_ITEM_FIELDS = [
    "title",
    "report_of",
    "all_wards",
    "purpose",
    "recommendation",
    "summary",
    "body",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_telephone",
    "exempt",
    "exempt_paragraph",
]


def _check_wards(all_wards: bool, wards: list[Area]) -> None:
    if not all_wards and not wards:
        raise ValidationError({"wards": "Choose the areas affected, or say all wards."})


@transaction.atomic
def agenda_item_create(
    *,
    by: User,
    meeting: Meeting,
    wards: Iterable[Area] = (),
    topics: Iterable[Topic] = (),
    request=None,
    **fields: Any,
) -> AgendaItem:
    """Add an item at the end of the meeting's agenda."""
    _require_manager(by)
    wards = list(wards)
    _check_wards(fields.get("all_wards", True), wards)
    last = meeting.agenda_items.aggregate(last=Max("number"))["last"] or 0
    item = AgendaItem(meeting=meeting, number=last + 1)
    _set_fields(item, fields, AGENDA_ITEM_FIELDS)
    item.full_clean()
    item.save()
    item.wards.set([] if item.all_wards else wards)
    item.topics.set(topics)
    audit_record(
        by=by, action=AuditAction.CREATE, obj=item, detail={"exempt": item.exempt}, request=request
    )
    return item


@transaction.atomic
def agenda_item_update(
    *,
    by: User,
    item: AgendaItem,
    wards: Iterable[Area] = (),
    topics: Iterable[Topic] = (),
    request=None,
    **fields: Any,
) -> AgendaItem:
    _require_manager(by)
    wards = list(wards)
    _check_wards(fields.get("all_wards", item.all_wards), wards)
    changed = _set_fields(item, fields, AGENDA_ITEM_FIELDS)
    item.full_clean()
    item.save()
    item.wards.set([] if item.all_wards else wards)
    item.topics.set(topics)
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=item, detail={"changed": changed}, request=request
    )
    return item


@transaction.atomic
def agenda_item_move(*, by: User, item: AgendaItem, direction: str, request=None) -> bool:
    """Swap the item with the one above ("up") or below ("down"). False if already at the end."""
    _require_manager(by)
    siblings = AgendaItem.objects.filter(meeting=item.meeting_id)
    if direction == "up":
        neighbour = siblings.filter(number__lt=item.number).order_by("-number").first()
    elif direction == "down":
        neighbour = siblings.filter(number__gt=item.number).order_by("number").first()
    else:
        raise ValueError(f"direction must be up or down, not {direction!r}")
    if neighbour is None:
        return False
    old, new = item.number, neighbour.number
    # Through 0, because each item's number is unique within its meeting.
    AgendaItem.objects.filter(pk=item.pk).update(number=0)
    AgendaItem.objects.filter(pk=neighbour.pk).update(number=old)
    AgendaItem.objects.filter(pk=item.pk).update(number=new)
    item.number = new
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=item,
        detail={"changed": ["number"], "from": old, "to": new},
        request=request,
    )
    return True


@transaction.atomic
def agenda_document_add(
    *, by: User, item: AgendaItem, title: str, file, request=None
) -> AgendaDocument:
    _require_manager(by)
    document = AgendaDocument(
        agenda_item=item,
        title=title,
        file=file,
        original_name=clean_filename(file.name),
        uploaded_by=by,
    )
    document.full_clean()  # its type, size and first bytes, before it is read whole
    document.file = pdf_upload_sanitised(file, field="file")
    document.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=document, request=request)
    return document


@transaction.atomic
def agenda_document_delete(*, by: User, document: AgendaDocument, request=None) -> None:
    _require_manager(by)
    audit_record(
        by=by,
        action=AuditAction.DELETE,
        obj=document,
        detail={"agenda_item": document.agenda_item_id},
        request=request,
    )
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    # Remove the file only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))


def agenda_document_record_download(*, by: User, document: AgendaDocument, request=None) -> None:
    """Audit the download of an exempt item's document: who read confidential papers and when.
    Public documents are in the public pack anyway, so their downloads are not recorded."""
    if document.agenda_item.exempt:
        audit_record(by=by, action=AuditAction.VIEW, obj=document, request=request)


# Resolutions ------------------------------------------------------------------------------------


def next_resolution_label(item: AgendaItem) -> str:
    """The label after the item's last one: b after a, 3 after 2; a for the first."""
    last = item.resolutions.order_by("-position").first()
    if last is None:
        return "a"
    if last.label.isdigit():
        return str(int(last.label) + 1)
    return chr(ord(last.label) + 1) if last.label < "z" else ""


@transaction.atomic
def resolution_create(
    *, by: User, agenda_item: AgendaItem, label: str, text: str, request=None
) -> Resolution:
    _require_manager(by)
    require_minutes_not_approved(agenda_item.meeting)
    last = agenda_item.resolutions.aggregate(last=Max("position"))["last"] or 0
    resolution = Resolution(agenda_item=agenda_item, position=last + 1, label=label, text=text)
    resolution.full_clean()
    resolution.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=resolution, request=request)
    return resolution


@transaction.atomic
def resolution_update(
    *, by: User, resolution: Resolution, label: str, text: str, request=None
) -> Resolution:
    _require_manager(by)
    require_minutes_not_approved(resolution.agenda_item.meeting)
    changed = _set_fields(resolution, {"label": label, "text": text}, ["label", "text"])
    resolution.full_clean()
    resolution.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=resolution,
        detail={"changed": changed},
        request=request,
    )
    return resolution


# Actions ----------------------------------------------------------------------------------------


def next_action_sequence(year: int) -> int:
    # Two clerks raising actions at the same instant would collide on the unique constraint
    # (year, sequence) rather than share a reference; the second one simply tries again.
    last = Action.objects.filter(year=year).aggregate(last=Max("sequence"))["last"] or 0
    return last + 1


def _source_of(
    resolution: Resolution | None,
    commitment: Commitment | None,
    review: Review | None,
    other_source: str,
) -> ActionSource:
    """The source an action's links make it: exactly one of them must be given."""
    given = [
        source
        for source, link in (
            (ActionSource.RESOLUTION, resolution),
            (ActionSource.COMMITMENT, commitment),
            (ActionSource.RECOMMENDATION, review),
            (ActionSource.OTHER, other_source.strip()),
        )
        if link
    ]
    if not given:
        raise ValidationError({"other_source": "Say where the action came from."})
    if len(given) > 1:
        raise TypeError(f"An action has one source, not {', '.join(given)}")
    return given[0]


def _check_owner(owner: User, source: str) -> None:
    if source == ActionSource.RECOMMENDATION and not owner.has_role(*REVIEW_ROLES):
        raise ValidationError(
            {
                "owner": "A review recommendation's owner must be a performance lead or a "
                "commissioner: only they may see the review register."
            }
        )


@transaction.atomic
def action_create(
    *,
    by: User,
    description: str,
    owner: User,
    due_date: date,
    priority: str = Priority.MEDIUM,
    resolution: Resolution | None = None,
    commitment: Commitment | None = None,
    review: Review | None = None,
    source_agency=None,
    other_source: str = "",
    request=None,
) -> Action:
    """Raise an action from its source: a resolution, a delivery-plan commitment (a milestone),
    a review recommendation (with the agency it is made to) or another source described in words.

    Its reference is A-<year>-<sequence>: the year of the meeting for a resolution's action,
    else the year it is raised.
    """
    source = _source_of(resolution, commitment, review, other_source)
    if not by.has_role(*ACTION_MANAGER_ROLES[source]):
        raise PermissionDenied
    _check_owner(owner, source)
    year = resolution.agenda_item.meeting.date.year if resolution else timezone.localdate().year
    sequence = next_action_sequence(year)
    action = Action(
        reference=f"A-{year}-{sequence:03d}",
        year=year,
        sequence=sequence,
        source=source,
        resolution=resolution,
        commitment=commitment,
        review=review,
        source_agency=source_agency,
        other_source=other_source.strip(),
        priority=priority,
        description=description,
        owner=owner,
        owner_organisation=owner.organisation,
        due_date=due_date,
        raised_by=by,
    )
    action.full_clean()
    action.save()
    audit_record(
        by=by, action=AuditAction.CREATE, obj=action, detail={"source": source}, request=request
    )
    return action


def _require_owner_or_manager(user: User, action: Action) -> None:
    """Owners and the action's managers work on an open action; a closed one takes no more
    changes."""
    if not is_owner_or_manager(user, action):
        raise PermissionDenied
    if not action.is_open:
        raise ValidationError("This action is already closed.")


def _require_action_manager(user: User, action: Action) -> None:
    if not may_manage_action(user, action):
        raise PermissionDenied


def _fresh(action: Action) -> Action:
    """The action as stored now, locked for this transaction, so a failed change leaves the
    caller's copy untouched."""
    return Action.objects.select_for_update().get(pk=action.pk)


ACTION_EDIT_FIELDS = [
    "description",
    "due_date",
    "priority",
    "owner",
    "owner_organisation",
    "source_agency",
    "other_source",
]


@transaction.atomic
def action_edit(
    *,
    by: User,
    action: Action,
    description: str,
    owner: User,
    due_date: date,
    priority: str | None = None,
    source_agency=None,
    other_source: str | None = None,
    request=None,
) -> Action:
    """Change what an action asks, who owns it, when it is due or its priority (its managers
    only: clerks for committee actions). Its source stays what it is."""
    action = _fresh(action)
    _require_action_manager(by, action)
    _check_owner(owner, action.source)
    fields: dict[str, Any] = {"description": description, "due_date": due_date}
    if priority is not None:
        fields["priority"] = priority
    if owner.pk != action.owner_id:
        fields |= {"owner": owner, "owner_organisation": owner.organisation}
    if action.source == ActionSource.RECOMMENDATION and source_agency is not None:
        fields["source_agency"] = source_agency
    if action.source == ActionSource.OTHER and other_source is not None:
        fields["other_source"] = other_source.strip()
    changed = _set_fields(action, fields, ACTION_EDIT_FIELDS)
    action.full_clean()
    action.save()
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=action, detail={"changed": changed}, request=request
    )
    return action


@transaction.atomic
def action_update_add(
    *, by: User, action: Action, text: str, status: str, request=None
) -> ActionUpdate:
    """Record progress on an open action, and set it open or in progress."""
    action = _fresh(action)
    _require_owner_or_manager(by, action)
    if status not in OPEN_STATUSES:
        raise ValidationError({"status": "Choose open or in progress."})
    update = ActionUpdate(action=action, author=by, text=text)
    update.full_clean()
    update.save()
    changed = _set_fields(action, {"status": status}, ["status"])
    action.full_clean()
    action.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=action,
        detail={"update": update.pk, "changed": changed},
        request=request,
    )
    return update


@transaction.atomic
def action_complete(
    *,
    by: User,
    action: Action,
    today: date,
    evidence_file=None,
    evidence_url: str = "",
    note: str = "",
    request=None,
) -> Action:
    """Complete an action. Evidence is required: a file, or a link to a published report or
    dashboard page (the rule is in `Action.clean`)."""
    action = _fresh(action)
    _require_owner_or_manager(by, action)
    action.status = ActionStatus.COMPLETE
    action.closed_on = today
    action.closure_note = note
    action.evidence_url = evidence_url
    if evidence_file:
        action.evidence_file = evidence_file
        action.evidence_name = clean_filename(evidence_file.name)
    action.full_clean()
    if evidence_file:
        action.evidence_file = pdf_upload_sanitised(evidence_file, field="evidence_file")
    action.save()
    ActionUpdate.objects.create(action=action, author=by, text=f"Completed. {note}".strip())
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=action,
        detail={"status": action.status, "evidence": "file" if evidence_file else "link"},
        request=request,
    )
    return action


@transaction.atomic
def action_close(
    *,
    by: User,
    action: Action,
    today: date,
    status: str,
    note: str,
    superseded_by: Action | None = None,
    request=None,
) -> Action:
    """Close an action as not feasible (with the reason) or superseded (its managers only)."""
    action = _fresh(action)
    _require_action_manager(by, action)
    if not action.is_open:
        raise ValidationError("This action is already closed.")
    if status not in (ActionStatus.NOT_FEASIBLE, ActionStatus.SUPERSEDED):
        raise ValidationError({"status": "Choose not feasible or superseded."})
    if superseded_by is not None and status != ActionStatus.SUPERSEDED:
        raise ValidationError(
            {"superseded_by": "Only a superseded action names the action that replaces it."}
        )
    action.status = status
    action.closed_on = today
    action.closure_note = note
    action.superseded_by = superseded_by
    action.full_clean()
    action.save()
    label = ActionStatus(status).label
    ActionUpdate.objects.create(action=action, author=by, text=f"{label}. {note}")
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=action, detail={"status": status}, request=request
    )
    return action


# Exports and views that are recorded ------------------------------------------------------------


def actions_record_export(*, by: User, rows: int, filters: Iterable[str], request=None) -> None:
    """Audit an export of the action tracker: how many rows, and which filters were on."""
    audit_record(
        by=by,
        action=AuditAction.EXPORT,
        object_type="scrutiny.Action",
        detail={"rows": rows, "filters": sorted(filters)},
        request=request,
    )


def dashboard_record_exact_view(
    *, by: User, quarter_label: str, service_id: int | None, request=None
) -> None:
    """Audit a dashboard shown with exact (unsuppressed) figures."""
    audit_record(
        by=by,
        action=AuditAction.VIEW,
        object_type="scrutiny.Dashboard",
        object_id=quarter_label,
        detail={"exact": True, "service_id": service_id},
        request=request,
    )


# Reminders --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemindersSent:
    emails: int
    actions: int


def _site_link(url_name: str) -> str:
    # SITE_URL (e.g. https://dapb.example.gov.uk) makes the link absolute when it is set.
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{reverse(url_name)}"


def _long_date(day: date) -> str:
    return format_date(day, "j F Y")


def _action_lines(action: Action) -> list[str]:
    return [
        f"- {action.reference}, due {_long_date(action.due_date)} ({Rag(action.rag).label}, "
        f"{action.get_priority_display().lower()} priority)",
        f"  {action.description}",
        f"  {action.get_source_display()}: {action.source_detail}",
    ]


def _not_yet_sent(actions, kind: str, recipient_field: str, today: date):
    sent = ReminderSent.objects.filter(
        kind=kind, action=OuterRef("pk"), sent_on=today, recipient=OuterRef(recipient_field)
    )
    return actions.filter(~Exists(sent))


def _deliver(*, kind: str, recipient: User, actions: list[Action], today: date, subject, body):
    """Record the reminders and send the e-mail; if sending fails, nothing is recorded."""
    with transaction.atomic():
        ReminderSent.objects.bulk_create(
            ReminderSent(kind=kind, recipient=recipient, action=action, sent_on=today)
            for action in actions
        )
        send_mail(subject, body, None, [recipient.email])


def send_action_reminders(*, today: date) -> RemindersSent:
    """E-mail each owner, once a day, their open actions that are overdue or due within 7 days.

    One e-mail per owner listing every such action, whatever its source; an action already in a
    reminder to that owner today is left out, so running this twice in a day e-mails no one
    twice.
    """
    candidates = _not_yet_sent(
        Action.objects.due_for_reminder(today)
        .filter(owner__is_active=True)
        .exclude(owner__email=""),
        ReminderKind.OWNER_REMINDER,
        "owner",
        today,
    ).for_tracker(today)
    by_owner: dict[User, list[Action]] = defaultdict(list)
    for action in candidates:
        by_owner[action.owner].append(action)
    emails = actions = 0
    for owner, owned in by_owner.items():
        overdue = [action for action in owned if action.rag == Rag.RED]
        due_soon = [action for action in owned if action.rag != Rag.RED]
        lines = [
            f"Dear {owner.get_full_name() or owner.username},",
            "",
            "These actions are yours and are overdue or due within 7 days. Please add an "
            "update, or complete them with evidence, in My actions:",
            _site_link("scrutiny:my_actions"),
        ]
        for heading, group in (("Overdue", overdue), ("Due within 7 days", due_soon)):
            if group:
                lines += ["", f"{heading}:"]
                for action in group:
                    lines += _action_lines(action)
        lines += ["", "You get this e-mail once a day while you have actions due or overdue."]
        subject = f"Your actions: {len(overdue)} overdue, {len(due_soon)} due within 7 days"
        _deliver(
            kind=ReminderKind.OWNER_REMINDER,
            recipient=owner,
            actions=owned,
            today=today,
            subject=subject,
            body="\n".join(lines),
        )
        emails += 1
        actions += len(owned)
    return RemindersSent(emails=emails, actions=actions)


def digest_recipient(action: Action) -> User:
    """Who keeps an action and hears when it is overdue: the committee's clerk for a
    resolution's action, otherwise whoever raised it (a plan editor or a review reader)."""
    meeting = action.meeting  # a resolution's action has one (the source names its one link)
    return meeting.committee.clerk if meeting is not None else action.raised_by


def _digest_heading(action: Action) -> str:
    meeting = action.meeting
    if meeting is not None:
        return str(meeting.committee)
    if action.commitment is not None:
        return f"Delivery plan: {action.commitment.theme.strategy}"
    if action.source == ActionSource.RECOMMENDATION:
        return "Review recommendations"
    return "Actions from other sources"


def _overdue_by_recipient(today: date) -> dict[User, list[Action]]:
    overdue = (
        Action.objects.for_tracker(today)
        .of_rag(Rag.RED)  # as in `.overdue(today)`
        .select_related("raised_by", "resolution__agenda_item__meeting__committee__clerk")
    )
    already = set(
        ReminderSent.objects.filter(kind=ReminderKind.CLERK_DIGEST, sent_on=today).values_list(
            "recipient_id", "action_id"
        )
    )
    grouped: dict[User, list[Action]] = defaultdict(list)
    for action in overdue:
        recipient = digest_recipient(action)
        if recipient.is_active and recipient.email and (recipient.pk, action.pk) not in already:
            grouped[recipient].append(action)
    # Nobody hears of an action they may not read (a clerk, of a review recommendation).
    for recipient, actions in list(grouped.items()):
        visible = set(
            tracker_actions_for_user(recipient)
            .filter(pk__in=[action.pk for action in actions])
            .values_list("pk", flat=True)
        )
        grouped[recipient] = [action for action in actions if action.pk in visible]
    return {recipient: actions for recipient, actions in grouped.items() if actions}


def send_overdue_digest(*, today: date) -> RemindersSent:
    """E-mail whoever keeps overdue actions a weekly list of them: each committee's clerk its
    committees' actions, and whoever raised a milestone, recommendation or other action those.

    Scheduled weekly (partnership/celery.py); like the owners' reminders, never twice a day.
    """
    emails = actions = 0
    for recipient, overdue in sorted(
        _overdue_by_recipient(today).items(), key=lambda pair: pair[0].pk
    ):
        lines = [
            f"Dear {recipient.get_full_name() or recipient.username},",
            "",
            f"{len(overdue)} action{'s are' if len(overdue) != 1 else ' is'} overdue among "
            "those you keep. The action tracker has the latest updates:",
            _site_link("scrutiny:action_list"),
        ]
        by_heading: dict[str, list[Action]] = defaultdict(list)
        for action in overdue:
            by_heading[_digest_heading(action)].append(action)
        for heading, group in sorted(by_heading.items()):
            lines += ["", f"{heading}:"]
            for action in group:
                lines += _action_lines(action)
                lines.append(f"  Owner: {action.owner.get_full_name() or action.owner.username}")
        _deliver(
            kind=ReminderKind.CLERK_DIGEST,
            recipient=recipient,
            actions=overdue,
            today=today,
            subject=f"Weekly digest: {len(overdue)} overdue action"
            + ("s" if len(overdue) != 1 else ""),
            body="\n".join(lines),
        )
        emails += 1
        actions += len(overdue)
    return RemindersSent(emails=emails, actions=actions)
