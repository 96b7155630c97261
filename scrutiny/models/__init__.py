"""Scrutiny models: committees and their papers (`committees.py`), actions (`actions.py`)."""

from .actions import Action, ActionUpdate, ReminderSent, validate_evidence_url
from .committees import AgendaDocument, AgendaItem, Committee, Meeting, Resolution, Topic

__all__ = [
    "Action",
    "ActionUpdate",
    "AgendaDocument",
    "AgendaItem",
    "Committee",
    "Meeting",
    "ReminderSent",
    "Resolution",
    "Topic",
    "validate_evidence_url",
]
