"""Row reads scoped to what the user may see. Objects outside that scope are a 404.

Who sees what (tests/access_matrix/scrutiny.py has the table for every URL):

- Clerks (and admins) run every committee: all committees, meetings (drafts too), items,
  exempt items, documents, resolutions, minutes and actions.
- Committee members see the committees they sit on now (a current `CommitteeMembership`):
  their meetings once the agenda is published (not drafts), every item of those meetings
  including exempt ones, their minutes once sent to the next meeting, and the actions raised
  at them.
- Performance leads and commissioners read the action tracker for every committee, except
  actions raised on exempt items of committees they do not sit on. They do not open meeting
  pages unless they are committee members.
- Actions from delivery-plan commitments and other sources are in every tracker reader's
  tracker. Actions from review recommendations are only in the trackers of performance leads,
  commissioners and admins (`REVIEW_ROLES`), like the review register itself.
- Anyone sees and works on the actions they own ("my actions").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from partnership.constants import Role
from partnership.listing import Column, Sorting, in_order
from partnership.models import User

from .constants import (
    ACTION_MANAGER_ROLES,
    MANAGER_ROLES,
    PLAN_READER_ROLES,
    RAG_SEVERITY,
    REVIEW_ROLES,
    ActionSource,
    ActionStatus,
    MeetingStatus,
    MinutesStatus,
    Priority,
    Rag,
)
from .models import (
    Action,
    ActionQuerySet,
    AdvanceQuestion,
    AgendaDocument,
    AgendaItem,
    Commitment,
    Committee,
    CommitteeMembership,
    Declaration,
    Meeting,
    Minutes,
    OtherAttendee,
    Resolution,
    Review,
    Strategy,
    Theme,
    Topic,
)


def is_manager(user: User) -> bool:
    """Clerks and admins: they create and change committees, meetings, items and actions."""
    return user.has_role(*MANAGER_ROLES)


def _is_committee_member(user: User) -> bool:
    return user.has_role(Role.COMMITTEE_MEMBER)


def current_committees(user: User) -> QuerySet[Committee]:
    """The committees the user sits on today."""
    seats = CommitteeMembership.objects.current().filter(member=user)
    return Committee.objects.filter(pk__in=seats.values("committee"))


def committees_for_user(user: User) -> QuerySet[Committee]:
    if is_manager(user):
        return Committee.objects.all()
    if _is_committee_member(user):
        return current_committees(user)
    return Committee.objects.none()


def get_committee_for_user(user: User, pk: int) -> Committee:
    return get_object_or_404(committees_for_user(user).select_related("clerk"), pk=pk)


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("committee")
    if is_manager(user):
        return meetings
    if _is_committee_member(user):
        return meetings.filter(committee__in=current_committees(user)).exclude(
            status=MeetingStatus.DRAFT
        )
    return meetings.none()


def get_meeting_for_user(user: User, pk: int) -> Meeting:
    return get_object_or_404(meetings_for_user(user), pk=pk)


def meeting_has_exempt_items(meeting: Meeting) -> bool:
    return meeting.agenda_items.filter(exempt=True).exists()


def upcoming_meetings_for_user(
    user: User, committee: Committee, *, today: date
) -> QuerySet[Meeting]:
    """The committee's meetings from today on that the user may see, soonest first."""
    return (
        meetings_for_user(user)
        .filter(committee=committee, date__gte=today)
        .order_by("date", "start_time")
    )


def past_meetings_for_user(user: User, committee: Committee, *, today: date) -> QuerySet[Meeting]:
    """The committee's meetings before today that the user may see, newest first."""
    return meetings_for_user(user).filter(committee=committee, date__lt=today)


def _exempt_visible(user: User, prefix: str = "") -> Q:
    """Items that are not exempt, or exempt items of a committee the user sits on."""
    # A subquery, not a join on members: OR-ed with a join, each member would repeat each row.
    theirs = current_committees(user)
    return Q(**{f"{prefix}exempt": False}) | Q(**{f"{prefix}meeting__committee__in": theirs})


def agenda_items_for_user(user: User) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.select_related("meeting__committee").filter(
        meeting__in=meetings_for_user(user)
    )
    if is_manager(user):
        return items
    return items.filter(_exempt_visible(user))


def get_agenda_item_for_user(user: User, pk: int) -> AgendaItem:
    return get_object_or_404(agenda_items_for_user(user), pk=pk)


