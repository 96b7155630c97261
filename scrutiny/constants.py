"""Choices and the rules built on them: meeting, minutes and action statuses, RAG, reminder
windows, and who may keep each kind of record."""

from datetime import date, timedelta

from django.db import models
from django.db.models import Q

from partnership.constants import Role


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"


class ItemKind(models.TextChoices):
    """A report, or one of the standard items every meeting starts with."""

    REPORT = "report", "Report"
    APOLOGIES = "apologies", "Apologies for absence"
    DECLARATIONS = "declarations", "Declarations of interest"
    PREVIOUS_MINUTES = "previous_minutes", "Minutes of the previous meeting"


# The standard items, in the order a new meeting's agenda starts with them.
STANDARD_ITEMS = (ItemKind.APOLOGIES, ItemKind.DECLARATIONS, ItemKind.PREVIOUS_MINUTES)


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent without apologies"


class InterestKind(models.TextChoices):
    """The kinds of interest in a members' code of conduct (Localism Act 2011)."""

    DISCLOSABLE_PECUNIARY = "disclosable_pecuniary", "Disclosable pecuniary interest"
    OTHER_REGISTRABLE = "other_registrable", "Other registrable interest"
    NON_REGISTRABLE = "non_registrable", "Non-registrable interest"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CIRCULATED = "circulated", "Draft, sent to the next meeting"
    APPROVED = "approved", "Approved"


class AmendmentKind(models.TextChoices):
    DISCUSSION = "discussion", "An item's minutes"
    RESOLUTION = "resolution", "A resolution"
    NOTE = "note", "A correction recorded as a note"


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


class ActionSource(models.TextChoices):
    """Where an action comes from. Each source but "other" links to its record."""

    RESOLUTION = "resolution", "Committee resolution"
    COMMITMENT = "commitment", "Delivery plan commitment"
    RECOMMENDATION = "recommendation", "Review recommendation"
    OTHER = "other", "Other"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


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


# Worst first: a commitment's RAG is the worst RAG among its milestones (see `worst_rag`).
RAG_SEVERITY = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE)


def worst_rag(rags) -> Rag | None:
    """The worst of some RAG values (red before amber, green, complete); None if there are none.

    The values themselves come from `ActionQuerySet.with_rag`, the one definition of RAG.
    """
    found = {Rag(rag) for rag in rags}
    return next((rag for rag in RAG_SEVERITY if rag in found), None)


class ReminderKind(models.TextChoices):
    OWNER_REMINDER = "owner_reminder", "Reminder to the action's owner"
    CLERK_DIGEST = "clerk_digest", "Weekly digest of overdue actions to whoever keeps them"


class ReviewKind(models.TextChoices):
    DOMESTIC_HOMICIDE = "domestic_homicide", "Domestic homicide review"
    RELATED_DEATH = "related_death", "Domestic abuse related death review"


class ReviewStatus(models.TextChoices):
    COMMISSIONED = "commissioned", "Commissioned"
    IN_PROGRESS = "in_progress", "In progress"
    WITH_HOME_OFFICE = "with_home_office", "With the Home Office quality assurance panel"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class PlanMeasure(models.TextChoices):
    """Dashboard figures a delivery-plan commitment can be measured by (scrutiny/plans.py)."""

    REFERRALS = "referrals", "Referrals received in the quarter"
    CONTACTED = "contacted", "Referrals contacted within one working day"
    OVERSIGHT = "oversight", "Cases with managerial oversight within 24 hours"
    WAITING_LIST = "waiting_list", "Referrals waiting for support at the quarter's end"
    REPEAT_RATE = "repeat_rate", "Repeat referrals"


AMBER_WITHIN_DAYS = 14
REMINDER_WITHIN_DAYS = 7

# Rows on each page of the action tracker (its CSV has them all).
TRACKER_PAGE_SIZE = 50


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

# Delivery plans: commissioners and performance leads keep them; members and clerks read them.
PLAN_EDITOR_ROLES = (Role.COMMISSIONER, Role.PERFORMANCE_LEAD)
PLAN_READER_ROLES = (*PLAN_EDITOR_ROLES, Role.COMMITTEE_MEMBER, Role.CLERK)
# Domestic homicide and related death reviews: only these roles (and admins) see the register
# and its recommendations; the others who read aggregates see counts through disclosure control.
REVIEW_ROLES = (Role.PERFORMANCE_LEAD, Role.COMMISSIONER)
REVIEW_SUMMARY_ROLES = (*REVIEW_ROLES, Role.COMMITTEE_MEMBER, Role.CLERK)
# Who raises, changes and closes actions of each source (owners work on their own actions).
ACTION_MANAGER_ROLES = {
    ActionSource.RESOLUTION: MANAGER_ROLES,
    ActionSource.COMMITMENT: PLAN_EDITOR_ROLES,
    ActionSource.RECOMMENDATION: REVIEW_ROLES,
    ActionSource.OTHER: (*MANAGER_ROLES, *PLAN_EDITOR_ROLES),
}

# Uploads. Agenda documents are PDFs so they can be merged into agenda packs.
AGENDA_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
