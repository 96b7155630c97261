"""Actions from every source: one model, one RAG rule, one tracker, CSV and reminders.

A resolution's action, a delivery-plan milestone, a review recommendation and an action from
another source are raised, tracked, filtered, exported and reminded about alike; who may see
and manage each follows its source.
"""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from partnership.constants import Role
from scrutiny import selectors, services
from scrutiny.constants import ActionSource, Priority, Rag, ReviewKind
from scrutiny.models import Action, Commitment, Review, Strategy, Theme
from tests.factories import AreaFactory, OrganisationFactory, UserFactory

from .conftest import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)


@pytest.fixture
def commitment(commissioner):
    strategy = Strategy.objects.create(
        title="Domestic Abuse Strategy", start_year=2024, end_year=2029
    )
    theme = Theme.objects.create(strategy=strategy, position=1, title="Prevention")
    return Commitment.objects.create(
        theme=theme,
        position=1,
        title="Healthy relationships education in every school",
        lead_organisation=OrganisationFactory(name="Eastshire County Council"),
        owner=commissioner,
    )


@pytest.fixture
def review(db):
    return Review.objects.create(
        reference="DHR-2024-01",
        kind=ReviewKind.DOMESTIC_HOMICIDE,
        area=AreaFactory(name="Northvale"),
        commissioned_on=date(2024, 2, 1),
    )


@pytest.fixture
def police(db):
    return OrganisationFactory(name="Eastshire Police")


@pytest.fixture
def every_source(clerk, commissioner, performance_lead, action, commitment, review, police):
    """One red action of each source (the resolution's is the `action` fixture)."""
    due = TODAY - timedelta(days=3)
    milestone = services.action_create(
        by=commissioner,
        commitment=commitment,
        description="Programme commissioned.",
        owner=commissioner,
        due_date=due,
    )
    recommendation = services.action_create(
        by=performance_lead,
        review=review,
        source_agency=police,
        description="Train call handlers to ask about previous abuse.",
        owner=performance_lead,
        due_date=due,
        priority=Priority.HIGH,
    )
    other = services.action_create(
        by=clerk,
        other_source="Board development day",
        description="Draft a protocol for sharing learning.",
        owner=clerk,
        due_date=due,
        priority=Priority.LOW,
    )
    return {
        ActionSource.RESOLUTION: action,
        ActionSource.COMMITMENT: milestone,
        ActionSource.RECOMMENDATION: recommendation,
        ActionSource.OTHER: other,
    }


def url(name, *args):
    return reverse(f"scrutiny:{name}", args=args)


# The model --------------------------------------------------------------------------------------


def test_the_source_follows_from_the_link_given(every_source):
    for source, action in every_source.items():
        assert action.source == source


def test_an_action_needs_a_source(clerk, officer):
    with pytest.raises(ValidationError, match="Say where the action came from"):
        services.action_create(
            by=clerk, description="x", owner=officer, due_date=TODAY, other_source="  "
        )


def test_the_database_refuses_an_action_whose_source_names_the_wrong_link(every_source, review):
    milestone = every_source[ActionSource.COMMITMENT]
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=milestone.pk).update(review=review)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=milestone.pk).update(source=ActionSource.OTHER)


def test_a_recommendation_names_its_agency_and_has_no_identifying_details(
    performance_lead, review, police
):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            by=performance_lead,
            review=review,
            description="Visit the family at ZZ99 9ZZ.",
            owner=performance_lead,
            due_date=TODAY,
        )
    assert set(error.value.message_dict) == {"source_agency", "description"}
    assert not Action.objects.exists()


def test_a_recommendation_is_owned_by_someone_who_may_read_the_register(
    performance_lead, review, police, officer
):
    with pytest.raises(ValidationError, match="performance lead or a commissioner"):
        services.action_create(
            by=performance_lead,
            review=review,
            source_agency=police,
            description="Review the policy.",
            owner=officer,
            due_date=TODAY,
        )


