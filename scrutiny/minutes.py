"""The minutes of a meeting as a document: worked out once, shown as a page and printed as PDF.

`minutes_document(meeting, part=...)` reads everything the minutes hold (attendance, each
item's minute, resolutions and declarations, the questions annex, amendments) into a plain
`MinutesDocument`. The page (`scrutiny/minutes_detail.html`) and the tagged PDF
(`reports/minutes.html`, made by `render_minutes_pdf` without a database) print that same
object, so what the committee approved on screen is what is published.

Exempt items are minuted separately, as agenda packs are: the public part leaves them out,
saying so and why; the exempt part holds only them, marked restricted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum

from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString

from .constants import AttendanceStatus, ItemKind, MembershipRole, MinutesStatus
from .markdown import render_markdown
from .models import CommitteeMembership, Meeting, Minutes
from .pdf import render_pdf

RESTRICTED_MARK = "RESTRICTED — NOT FOR PUBLICATION"


class Part(Enum):
    PUBLIC = "public"
    EXEMPT = "exempt"


@dataclass(frozen=True)
class DeclarationLine:
    member: str
    item_number: int
    kind: str
    nature: str
    left_room: bool


@dataclass(frozen=True)
class ResolutionLine:
    pk: int
    label: str
    text: str


@dataclass(frozen=True)
class ItemMinutes:
    number: int
    title: str
    kind: str
    pk: int
    discussion: SafeString
    resolutions: list[ResolutionLine]
    declarations: list[DeclarationLine] = field(default_factory=list)
    exempt_paragraph: int | None = None
    minutes_of: date | None = None


@dataclass(frozen=True)
class QuestionLine:
    number: int
    item_number: int | None
    asked_by: str
    question: str
    answer: str
    answered_by: str


@dataclass(frozen=True)
class AmendmentLine:
    recorded_on: date
    what: str
    previous_text: str
    new_text: str
    reason: str


@dataclass(frozen=True)
class MinutesDocument:
    """Everything one part of a meeting's minutes prints, in order."""

    committee: str
    meeting_date: date
    start_time: time
    venue: str
    status: str  # a MinutesStatus value
    approved_on: date | None
    part: Part
    present: list[str]
    apologies: list[str]
    absent: list[str]
    in_attendance: list[str]
    items: list[ItemMinutes]
    exempt_notices: list[str]
    questions: list[QuestionLine]
    amendments: list[AmendmentLine]

    @property
    def restricted(self) -> bool:
        return self.part == Part.EXEMPT

    @property
    def restricted_mark(self) -> str:
        return RESTRICTED_MARK if self.restricted else ""

    @property
    def is_draft(self) -> bool:
        return self.status != MinutesStatus.APPROVED

    @property
    def status_label(self) -> str:
        return MinutesStatus(self.status).label

    @property
    def title(self) -> str:
        title = f"{self.committee}, {format_date(self.meeting_date, 'j F Y')}: minutes"
        if self.restricted:
            title = f"{RESTRICTED_MARK}. {title} of exempt items"
        return f"DRAFT {title}" if self.is_draft else title


def _name(user) -> str:
    return user.get_full_name() or user.username


def _attendance(meeting: Meeting) -> dict[str, list[str]]:
    roles = {
        seat.member_id: seat.role
        for seat in CommitteeMembership.objects.current(on=meeting.date).filter(
            committee=meeting.committee_id
        )
    }
    lists: dict[str, list[str]] = {"present": [], "apologies": [], "absent": []}
    substitutes = []
    for row in meeting.attendance.select_related("member", "substitute"):
        name = _name(row.member)
        if roles.get(row.member_id) in (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR):
            name += f" ({MembershipRole(roles[row.member_id]).label})"
        if row.status == AttendanceStatus.APOLOGIES and row.substitute:
            substitutes.append(f"{_name(row.substitute)} (substitute for {_name(row.member)})")
        lists[row.status].append(name)
    lists["present"] += substitutes
    return lists


