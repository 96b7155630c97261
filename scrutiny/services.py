"""Writes for scrutiny, each in one transaction with its audit row, and the action reminders."""

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
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils.dateformat import format as format_date

from partnership.audit import audit_record
from partnership.constants import AuditAction, Role
from partnership.models import Area, User

from .constants import OPEN_STATUSES, ActionStatus, MeetingStatus, Rag, ReminderKind
from .files import clean_filename
from .models import (
    Action,
    ActionUpdate,
    AgendaDocument,
    AgendaItem,
    Committee,
    Meeting,
    ReminderSent,
    Resolution,
    Topic,
)
from .selectors import is_manager, is_owner_or_manager


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


# Committees -------------------------------------------------------------------------------------


def _check_committee_people(clerk: User, members: Iterable[User]) -> None:
    if not clerk.has_role(Role.CLERK):
        raise ValidationError({"clerk": "The clerk must be a user with the clerk role."})
    if any(not member.has_role(Role.COMMITTEE_MEMBER) for member in members):
        raise ValidationError({"members": "Members must be users with the committee member role."})


@transaction.atomic
def committee_create(
    *,
    by: User,
    name: str,
    description: str,
    clerk: User,
    members: Iterable[User],
    request=None,
) -> Committee:
    _require_manager(by)
    members = list(members)
    _check_committee_people(clerk, members)
    committee = Committee(name=name, description=description, clerk=clerk)
    committee.full_clean()
    committee.save()
    committee.members.set(members)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=committee,
        detail={"members": len(members)},
        request=request,
    )
    return committee


@transaction.atomic
def committee_update(
    *, by: User, committee: Committee, members: Iterable[User], request=None, **fields: Any
) -> Committee:
    _require_manager(by)
    members = list(members)
    _check_committee_people(fields.get("clerk", committee.clerk), members)
    changed = _set_fields(committee, fields, ["name", "description", "clerk"])
    committee.full_clean()
    committee.save()
    if {member.pk for member in members} != set(committee.members.values_list("pk", flat=True)):
        committee.members.set(members)
        changed.append("members")
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


@transaction.atomic
def meeting_create(
    *,
    by: User,
    committee: Committee,
    date: date,
    start_time: time,
    venue: str,
    status: str = MeetingStatus.DRAFT,
    request=None,
) -> Meeting:
    _require_manager(by)
    meeting = Meeting(
        committee=committee, date=date, start_time=start_time, venue=venue, status=status
    )
    meeting.full_clean()
    meeting.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=meeting, request=request)
    return meeting


@transaction.atomic
def meeting_update(*, by: User, meeting: Meeting, request=None, **fields: Any) -> Meeting:
    _require_manager(by)
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
    document.full_clean()
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


@transaction.atomic
def action_create(
    *,
    by: User,
    resolution: Resolution,
    description: str,
    owner: User,
    due_date: date,
    request=None,
) -> Action:
    """Raise an action from a resolution. Its reference is A-<meeting year>-<sequence>."""
    _require_manager(by)
    year = resolution.agenda_item.meeting.date.year
    sequence = next_action_sequence(year)
    action = Action(
        reference=f"A-{year}-{sequence:03d}",
        year=year,
        sequence=sequence,
        resolution=resolution,
        description=description,
        owner=owner,
        owner_organisation=owner.organisation,
        due_date=due_date,
        raised_by=by,
    )
    action.full_clean()
    action.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=action, request=request)
    return action


def _require_owner_or_manager(user: User, action: Action) -> None:
    """Owners and clerks work on an open action; a closed one takes no more changes."""
    if not is_owner_or_manager(user, action):
        raise PermissionDenied
    if not action.is_open:
        raise ValidationError("This action is already closed.")


def _fresh(action: Action) -> Action:
    """The action as stored now, locked for this transaction, so a failed change leaves the
    caller's copy untouched."""
    return Action.objects.select_for_update().get(pk=action.pk)