def meeting_items_for_user(user: User, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's agenda, with resolutions, actions and documents, as the user may see it."""
    return (
        agenda_items_for_user(user)
        .filter(meeting=meeting)
        .select_related("minutes_of")
        .prefetch_related("resolutions__actions__owner", "documents")
    )


def get_resolution_for_user(user: User, pk: int) -> Resolution:
    """A resolution of an agenda item the user may see, with its item, meeting and committee."""
    return get_object_or_404(
        Resolution.objects.select_related("agenda_item__meeting__committee").filter(
            agenda_item__in=agenda_items_for_user(user)
        ),
        pk=pk,
    )


def get_document_for_user(user: User, pk: int) -> AgendaDocument:
    return get_object_or_404(
        AgendaDocument.objects.select_related("agenda_item__meeting__committee").filter(
            agenda_item__in=agenda_items_for_user(user)
        ),
        pk=pk,
    )


def may_see_reviews(user: User) -> bool:
    """The review register and its recommendations: performance leads, commissioners, admins."""
    return user.has_role(*REVIEW_ROLES)


def tracker_actions_for_user(user: User) -> ActionQuerySet:
    """The actions the user may read in the tracker (not counting actions they own)."""
    from_resolutions = Q(source=ActionSource.RESOLUTION)
    if is_manager(user):
        visible = from_resolutions
    elif user.has_role(Role.PERFORMANCE_LEAD, Role.COMMISSIONER):
        visible = from_resolutions & _exempt_visible(user, "resolution__agenda_item__")
    elif _is_committee_member(user):
        visible = from_resolutions & Q(
            resolution__agenda_item__meeting__committee__in=current_committees(user)
        )
    else:
        return Action.objects.none()
    visible |= Q(source__in=[ActionSource.COMMITMENT, ActionSource.OTHER])
    if may_see_reviews(user):
        visible |= Q(source=ActionSource.RECOMMENDATION)
    return Action.objects.filter(visible)


# The tracker's sortable columns (rows from `for_tracker`, which annotates `rag`). By default,
# the soonest due first. RAG, status and priority sort by meaning: red, then amber, green and
# complete; open first; high first.
TRACKER_SORTING = Sorting(
    columns=(
        Column("reference", "Reference", ("reference",)),
        Column("rag", "RAG", (in_order("rag", RAG_SEVERITY),)),
        Column("status", "Status", (in_order("status", ActionStatus.values),)),
        Column("due", "Due date", ("due_date",)),
        Column("priority", "Priority", (in_order("priority", Priority.values),)),
        Column("owner", "Owner", ("owner__first_name", "owner__last_name", "owner__username")),
    ),
    key="due",
    tie_breaker="reference",
)


def actions_for_user(user: User) -> ActionQuerySet:
    """Actions the user may open: those in their tracker and those they own."""
    return Action.objects.filter(
        Q(owner=user) | Q(pk__in=tracker_actions_for_user(user).values("pk"))
    )


def get_action_for_user(user: User, pk: int, *, today: date) -> Action:
    return get_object_or_404(actions_for_user(user).for_tracker(today), pk=pk)


def tracker_actions(user: User, *, today: date, filters: dict) -> ActionQuerySet:
    """The user's tracker (with RAG) narrowed by the tracker's filters: `committee`, `meeting`,
    `source`, `status`, `priority`, `rag`, `owner` and `overdue`; a missing or empty filter is
    off."""
    actions = tracker_actions_for_user(user).for_tracker(today)
    lookups = {
        "committee": "resolution__agenda_item__meeting__committee",
        "meeting": "resolution__agenda_item__meeting",
        "source": "source",
        "status": "status",
        "priority": "priority",
        "owner": "owner",
    }
    for name, lookup in lookups.items():
        if filters.get(name):
            actions = actions.filter(**{lookup: filters[name]})
    if filters.get("rag"):
        actions = actions.of_rag(filters["rag"])
    if filters.get("overdue"):
        actions = actions.of_rag(Rag.RED)
    return actions


def item_actions_for_user(user: User, item: AgendaItem, *, today: date) -> ActionQuerySet:
    """The actions raised on the item's resolutions that the user may open, with RAG."""
    return actions_for_user(user).filter(resolution__agenda_item=item).for_tracker(today)


def my_actions(user: User, *, today: date) -> ActionQuerySet:
    return Action.objects.filter(owner=user).for_tracker(today)


def may_manage_action(user: User, action: Action) -> bool:
    """Who raises, changes and closes an action: clerks for committee actions, plan editors for
    milestones, review readers for recommendations (`ACTION_MANAGER_ROLES`)."""
    return user.has_role(*ACTION_MANAGER_ROLES[ActionSource(action.source)])


def is_owner_or_manager(user: User, action: Action) -> bool:
    """Who works on an action: its owner, and its managers on the owner's behalf."""
    return action.owner_id == user.pk or may_manage_action(user, action)


def may_work_on_action(user: User, action: Action) -> bool:
    """Owners and clerks add updates to an open action and complete it."""
    return action.is_open and is_owner_or_manager(user, action)


def topics_for_user(user: User) -> QuerySet[Topic]:
    """Topics are subject names, not papers: everyone with a committee role reads all of them
    (which items of a topic they see is decided by `topic_items_for_user`)."""
    return Topic.objects.all()


def get_topic_for_user(user: User, pk: int) -> Topic:
    return get_object_or_404(topics_for_user(user), pk=pk)


def topic_actions_for_user(
    user: User, items: Iterable[AgendaItem], *, today: date
) -> ActionQuerySet:
    """The actions the user may open that were raised on these agenda items, with RAG."""
    return (
        actions_for_user(user)
        .filter(resolution__agenda_item__in=[item.pk for item in items])
        .for_tracker(today)
    )


def topic_items_for_user(user: User, topic: Topic) -> QuerySet[AgendaItem]:
    """The topic's history: its items at meetings the user may see, oldest first."""
    return (
        agenda_items_for_user(user)
        .filter(topics=topic)
        .prefetch_related("resolutions__actions")
        .order_by("meeting__date", "meeting__start_time", "number")
    )


# Membership, attendance, declarations, questions and minutes: each through its meeting ---------


def get_membership_for_user(user: User, pk: int) -> CommitteeMembership:
    """A seat on a committee the user may open, with its committee and member."""
    return get_object_or_404(
        CommitteeMembership.objects.select_related("committee", "member").filter(
            committee__in=committees_for_user(user)
        ),
        pk=pk,
    )


def get_other_attendee_for_user(user: User, pk: int) -> OtherAttendee:
    return get_object_or_404(
        OtherAttendee.objects.select_related("meeting").filter(meeting__in=meetings_for_user(user)),
        pk=pk,
    )


def get_declaration_for_user(user: User, pk: int) -> Declaration:
    return get_object_or_404(
        Declaration.objects.select_related("agenda_item__meeting", "member").filter(
            agenda_item__meeting__in=meetings_for_user(user)
        ),
        pk=pk,
    )


def get_question_for_user(user: User, pk: int) -> AdvanceQuestion:
    return get_object_or_404(
        AdvanceQuestion.objects.select_related("meeting").filter(
            meeting__in=meetings_for_user(user)
        ),
        pk=pk,
    )


def get_meeting_item_for_user(user: User, meeting: Meeting, pk: int) -> AgendaItem:
    """An item of this meeting that the user may see (404 for another meeting's item)."""
    return get_object_or_404(agenda_items_for_user(user).filter(meeting=meeting), pk=pk)


def get_meeting_resolution_for_user(user: User, meeting: Meeting, pk: int) -> Resolution:
    """A resolution of this meeting that the user may see (404 for another meeting's)."""
    return get_object_or_404(
        Resolution.objects.filter(
            agenda_item__in=agenda_items_for_user(user).filter(meeting=meeting)
        ),
        pk=pk,
    )


def get_approved_minutes_for_user(user: User, meeting: Meeting) -> Minutes:
    """The meeting's approved minutes (the ones published and amended); 404 before approval."""
    return get_object_or_404(
        Minutes.objects.filter(meeting__in=meetings_for_user(user)),
        meeting=meeting,
        status=MinutesStatus.APPROVED,
    )


# Delivery plans and the review register --------------------------------------------------------


def strategies_for_user(user: User) -> QuerySet[Strategy]:
    """Plans are read whole by everyone with a plan role (`PLAN_READER_ROLES`)."""
    return Strategy.objects.all() if user.has_role(*PLAN_READER_ROLES) else Strategy.objects.none()


def get_strategy_for_user(user: User, pk: int) -> Strategy:
    return get_object_or_404(strategies_for_user(user), pk=pk)


def get_theme_for_user(user: User, pk: int) -> Theme:
    return get_object_or_404(
        Theme.objects.select_related("strategy").filter(strategy__in=strategies_for_user(user)),
        pk=pk,
    )


def get_commitment_for_user(user: User, pk: int) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("theme__strategy", "lead_organisation", "owner").filter(
            theme__strategy__in=strategies_for_user(user)
        ),
        pk=pk,
    )


def reviews_for_user(user: User) -> QuerySet[Review]:
    """The review register: performance leads, commissioners and admins (`may_see_reviews`)."""
    reviews = Review.objects.select_related("area")
    return reviews if may_see_reviews(user) else reviews.none()


def get_review_for_user(user: User, pk: int) -> Review:
    return get_object_or_404(reviews_for_user(user), pk=pk)


def review_recommendations_for_user(user: User, review: Review, *, today: date) -> ActionQuerySet:
    """The review's recommendations (actions), with RAG and the agency each is for."""
    return (
        tracker_actions_for_user(user)
        .filter(review=review)
        .for_tracker(today)
        .select_related("source_agency")
    )
