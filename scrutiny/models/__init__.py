"""Scrutiny models: committees and their papers (`committees.py`), the meeting cycle around them
(`minutes.py`: membership, attendance, declarations, minutes), actions (`actions.py`), the
strategy and delivery plan (`plans.py`), the review register (`reviews.py`), and quarterly
report runs and agenda packs (`reports.py`)."""

from .actions import Action, ActionQuerySet, ActionUpdate, ReminderSent, validate_evidence_url
from .committees import AgendaDocument, AgendaItem, Committee, Meeting, Resolution, Topic
from .minutes import (
    AdvanceQuestion,
    CommitteeMembership,
    Declaration,
    ItemMinute,
    MemberAttendance,
    Minutes,
    MinutesAmendment,
    OtherAttendee,
)
from .plans import Commitment, Strategy, Theme
from .reports import AgendaPack, ReportRun, RunStage, RunStatus
from .reviews import Review

__all__ = [
    "Action",
    "ActionQuerySet",
    "ActionUpdate",
    "AdvanceQuestion",
    "AgendaDocument",
    "AgendaItem",
    "AgendaPack",
    "Commitment",
    "Committee",
    "CommitteeMembership",
    "Declaration",
    "ItemMinute",
    "Meeting",
    "MemberAttendance",
    "Minutes",
    "MinutesAmendment",
    "OtherAttendee",
    "ReminderSent",
    "ReportRun",
    "Resolution",
    "Review",
    "RunStage",
    "RunStatus",
    "Strategy",
    "Theme",
    "Topic",
    "validate_evidence_url",
]
