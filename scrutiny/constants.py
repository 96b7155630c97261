"""Choices and the rules built on them: meeting and action statuses, RAG, reminder windows."""

from datetime import date, timedelta

from django.db import models
from django.db.models import Q

from partnership.constants import Role


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"


class Purpose(models.TextChoices):
    DECISION = "decision", "Decision"
    DISCUSSION = "discussion", "Discussion"
    NOTING = "noting", "Noting"


class ExemptParagraph(models.IntegerChoices):
    """The paragraphs of Schedule 12A to the Local Government Act 1972 that make an item exempt."""

    INDIVIDUAL = 1, "1: information relating to any individual"
    IDENTITY = 2, "2: information likely to reveal the identity of an individual"
    FINANCIAL = 3, "3: financial or business affairs of any person (including the council)"
    LABOUR_RELATIONS = 4, "4: consultations or negotiations on labour relations"
    LEGAL_PRIVILEGE = 5, "5: legal professional privilege"
    NOTICES = 6, "6: notices, orders or directions the council proposes to give or make"
    CRIME = 7, "7: prevention, investigation or prosecution of crime"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    NOT_FEASIBLE = "not_feasible", "Not feasible"
    SUPERSEDED = "superseded", "Superseded"


# Statuses in which an action is still being worked on; the others close it.
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
CLOSED_STATUSES = (ActionStatus.COMPLETE, ActionStatus.NOT_FEASIBLE, ActionStatus.SUPERSEDED)


class Rag(models.TextChoices):
    """Red, amber, green or blue: derived from the due date and status, never typed in."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Complete"


RAG_DESCRIPTIONS = {
    Rag.RED: "overdue: the due date has passed and the action is still open",
    Rag.AMBER: "due today or within the next 14 days",
    Rag.GREEN: "due in more than 14 days",
    Rag.COMPLETE: "closed: complete, not feasible or superseded",
}


class ReminderKind(models.TextChoices):
    OWNER_REMINDER = "owner_reminder", "Reminder to the action's owner"
    CLERK_DIGEST = "clerk_digest", "Weekly digest of overdue actions to the clerk"


AMBER_WITHIN_DAYS = 14
REMINDER_WITHIN_DAYS = 7


def rag_conditions(today: date) -> list[tuple[Rag, Q]]:
    """The RAG rule, in order: the first condition an action meets gives its RAG, else green.

    The one definition of RAG: the tracker, the CSV, reminders and the dashboard all use it
    through `ActionQuerySet.with_rag`.
    """
    return [
        (Rag.COMPLETE, Q(status__in=CLOSED_STATUSES)),
        (Rag.RED, Q(due_date__lt=today)),
        (Rag.AMBER, Q(due_date__lte=today + timedelta(days=AMBER_WITHIN_DAYS))),
    ]


# Who runs committees, meetings, items, resolutions and actions (admins hold every role).
MANAGER_ROLES = (Role.CLERK,)
# Who may read the action tracker: clerks and officers who support the board for all
# committees; committee members for their own committees only (see selectors).
TRACKER_ROLES = (Role.CLERK, Role.PERFORMANCE_LEAD, Role.COMMISSIONER, Role.COMMITTEE_MEMBER)
# Who may open committee and meeting pages: clerks for all, members for their own committees.
COMMITTEE_ROLES = (Role.CLERK, Role.COMMITTEE_MEMBER)

# Uploads. Agenda documents are PDFs so they can be merged into agenda packs.
AGENDA_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