@transaction.atomic
def action_edit(
    *,
    by: User,
    action: Action,
    description: str,
    owner: User,
    due_date: date,
    request=None,
) -> Action:
    """Change what an action asks, who owns it or when it is due (clerks only)."""
    _require_manager(by)
    action = _fresh(action)
    fields: dict[str, Any] = {"description": description, "due_date": due_date}
    if owner.pk != action.owner_id:
        fields |= {"owner": owner, "owner_organisation": owner.organisation}
    changed = _set_fields(
        action, fields, ["description", "due_date", "owner", "owner_organisation"]
    )
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
    """Close an action as not feasible (with the reason) or superseded (clerks only)."""
    _require_manager(by)
    action = _fresh(action)
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
    meeting = action.resolution.agenda_item.meeting
    return [
        f"- {action.reference}, due {_long_date(action.due_date)} ({Rag(action.rag).label})",
        f"  {action.description}",
        f"  {meeting.committee}, meeting of {_long_date(meeting.date)}, "
        f"resolution ({action.resolution.label})",
    ]


def _not_yet_sent(actions, kind: str, recipient_field: str | None, today: date, recipient=None):
    sent = ReminderSent.objects.filter(kind=kind, action=OuterRef("pk"), sent_on=today)
    sent = sent.filter(recipient=OuterRef(recipient_field) if recipient_field else recipient)
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

    One e-mail per owner listing every such action; an action already in a reminder to that
    owner today is left out, so running this twice in a day e-mails no one twice.
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
            "These committee actions are yours and are overdue or due within 7 days. Please "
            "add an update, or complete them with evidence, in My actions:",
            _site_link("scrutiny:my_actions"),
        ]
        for heading, group in (("Overdue", overdue), ("Due within 7 days", due_soon)):
            if group:
                lines += ["", f"{heading}:"]
                for action in group:
                    lines += _action_lines(action)
        lines += ["", "You get this e-mail once a day while you have actions due or overdue."]
        subject = f"Committee actions: {len(overdue)} overdue, {len(due_soon)} due within 7 days"
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


def send_overdue_digest(*, today: date) -> RemindersSent:
    """E-mail each committee's clerk the overdue actions of the committees they clerk.

    Scheduled weekly (partnership/celery.py); like the owners' reminders, never twice a day.
    """
    emails = actions = 0
    clerks = (
        User.objects.filter(is_active=True, committees_clerked__isnull=False)
        .exclude(email="")
        .distinct()
    )
    for clerk in clerks:
        overdue = list(
            _not_yet_sent(
                Action.objects.filter(resolution__agenda_item__meeting__committee__clerk=clerk),
                ReminderKind.CLERK_DIGEST,
                None,
                today,
                recipient=clerk,
            )
            .for_tracker(today)
            .filter(rag=Rag.RED)
        )
        if not overdue:
            continue
        lines = [
            f"Dear {clerk.get_full_name() or clerk.username},",
            "",
            f"{len(overdue)} committee action{'s are' if len(overdue) != 1 else ' is'} overdue "
            "in the committees you clerk. The action tracker has the latest updates:",
            _site_link("scrutiny:action_list"),
        ]
        by_committee: dict[Committee, list[Action]] = defaultdict(list)
        for action in overdue:
            by_committee[action.resolution.agenda_item.meeting.committee].append(action)
        for committee, group in sorted(by_committee.items(), key=lambda pair: pair[0].name):
            lines += ["", f"{committee}:"]
            for action in group:
                lines += _action_lines(action)
                lines.append(f"  Owner: {action.owner.get_full_name() or action.owner.username}")
        _deliver(
            kind=ReminderKind.CLERK_DIGEST,
            recipient=clerk,
            actions=overdue,
            today=today,
            subject=f"Weekly digest: {len(overdue)} overdue committee action"
            + ("s" if len(overdue) != 1 else ""),
            body="\n".join(lines),
        )
        emails += 1
        actions += len(overdue)
    return RemindersSent(emails=emails, actions=actions)