def _item_minutes(item, declarations: list[DeclarationLine]) -> ItemMinutes:
    minute = getattr(item, "minute", None)
    return ItemMinutes(
        number=item.number,
        title=item.title,
        kind=item.kind,
        pk=item.pk,
        discussion=render_markdown(minute.discussion if minute else ""),
        resolutions=[
            ResolutionLine(resolution.pk, resolution.label, resolution.text)
            for resolution in item.resolutions.all()
        ],
        declarations=declarations,
        exempt_paragraph=item.exempt_paragraph,
        minutes_of=item.minutes_of.date if item.minutes_of_id else None,
    )


def _declarations(items, *, part: Part) -> list[DeclarationLine]:
    """Every declaration on these items. In the public part a declaration on an exempt item is
    listed without what the interest is: that may say what the exempt item is about."""
    return [
        DeclarationLine(
            member=_name(declaration.member),
            item_number=item.number,
            kind=declaration.get_kind_display(),
            nature="" if item.exempt and part == Part.PUBLIC else declaration.nature,
            left_room=declaration.left_room,
        )
        for item in items
        for declaration in item.declarations.all()
    ]


def _amendments(minutes: Minutes | None, shown_items: set[int]) -> list[AmendmentLine]:
    if minutes is None:
        return []
    lines = []
    for amendment in minutes.amendments.select_related("agenda_item", "resolution__agenda_item"):
        item = amendment.agenda_item or (
            amendment.resolution.agenda_item if amendment.resolution_id else None
        )
        if item is not None and item.pk not in shown_items:
            continue  # an amendment to an exempt item stays with the exempt part
        if amendment.resolution_id:
            what = f"Item {item.number}, resolution ({amendment.resolution.label})"
        elif item is not None:
            what = f"Item {item.number}, the minute"
        else:
            what = "A correction"
        lines.append(
            AmendmentLine(
                recorded_on=amendment.recorded_at.date(),
                what=what,
                previous_text=amendment.previous_text,
                new_text=amendment.new_text,
                reason=amendment.reason,
            )
        )
    return lines


def exempt_notice(item) -> str:
    return (
        f"Item {item.number} was considered in private: it is exempt under paragraph "
        f"{item.exempt_paragraph} of Schedule 12A to the Local Government Act 1972, and is "
        "minuted separately."
    )


def minutes_document(meeting: Meeting, *, part: Part = Part.PUBLIC) -> MinutesDocument:
    """One part of the meeting's minutes, read from the database."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    every_item = list(
        meeting.agenda_items.select_related("minute", "minutes_of")
        .prefetch_related("resolutions", "declarations__member")
        .order_by("number")
    )
    exempt = part == Part.EXEMPT
    items = [item for item in every_item if item.exempt == exempt]
    declarations = _declarations(every_item if not exempt else items, part=part)
    minuted = [
        _item_minutes(
            item,
            [line for line in declarations if line.item_number == item.number]
            if item.kind != ItemKind.DECLARATIONS
            else declarations,
        )
        for item in items
    ]
    shown = {item.pk for item in items}
    questions = [
        QuestionLine(
            number=question.position,
            item_number=question.agenda_item.number if question.agenda_item_id else None,
            asked_by=question.asked_by,
            question=question.question,
            answer=question.answer,
            answered_by=question.answered_by,
        )
        for question in meeting.advance_questions.select_related("agenda_item")
        if (question.agenda_item_id in shown) or (question.agenda_item_id is None and not exempt)
    ]
    people = _attendance(meeting)
    return MinutesDocument(
        committee=meeting.committee.name,
        meeting_date=meeting.date,
        start_time=meeting.start_time,
        venue=meeting.venue,
        status=minutes.status if minutes else MinutesStatus.DRAFT,
        approved_on=minutes.approved_on if minutes else None,
        part=part,
        present=people["present"],
        apologies=people["apologies"],
        absent=people["absent"],
        in_attendance=[str(attendee) for attendee in meeting.other_attendees.all()],
        items=minuted,
        exempt_notices=[] if exempt else [exempt_notice(i) for i in every_item if i.exempt],
        questions=questions,
        amendments=_amendments(minutes, shown),
    )


def render_minutes_pdf(document: MinutesDocument) -> bytes:
    """The tagged PDF/UA-1 of one part of the minutes (no database needed)."""
    return render_pdf("reports/minutes.html", {"minutes": document}, title=document.title)