def test_each_source_has_its_own_managers(
    clerk, commissioner, committee_member, commitment, review, police, resolution, officer
):
    with pytest.raises(PermissionDenied):
        services.action_create(
            by=clerk, commitment=commitment, description="x", owner=officer, due_date=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.action_create(
            by=clerk,
            review=review,
            source_agency=police,
            description="x",
            owner=commissioner,
            due_date=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.action_create(
            by=commissioner,
            resolution=resolution,
            description="x",
            owner=officer,
            due_date=date(2025, 12, 1),
        )
    with pytest.raises(PermissionDenied):
        services.action_create(
            by=committee_member,
            other_source="A letter",
            description="x",
            owner=officer,
            due_date=TODAY,
        )


def test_rag_is_the_same_rule_for_every_source(every_source):
    rags = dict(Action.objects.with_rag(TODAY).values_list("source", "rag"))
    assert set(rags) == set(ActionSource.values)
    assert set(rags.values()) == {Rag.RED}


def test_existing_actions_keep_their_resolutions_through_the_migration(
    transactional_db, django_db_serialized_rollback
):
    """The data migration: actions made before sources existed are resolution actions.

    With a serialized rollback, so the rows data migrations made (role groups, content types)
    are put back as they were for the tests after it.
    """
    executor = MigrationExecutor(connection)
    before = [("scrutiny", "0002_reports")]
    after = [("scrutiny", "0003_meeting_cycle")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    User = apps.get_model("partnership", "User")
    Committee = apps.get_model("scrutiny", "Committee")
    Meeting = apps.get_model("scrutiny", "Meeting")
    AgendaItem = apps.get_model("scrutiny", "AgendaItem")
    Resolution = apps.get_model("scrutiny", "Resolution")
    OldAction = apps.get_model("scrutiny", "Action")
    clerk = User.objects.create(username="old.clerk")
    member = User.objects.create(username="old.member")
    committee = Committee.objects.create(name="Old committee", clerk=clerk)
    committee.members.add(member)
    meeting = Meeting.objects.create(
        committee=committee, date=date(2024, 5, 1), start_time="10:00", venue="Hall"
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=1,
        title="Old item",
        report_of="x",
        purpose="noting",
        recommendation="x",
        summary="x",
        contact_name="x",
        contact_title="x",
        contact_email="x@example.org",
    )
    resolution = Resolution.objects.create(agenda_item=item, position=1, label="a", text="x")
    OldAction.objects.create(
        reference="A-2024-001",
        year=2024,
        sequence=1,
        resolution=resolution,
        description="Old action",
        owner=clerk,
        due_date=date(2024, 6, 1),
        raised_by=clerk,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    migrated = apps.get_model("scrutiny", "Action").objects.get(reference="A-2024-001")
    assert (migrated.source, migrated.resolution_id) == ("resolution", resolution.pk)
    assert migrated.priority == "medium"
    membership = apps.get_model("scrutiny", "CommitteeMembership").objects.get()
    assert (membership.member_id, membership.start_date) == (member.pk, date(2024, 5, 1))
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


# Who sees which source --------------------------------------------------------------------------


def visible(user) -> set[str]:
    return set(selectors.tracker_actions_for_user(user).values_list("source", flat=True))


def test_review_recommendations_are_only_in_the_trackers_of_those_who_read_the_register(
    every_source, clerk, committee_member, performance_lead, commissioner, admin_user
):
    everything = set(ActionSource.values)
    assert visible(performance_lead) == everything
    assert visible(commissioner) == everything
    assert visible(admin_user) == everything
    assert visible(clerk) == everything - {ActionSource.RECOMMENDATION}
    assert visible(committee_member) == everything - {ActionSource.RECOMMENDATION}


def test_a_clerk_cannot_open_a_review_recommendation(login, clerk, committee_member, every_source):
    recommendation = every_source[ActionSource.RECOMMENDATION]
    assert login(clerk).get(recommendation.get_absolute_url()).status_code == 404
    assert login(committee_member).get(recommendation.get_absolute_url()).status_code == 404


def test_a_committee_member_reads_a_milestone_but_cannot_change_it(
    login, committee_member, commissioner, every_source
):
    milestone = every_source[ActionSource.COMMITMENT]
    page = login(committee_member).get(milestone.get_absolute_url())
    assert page.status_code == 200
    assert "Delivery plan commitment" in page.content.decode()
    assert login(committee_member).get(url("action_edit", milestone.pk)).status_code == 403
    assert login(commissioner).get(url("action_edit", milestone.pk)).status_code == 200


def test_the_clerk_changes_committee_actions_but_not_milestones(login, clerk, every_source):
    client = login(clerk)
    assert client.get(url("action_edit", every_source["resolution"].pk)).status_code == 200
    assert client.get(url("action_edit", every_source["commitment"].pk)).status_code == 403
    assert client.get(url("action_close", every_source["commitment"].pk)).status_code == 403


# The tracker, its filters and CSV ---------------------------------------------------------------


def references(response) -> set[str]:
    return {action.reference for action in response.context["actions"]}


def test_the_tracker_filters_by_source_and_priority(login, performance_lead, every_source):
    client = login(performance_lead)
    for source, action in every_source.items():
        assert references(client.get(url("action_list"), {"source": source})) == {action.reference}
    high = client.get(url("action_list"), {"priority": "high"})
    assert references(high) == {every_source[ActionSource.RECOMMENDATION].reference}


def test_the_source_filter_offers_only_sources_the_user_can_see(login, clerk, every_source):
    form = login(clerk).get(url("action_list")).context["form"]
    offered = [value for value, _label in form.fields["source"].choices if value]
    assert ActionSource.RECOMMENDATION not in offered
    assert ActionSource.COMMITMENT in offered


def test_the_csv_has_a_row_for_every_source_with_its_source(login, performance_lead, every_source):
    response = login(performance_lead).get(url("action_export"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_reference = {row["Reference"]: row for row in rows}
    milestone = by_reference[every_source[ActionSource.COMMITMENT].reference]
    assert milestone["Source"] == "Delivery plan commitment"
    assert milestone["Source detail"].endswith("commitment 1.1")
    assert milestone["Committee"] == milestone["Resolution"] == ""
    other = by_reference[every_source[ActionSource.OTHER].reference]
    assert (other["Source detail"], other["Priority"]) == ("Board development day", "Low")
    recommendation = by_reference[every_source[ActionSource.RECOMMENDATION].reference]
    assert (
        recommendation["Source detail"] == "Review DHR-2024-01, recommendation to Eastshire Police"
    )


def test_a_clerk_raises_an_action_from_another_source(login, clerk, officer):
    response = login(clerk).post(
        url("action_create_other"),
        {
            "other_source": "Home Office letter",
            "description": "Reply to the Home Office.",
            "owner": officer.pk,
            "due_date_0": "1",
            "due_date_1": "12",
            "due_date_2": "2025",
            "priority": "high",
        },
    )
    action = Action.objects.get()
    assert response.url == action.get_absolute_url()
    assert (action.source, action.other_source, action.priority) == (
        ActionSource.OTHER,
        "Home Office letter",
        Priority.HIGH,
    )


def test_an_action_from_another_source_must_say_where_it_came_from(login, clerk, officer):
    response = login(clerk).post(
        url("action_create_other"),
        {
            "other_source": "",
            "description": "x",
            "owner": officer.pk,
            "due_date_0": "1",
            "due_date_1": "12",
            "due_date_2": "2025",
            "priority": "high",
        },
    )
    assert "Say where the action came from" in response.content.decode()
    assert not Action.objects.exists()


# Evidence and reminders -------------------------------------------------------------------------


def test_a_milestone_is_completed_with_evidence_like_any_action(commissioner, every_source):
    milestone = every_source[ActionSource.COMMITMENT]
    with pytest.raises(ValidationError, match="Add evidence"):
        services.action_complete(by=commissioner, action=milestone, today=TODAY)
    services.action_complete(
        by=commissioner, action=milestone, today=TODAY, evidence_url="https://example.org/r.pdf"
    )
    milestone.refresh_from_db()
    assert milestone.status == "complete"


def test_owners_are_reminded_of_overdue_actions_of_every_source(every_source, mailoutbox):
    services.send_action_reminders(today=TODAY)
    bodies = {mail.to[0]: mail.body for mail in mailoutbox}
    for action in every_source.values():
        assert action.reference in bodies[action.owner.email]
    assert "Delivery plan commitment:" in bodies[every_source["commitment"].owner.email]


def test_the_weekly_digest_goes_to_whoever_keeps_each_action(
    every_source, clerk, commissioner, performance_lead, mailoutbox
):
    services.send_overdue_digest(today=TODAY)
    bodies = {mail.to[0]: mail.body for mail in mailoutbox}
    resolution, milestone = every_source["resolution"], every_source["commitment"]
    recommendation, other = every_source["recommendation"], every_source["other"]
    assert resolution.reference in bodies[clerk.email]  # the committee's clerk
    assert other.reference in bodies[clerk.email]  # the clerk raised it
    assert milestone.reference in bodies[commissioner.email]
    assert recommendation.reference in bodies[performance_lead.email]
    assert recommendation.reference not in bodies[clerk.email]


def test_the_digest_never_tells_someone_of_an_action_they_may_not_read(
    every_source, performance_lead, mailoutbox
):
    # The performance lead who raised the recommendation loses the role: no digest of it.
    performance_lead.groups.clear()
    services.send_overdue_digest(today=TODAY)
    assert not [mail for mail in mailoutbox if mail.to == [performance_lead.email]]


def test_a_recommendation_update_with_a_postcode_is_refused(performance_lead, every_source):
    recommendation = every_source[ActionSource.RECOMMENDATION]
    with pytest.raises(ValidationError, match="postcode"):
        services.action_update_add(
            by=performance_lead,
            action=recommendation,
            text="Met the family at zz99 9zz.",
            status="in_progress",
        )
    assert not recommendation.updates.exists()


def test_the_committee_dashboard_and_report_still_count_committee_actions_only(every_source):
    """The dashboard's action panel and the report's appendix are about committee actions,
    and never show a review recommendation to committee members."""
    from partnership.calendar import FinancialQuarter
    from scrutiny.reports.content import action_appendix

    appendix = action_appendix(
        quarter=FinancialQuarter.parse("2025/26 Q3"), committee=None, today=TODAY
    )
    assert {action.source for action in appendix.actions} == {ActionSource.RESOLUTION}


def test_an_actions_year_comes_from_its_meeting_or_the_day_it_is_raised(every_source):
    assert every_source["resolution"].year == 2025
    other = every_source["other"]
    assert other.reference.startswith(f"A-{other.year}-")


def test_milestones_keep_their_owners_organisation(every_source, commissioner):
    assert every_source["commitment"].owner_organisation == commissioner.organisation


def test_an_officer_owning_a_milestone_sees_it_in_my_actions(login, commissioner, commitment):
    officer = UserFactory(username="milestone.officer", roles=[Role.OFFICER])
    milestone = services.action_create(
        by=commissioner, commitment=commitment, description="x", owner=officer, due_date=TODAY
    )
    page = login(officer).get(url("my_actions"))
    assert milestone in page.context["open_actions"]
