"""Scrutiny models: committees and their papers (`committees.py`), actions (`actions.py`),
quarterly report runs and agenda packs (`reports.py`)."""

from .actions import Action, ActionUpdate, ReminderSent, validate_evidence_url
from .committees import AgendaDocument, AgendaItem, Committee, Meeting, Resolution, Topic
from .reports import AgendaPack, ReportRun, RunStage, RunStatus

__all__ = [
    "Action",
    "ActionUpdate",
    "AgendaDocument",
    "AgendaItem",
    "AgendaPack",
    "Committee",
    "Meeting",
    "ReminderSent",
    "ReportRun",
    "Resolution",
    "RunStage",
    "RunStatus",
    "Topic",
    "validate_evidence_url",
]
