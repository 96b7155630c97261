"""Row reads scoped to what the user may see, with the filters the pages use (`selectors.py`)."""

from datetime import date

import pytest
from django.http import Http404

from scrutiny import selectors, services_plans
from scrutiny.constants import (
    ActionSource,
    ActionStatus,
    MeetingStatus,
    MinutesStatus,
    Priority,
    Rag,
    ReviewKind,
    ReviewStatus,
)
from scrutiny.models import Minutes, OtherAttendee
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AreaFactory,
    MeetingFactory,
    ResolutionFactory,
    TopicFactory,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_a_resolution_is_found_only_through_an_item_the_user_may_see(
    clerk, committee_member, resolution, other_meeting
):
    assert selectors.get_resolution_for_user(clerk, resolution.pk) == resolution
    assert selectors.get_resolution_for_user(committee_member, resolution.pk) == resolution
    elsewhere = ResolutionFactory(agenda_item=AgendaItemFactory(meeting=other_meeting))
    with pytest.raises(Http404):
        selectors.get_resolution_for_user(committee_member, elsewhere.pk)


def test_a_resolution_of_an_exempt_item_is_hidden_from_those_outside_its_committee(
    performance_lead, exempt_item
):
    resolution = ResolutionFactory(agenda_item=exempt_item)
    with pytest.raises(Http404):
        selectors.get_resolution_for_user(performance_lead, resolution.pk)


def test_a_topic_is_read_by_anyone_and_a_missing_one_is_not_found(committee_member):
    topic = TopicFactory()
    assert selectors.get_topic_for_user(committee_member, topic.pk) == topic
    with pytest.raises(Http404):
        selectors.get_topic_for_user(committee_member, topic.pk + 1)


def test_a_committees_meetings_are_split_at_today_and_drafts_hidden_from_members(
    clerk, committee_member, committee
):
    past = MeetingFactory(committee=committee, date=date(2025, 6, 12))
    soon = MeetingFactory(committee=committee, date=TODAY)
    later = MeetingFactory(committee=committee, date=date(2026, 1, 5))
    draft = MeetingFactory(committee=committee, date=date(2025, 12, 1), status=MeetingStatus.DRAFT)
    upcoming = selectors.upcoming_meetings_for_user(committee_member, committee, today=TODAY)
    assert list(upcoming) == [soon, later]
    assert list(selectors.past_meetings_for_user(committee_member, committee, today=TODAY)) == [
        past
    ]
    assert draft in selectors.upcoming_meetings_for_user(clerk, committee, today=TODAY)


def test_the_tracker_filters_each_narrow_the_list(clerk, committee, other_committee, officer):
    here = ResolutionFactory(
        agenda_item=AgendaItemFactory(meeting=MeetingFactory(committee=committee))
    )
    there = ResolutionFactory(
        agenda_item=AgendaItemFactory(meeting=MeetingFactory(committee=other_committee))
    )
    overdue = ActionFactory(resolution=here, owner=officer, due_date=date(2025, 9, 30))
    in_progress = ActionFactory(
        resolution=there,
        due_date=date(2026, 3, 31),
        status=ActionStatus.IN_PROGRESS,
        priority=Priority.HIGH,
    )

    def shown(**filters):
        return set(selectors.tracker_actions(clerk, today=TODAY, filters=filters))

    assert shown() == {overdue, in_progress}
    assert shown(committee=committee) == {overdue}
    assert shown(meeting=there.agenda_item.meeting) == {in_progress}
    assert shown(status=ActionStatus.IN_PROGRESS) == {in_progress}
    assert shown(rag=Rag.RED) == shown(overdue=True) == {overdue}
    assert shown(owner=officer) == {overdue}
    assert shown(priority=Priority.HIGH) == {in_progress}
    assert shown(source=ActionSource.RESOLUTION) == {overdue, in_progress}
    assert shown(source=ActionSource.OTHER) == set()
    assert shown(committee=None, status="", overdue=False) == {overdue, in_progress}


def test_the_tracker_of_a_member_holds_only_their_committees_actions(
    committee_member, committee, other_committee
):
    mine = ActionFactory(
        resolution=ResolutionFactory(agenda_item=AgendaItemFactory(meeting__committee=committee))
    )
    ActionFactory(
        resolution=ResolutionFactory(
            agenda_item=AgendaItemFactory(meeting__committee=other_committee)
        )
    )
    assert list(selectors.tracker_actions(committee_member, today=TODAY, filters={})) == [mine]


def test_item_and_topic_actions_are_those_the_user_may_open(committee_member, item, other_meeting):
    action = ActionFactory(resolution=ResolutionFactory(agenda_item=item))
    elsewhere = AgendaItemFactory(meeting=other_meeting)
    hidden = ActionFactory(resolution=ResolutionFactory(agenda_item=elsewhere))
    assert list(selectors.item_actions_for_user(committee_member, item, today=TODAY)) == [action]
    actions = selectors.topic_actions_for_user(committee_member, [item, elsewhere], today=TODAY)
    assert list(actions) == [action]
    assert hidden not in actions
    assert actions[0].rag  # annotated for the tracker


def test_a_meetings_items_are_its_own(clerk, meeting, item, other_meeting):
    AgendaItemFactory(meeting=other_meeting)
    assert list(selectors.meeting_items_for_user(clerk, meeting)) == [item]


# Meeting records reached by pk: each only through a meeting the user may see --------------------


def test_a_seat_is_opened_only_on_a_committee_the_user_may_see(
    clerk, committee_member, committee, other_committee
):
    theirs = committee.memberships.get(member=committee_member)
    elsewhere = other_committee.memberships.get()
    assert selectors.get_membership_for_user(committee_member, theirs.pk) == theirs
    assert selectors.get_membership_for_user(clerk, elsewhere.pk) == elsewhere
    with pytest.raises(Http404):
        selectors.get_membership_for_user(committee_member, elsewhere.pk)


def test_an_attendee_is_found_only_through_a_meeting_the_user_may_see(
    committee_member, meeting, other_meeting
):
    here = OtherAttendee.objects.create(
        meeting=meeting, name="A. Officer", job_title="Analyst", organisation="Council"
    )
    there = OtherAttendee.objects.create(
        meeting=other_meeting, name="B. Officer", job_title="Analyst", organisation="Council"
    )
    assert selectors.get_other_attendee_for_user(committee_member, here.pk) == here
    with pytest.raises(Http404):
        selectors.get_other_attendee_for_user(committee_member, there.pk)


def test_an_item_or_resolution_of_another_meeting_is_not_found_through_this_one(
    clerk, meeting, item, resolution, other_meeting
):
    assert selectors.get_meeting_item_for_user(clerk, meeting, item.pk) == item
    assert selectors.get_meeting_resolution_for_user(clerk, meeting, resolution.pk) == resolution
    with pytest.raises(Http404):
        selectors.get_meeting_item_for_user(clerk, other_meeting, item.pk)
    with pytest.raises(Http404):
        selectors.get_meeting_resolution_for_user(clerk, other_meeting, resolution.pk)


def test_minutes_are_found_for_download_only_once_approved(clerk, meeting, other_meeting):
    minutes = Minutes.objects.create(meeting=meeting)
    with pytest.raises(Http404):
        selectors.get_approved_minutes_for_user(clerk, meeting)
    Minutes.objects.filter(pk=minutes.pk).update(
        status=MinutesStatus.APPROVED,
        approved_at=AgendaItemFactory(meeting=other_meeting),
        approved_on=other_meeting.date,
        approved_by=clerk,
    )
    assert selectors.get_approved_minutes_for_user(clerk, meeting) == minutes


# Plans and reviews: read by role -------------------------------------------------------------


def test_plans_are_read_by_plan_roles_and_hidden_from_others(
    commissioner, committee_member, officer
):
    strategy = services_plans.strategy_create(
        by=commissioner, title="Strategy", start_year=2022, end_year=2027, summary=""
    )
    theme = services_plans.theme_create(
        by=commissioner, strategy=strategy, title="Support", description=""
    )
    assert selectors.get_strategy_for_user(committee_member, strategy.pk) == strategy
    assert selectors.get_theme_for_user(committee_member, theme.pk) == theme
    assert not selectors.strategies_for_user(officer).exists()
    with pytest.raises(Http404):
        selectors.get_strategy_for_user(officer, strategy.pk)
    with pytest.raises(Http404):
        selectors.get_theme_for_user(officer, theme.pk)


def test_the_review_register_is_read_only_by_review_roles(performance_lead, committee_member):
    review = services_plans.review_create(
        by=performance_lead,
        reference="DHR-2024-01",
        kind=ReviewKind.DOMESTIC_HOMICIDE,
        area=AreaFactory(),
        status=ReviewStatus.COMMISSIONED,
        commissioned_on=date(2024, 2, 1),
        submitted_on=None,
        published_on=None,
        closed_on=None,
    )
    assert selectors.get_review_for_user(performance_lead, review.pk) == review
    assert not selectors.reviews_for_user(committee_member).exists()
    with pytest.raises(Http404):
        selectors.get_review_for_user(committee_member, review.pk)
