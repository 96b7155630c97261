"""Pages: who may use each one (beyond the access matrix), and each page's happy path."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership.constants import AuditAction
from partnership.models import AuditEvent
from scrutiny.constants import ActionStatus, MeetingStatus
from scrutiny.models import Action, AgendaItem, Meeting, Resolution, Topic
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    ResolutionFactory,
    TopicFactory,
    UserFactory,
)

from .conftest import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)


def url(name, *args):
    return reverse(f"scrutiny:{name}", args=args)


def references(response) -> set[str]:
    return {action.reference for action in response.context["actions"]}


# Who may see what


def test_an_officer_cannot_open_the_tracker_or_committees(login, officer):
    client = login(officer)
    assert client.get(url("action_list")).status_code == 403
    assert client.get(url("committee_list")).status_code == 403


def test_a_member_of_another_committee_gets_not_found_for_its_papers(
    login, committee_member, other_meeting, pdf_bytes, clerk
):
    item = AgendaItemFactory(meeting=other_meeting)
    client = login(committee_member)
    assert client.get(url("committee_detail", other_meeting.committee.pk)).status_code == 404
    assert client.get(url("meeting_detail", other_meeting.pk)).status_code == 404
    assert client.get(url("agenda_item_detail", item.pk)).status_code == 404


def test_committee_members_do_not_see_a_draft_meeting(login, committee_member, committee):
    draft = MeetingFactory(committee=committee, status=MeetingStatus.DRAFT)
    client = login(committee_member)
    assert client.get(url("meeting_detail", draft.pk)).status_code == 404
    assert draft not in client.get(url("committee_detail", committee.pk)).context["upcoming"]


def test_a_member_reads_the_exempt_items_and_documents_of_their_committee(
    login, clerk, committee_member, exempt_item, pdf_bytes
):
    from scrutiny import services

    document = services.agenda_document_add(
        by=clerk, item=exempt_item, title="Prices", file=SimpleUploadedFile("p.pdf", pdf_bytes)
    )
    client = login(committee_member)
    page = client.get(url("agenda_item_detail", exempt_item.pk))
    assert page.status_code == 200
    assert "not for publication by virtue of paragraph 3" in page.content.decode()
    download = client.get(url("agenda_document_download", document.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="p.pdf"')
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(document.pk)).exists()


def test_a_member_of_another_committee_cannot_download_its_documents(
    login, clerk, other_meeting, pdf_bytes
):
    from scrutiny import services

    item = AgendaItemFactory(meeting=other_meeting)
    document = services.agenda_document_add(
        by=clerk, item=item, title="Appendix", file=SimpleUploadedFile("a.pdf", pdf_bytes)
    )
    outsider = UserFactory(roles=["committee_member"])
    assert login(outsider).get(url("agenda_document_download", document.pk)).status_code == 404


def test_commissioners_read_the_tracker_without_other_committees_exempt_actions(
    login, commissioner, action, exempt_item
):
    secret = ActionFactory(resolution=ResolutionFactory(agenda_item=exempt_item))
    response = login(commissioner).get(url("action_list"))
    assert response.status_code == 200
    assert references(response) == {action.reference}
    assert login(commissioner).get(url("action_detail", secret.pk)).status_code == 404


def test_a_commissioner_sees_an_exempt_action_they_own(login, commissioner, exempt_item):
    theirs = ActionFactory(
        resolution=ResolutionFactory(agenda_item=exempt_item), owner=commissioner
    )
    assert login(commissioner).get(url("action_detail", theirs.pk)).status_code == 200


def test_a_committee_member_reads_only_their_committees_actions(
    login, committee_member, action, exempt_item, other_meeting
):
    exempt_action = ActionFactory(resolution=ResolutionFactory(agenda_item=exempt_item))
    elsewhere = ActionFactory(resolution__agenda_item__meeting=other_meeting)
    client = login(committee_member)
    assert references(client.get(url("action_list"))) == {
        action.reference,
        exempt_action.reference,
    }
    assert client.get(url("action_detail", elsewhere.pk)).status_code == 404


def test_the_owner_opens_their_action_but_another_officer_cannot(
    login, officer, other_agency_officer, action
):
    assert login(officer).get(url("action_detail", action.pk)).status_code == 200
    assert login(other_agency_officer).get(url("action_detail", action.pk)).status_code == 404


def test_a_reader_of_the_tracker_cannot_update_someone_elses_action(
    login, committee_member, performance_lead, action
):
    for user in (committee_member, performance_lead):
        client = login(user)
        assert client.get(url("action_update_add", action.pk)).status_code == 403
        assert client.get(url("action_complete", action.pk)).status_code == 403


def test_only_clerks_close_or_change_actions(login, officer, action):
    client = login(officer)
    assert client.get(url("action_close", action.pk)).status_code == 403
    assert client.get(url("action_edit", action.pk)).status_code == 403


def test_moving_an_item_needs_a_post(login, clerk, item):
    assert login(clerk).get(url("agenda_item_move", item.pk)).status_code == 405


# Clerk's pages


def test_a_clerk_adds_a_committee(login, clerk, committee_member):
    response = login(clerk).post(
        url("committee_create"),
        {"name": "Health Scrutiny", "clerk": clerk.pk, "members": [committee_member.pk]},
    )
    assert response.status_code == 302
    assert response.url.startswith("/scrutiny/committees/")


def test_a_clerk_adds_a_meeting(login, clerk, committee):
    response = login(clerk).post(
        url("meeting_create", committee.pk),
        {
            "date_0": "20",
            "date_1": "11",
            "date_2": "2025",
            "start_time": "18:30",
            "venue": "Council Chamber",
            "status": MeetingStatus.DRAFT,
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert (meeting.date, meeting.start_time.hour) == (date(2025, 11, 20), 18)


def test_a_meeting_with_a_bad_time_shows_a_clear_message(login, clerk, committee):
    response = login(clerk).post(
        url("meeting_create", committee.pk),
        {"date_0": "20", "date_1": "11", "date_2": "2025", "start_time": "half six", "venue": "X"},
    )
    assert response.status_code == 200
    assert "Enter the start time like 14:30 or 2:30pm" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_clerk_adds_an_agenda_item_in_the_report_format(login, clerk, meeting):
    response = login(clerk).post(
        url("agenda_item_create", meeting.pk),
        {
            "title": "Domestic abuse: a new approach",
            "report_of": "Portfolio Holder for Communities",
            "purpose": "noting",
            "recommendation": "That the Committee note the report.",
            "summary": "The **review** is done.",
            "all_wards": "True",
            "contact_name": "Alex Example",
            "contact_title": "Head of Community Safety",
            "contact_email": "alex@example.org",
            "exempt": "False",
        },
    )
    item = AgendaItem.objects.get()
    assert response.url == meeting.get_absolute_url()
    page = login(clerk).get(item.get_absolute_url()).content.decode()
    assert "<strong>review</strong>" in page
    assert "Head of Community Safety" in page


def test_an_exempt_item_without_its_paragraph_shows_a_clear_message(login, clerk, meeting):
    response = login(clerk).post(
        url("agenda_item_create", meeting.pk),
        {
            "title": "Prices",
            "report_of": "Director",
            "purpose": "decision",
            "recommendation": "Agree.",
            "summary": "Prices.",
            "all_wards": "True",
            "contact_name": "A",
            "contact_title": "B",
            "contact_email": "a@example.org",
            "exempt": "True",
        },
    )
    assert "Choose the paragraph of Schedule 12A" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_a_clerk_moves_an_item_up_with_a_button(login, clerk, meeting):
    first = AgendaItemFactory(meeting=meeting, number=1)
    second = AgendaItemFactory(meeting=meeting, number=2)
    response = login(clerk).post(url("agenda_item_move", second.pk), {"direction": "up"})
    assert response.url == meeting.get_absolute_url()
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.number, second.number) == (2, 1)


def test_uploading_a_file_that_is_not_a_pdf_shows_why(login, clerk, item):
    response = login(clerk).post(
        url("agenda_document_add", item.pk),
        {"title": "Appendix", "file": SimpleUploadedFile("a.pdf", b"not a pdf at all")},
    )
    assert response.status_code == 200
    assert "its contents are not a PDF" in response.content.decode()


def test_a_clerk_records_a_resolution_with_the_next_label_suggested(login, clerk, item):
    ResolutionFactory(agenda_item=item, label="a", position=1)
    client = login(clerk)
    form = client.get(url("resolution_create", item.pk)).context["form"]
    assert form.initial["label"] == "b"
    client.post(url("resolution_create", item.pk), {"label": "b", "text": "Details be shared."})
    assert item.resolutions.get(label="b").position == 2


def test_raising_an_action_due_before_the_meeting_is_refused_with_a_clear_message(
    login, clerk, resolution, officer
):
    response = login(clerk).post(
        url("action_create", resolution.pk),
        {
            "description": "Share waiting times.",
            "owner": officer.pk,
            "due_date_0": "1",
            "due_date_1": "6",
            "due_date_2": "2025",
            "priority": "medium",
        },
    )
    assert response.status_code == 200
    assert "The due date must be after the meeting on 12 June 2025." in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_date_2", "99999999999999999999", "The year of the due date must be 4 numbers"),
        ("due_date_2", "0001", "The due date must be on or after 1 January 2000"),
        ("due_date_0", " ", "The due date must include a day"),
        ("due_date_1", "١", "The month of the due date must be a number"),
    ],
)
def test_a_hostile_due_date_gets_a_message_and_writes_nothing(
    login, clerk, resolution, officer, field, value, message
):
    data = {
        "description": "Share waiting times.",
        "owner": officer.pk,
        "due_date_0": "30",
        "due_date_1": "9",
        "due_date_2": "2025",
    }
    response = login(clerk).post(url("action_create", resolution.pk), data | {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_2": "99999999999999999999"}, "The year of the date of the meeting must be"),
        ({"date_2": "0001"}, "The date of the meeting must be on or after 1 January 2000"),
        ({"start_time": "99999999999999999999"}, "Enter the start time like 14:30 or 2:30pm"),
        ({"start_time": "25:00"}, "The hour of the start time must be from 0 to 23"),
    ],
)
def test_a_hostile_meeting_writes_nothing(login, clerk, committee, data, message):
    post = {"date_0": "20", "date_1": "11", "date_2": "2025", "start_time": "6:30pm"}
    response = login(clerk).post(
        url("meeting_create", committee.pk), post | {"venue": "Hall", "status": "draft"} | data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_time_may_be_typed_as_2pm(login, clerk, committee):
    login(clerk).post(
        url("meeting_create", committee.pk),
        {
            "date_0": "20",
            "date_1": "11",
            "date_2": "2025",
            "start_time": "6:30pm",
            "venue": "Hall",
            "status": MeetingStatus.DRAFT,
        },
    )
    assert Meeting.objects.get().start_time.strftime("%H:%M") == "18:30"


def test_a_clerk_raises_an_action_from_a_resolution(login, clerk, resolution, officer):
    response = login(clerk).post(
        url("action_create", resolution.pk),
        {
            "description": "Share waiting times.",
            "owner": officer.pk,
            "due_date_0": "30",
            "due_date_1": "9",
            "due_date_2": "2025",
            "priority": "high",
        },
    )
    action = Action.objects.get()
    assert response.url == resolution.agenda_item.get_absolute_url()
    assert (action.reference, action.owner, action.priority) == ("A-2025-001", officer, "high")
    assert action.source == "resolution"


def test_a_clerk_closes_an_action_as_superseded_by_its_reference(login, clerk, action, resolution):
    replacement = ActionFactory(resolution=resolution, reference="A-2025-777", sequence=777)
    response = login(clerk).post(
        url("action_close", action.pk),
        {"status": ActionStatus.SUPERSEDED, "note": "", "superseded_by": "a-2025-777"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.superseded_by) == (ActionStatus.SUPERSEDED, replacement)


def test_closing_with_an_unknown_reference_says_so(login, clerk, action):
    response = login(clerk).post(
        url("action_close", action.pk),
        {"status": ActionStatus.SUPERSEDED, "note": "", "superseded_by": "A-1999-001"},
    )
    assert "No action has the reference A-1999-001." in response.content.decode()


# Owners


def test_my_actions_lists_only_the_users_own_actions(login, officer, action, resolution):
    ActionFactory(resolution=resolution)
    response = login(officer).get(url("my_actions"))
    assert [a.reference for a in response.context["open_actions"]] == [action.reference]


def test_the_owner_adds_an_update(login, officer, action):
    response = login(officer).post(
        url("action_update_add", action.pk),
        {"text": "Data requested from the police.", "status": ActionStatus.IN_PROGRESS},
    )
    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.updates.get().text == "Data requested from the police."


def test_completing_without_evidence_shows_a_clear_message_and_changes_nothing(
    login, officer, action
):
    response = login(officer).post(url("action_complete", action.pk), {"note": "Done."})
    assert response.status_code == 200
    assert "Add evidence to complete the action" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_the_owner_completes_with_an_evidence_file_that_only_permitted_users_download(
    login, officer, other_agency_officer, committee_member, action
):
    login(officer).post(
        url("action_complete", action.pk),
        {"evidence_file": SimpleUploadedFile("waiting.csv", b"Programme,Weeks\nGroup,9\n")},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETE
    download = login(committee_member).get(url("action_evidence", action.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    assert login(other_agency_officer).get(url("action_evidence", action.pk)).status_code == 404


def test_a_closed_action_takes_no_more_updates(login, officer, action):
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.COMPLETE, closed_on=TODAY)
    response = login(officer).get(url("action_update_add", action.pk))
    assert response.url == action.get_absolute_url()


# The tracker


@pytest.fixture
def tracker_actions(resolution, officer, commissioner):
    return {
        "red": ActionFactory(resolution=resolution, owner=officer, due_date=TODAY - timedelta(1)),
        "amber": ActionFactory(resolution=resolution, owner=commissioner, due_date=TODAY),
        "green": ActionFactory(resolution=resolution, due_date=TODAY + timedelta(days=30)),
        "done": ActionFactory(resolution=resolution, status=ActionStatus.COMPLETE),
    }


def test_the_tracker_filters_by_rag_status_owner_and_overdue(
    login, clerk, officer, tracker_actions
):
    client = login(clerk)
    ref = {name: action.reference for name, action in tracker_actions.items()}
    assert references(client.get(url("action_list"), {"rag": "amber"})) == {ref["amber"]}
    assert references(client.get(url("action_list"), {"status": "complete"})) == {ref["done"]}
    assert references(client.get(url("action_list"), {"owner": officer.pk})) == {ref["red"]}
    assert references(client.get(url("action_list"), {"overdue": "on"})) == {ref["red"]}
    assert len(references(client.get(url("action_list")))) == 4


def test_the_tracker_shows_the_rag_summary_from_the_metrics(login, clerk, tracker_actions):
    summary = login(clerk).get(url("action_list")).context["summary"]
    assert summary.total == 4
    assert [action.reference for action in summary.overdue] == [tracker_actions["red"].reference]


def test_the_tracker_csv_has_the_councils_columns_and_follows_the_filters(
    login, clerk, tracker_actions
):
    response = login(clerk).get(url("action_export"), {"rag": "red"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Reference",
        "Source",
        "Source detail",
        "Committee",
        "Meeting date",
        "Resolution",
        "Action",
        "Priority",
        "Owner",
        "Owner's organisation",
        "Due date",
        "Latest update",
        "Status",
        "RAG",
    ]
    assert len(rows) == 2
    red = tracker_actions["red"]
    assert rows[1][0] == red.reference
    assert rows[1][1] == "Committee resolution"
    assert rows[1][4] == "2025-06-12"
    assert rows[1][7] == "Medium"
    assert rows[1][10] == red.due_date.isoformat()
    assert rows[1][12:] == ["Open", "Red"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).get().detail["rows"] == 1


def test_the_tracker_csv_defuses_formulas_typed_into_actions(login, clerk, resolution):
    ActionFactory(resolution=resolution, description='=HYPERLINK("http://evil")')
    response = login(clerk).get(url("action_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][6].startswith("'=")


def test_the_latest_update_is_shown_in_the_tracker(login, clerk, action, officer):
    from scrutiny import services

    services.action_update_add(by=officer, action=action, text="First.", status="open")
    services.action_update_add(by=officer, action=action, text="Second.", status="in_progress")
    [row] = login(clerk).get(url("action_list")).context["actions"]
    assert row.latest_update_text == "Second."


# Topics


def test_a_topic_shows_its_items_across_meetings_oldest_first(login, clerk, committee):
    topic = TopicFactory(name="Domestic abuse services")
    later = AgendaItemFactory(meeting=MeetingFactory(committee=committee, date=date(2025, 9, 1)))
    earlier = AgendaItemFactory(meeting=MeetingFactory(committee=committee, date=date(2025, 1, 9)))
    later.topics.add(topic)
    earlier.topics.add(topic)
    response = login(clerk).get(url("topic_detail", topic.pk))
    assert [item for item, _ in response.context["history"]] == [earlier, later]


def test_a_topic_leaves_out_items_of_committees_the_member_does_not_sit_on(
    login, committee_member, item, other_meeting
):
    topic = TopicFactory()
    hidden = AgendaItemFactory(meeting=other_meeting)
    item.topics.add(topic)
    hidden.topics.add(topic)
    response = login(committee_member).get(url("topic_detail", topic.pk))
    assert [item for item, _ in response.context["history"]] == [item]


def test_resolutions_appear_under_their_item(login, committee_member, resolution):
    page = login(committee_member).get(url("agenda_item_detail", resolution.agenda_item.pk))
    assert resolution.text in page.content.decode()
    assert Resolution.objects.count() == 1


def test_pages_list_each_item_and_action_once_when_a_committee_has_many_members(
    login, committee, committee_member, commissioner, action, item
):
    for _ in range(3):
        committee.members.add(UserFactory(roles=["committee_member"]))
    assert login(committee_member).get(url("agenda_item_detail", item.pk)).status_code == 200
    assert len(login(commissioner).get(url("action_list")).context["actions"]) == 1


def test_the_tracker_filters_by_committee_and_meeting(login, clerk, action, other_meeting):
    elsewhere = ActionFactory(resolution__agenda_item__meeting=other_meeting)
    client = login(clerk)
    by_committee = client.get(url("action_list"), {"committee": other_meeting.committee.pk})
    assert references(by_committee) == {elsewhere.reference}
    by_meeting = client.get(
        url("action_list"), {"meeting": action.resolution.agenda_item.meeting.pk}
    )
    assert references(by_meeting) == {action.reference}


def test_a_members_committee_filter_offers_only_their_committees(
    login, committee_member, action, other_meeting
):
    ActionFactory(resolution__agenda_item__meeting=other_meeting)
    form = login(committee_member).get(url("action_list")).context["form"]
    assert list(form.fields["committee"].queryset) == [
        action.resolution.agenda_item.meeting.committee
    ]


def test_a_clerk_changes_a_meeting_status(login, clerk, meeting):
    meeting.status = MeetingStatus.DRAFT
    meeting.save()
    login(clerk).post(
        url("meeting_edit", meeting.pk),
        {
            "date_0": "12",
            "date_1": "6",
            "date_2": "2025",
            "start_time": "10:00",
            "venue": meeting.venue,
            "status": MeetingStatus.AGENDA_PUBLISHED,
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED


def test_a_clerk_cannot_mark_minutes_approved_by_hand(login, clerk, meeting):
    response = login(clerk).post(
        url("meeting_edit", meeting.pk),
        {
            "date_0": "12",
            "date_1": "6",
            "date_2": "2025",
            "start_time": "10:00",
            "venue": meeting.venue,
            "status": MeetingStatus.MINUTES_APPROVED,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED


def test_a_clerk_changes_an_agenda_item_and_its_topics(login, clerk, item):
    topic = TopicFactory()
    client = login(clerk)
    data = client.get(url("agenda_item_edit", item.pk)).context["form"].initial
    data = {k: v for k, v in data.items() if v is not None and k not in ("wards", "topics")}
    data |= {"title": "New title", "topics": [topic.pk]}
    response = client.post(url("agenda_item_edit", item.pk), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "New title"
    assert list(item.topics.all()) == [topic]


def test_a_clerk_removes_a_document(login, clerk, item, pdf_bytes):
    from scrutiny import services
    from scrutiny.models import AgendaDocument

    document = services.agenda_document_add(
        by=clerk, item=item, title="Appendix", file=SimpleUploadedFile("a.pdf", pdf_bytes)
    )
    client = login(clerk)
    assert client.get(url("agenda_document_delete", document.pk)).status_code == 200
    response = client.post(url("agenda_document_delete", document.pk))
    assert response.url == item.get_absolute_url()
    assert not AgendaDocument.objects.exists()


def test_a_clerk_adds_a_topic(login, clerk):
    response = login(clerk).post(
        url("topic_create"), {"name": "Safe accommodation", "description": "Refuges and more."}
    )
    topic = Topic.objects.get()
    assert (topic.name, topic.description) == ("Safe accommodation", "Refuges and more.")
    assert response.url == url("topic_detail", topic.pk)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="scrutiny.Topic")
    assert (event.object_id, event.user) == (str(topic.pk), clerk)


def test_a_topic_without_a_name_is_refused_and_not_saved(login, clerk):
    response = login(clerk).post(url("topic_create"), {"name": " "})
    assert response.status_code == 200
    assert "Enter the topic" in response.content.decode()
    assert not Topic.objects.exists()


def test_the_admin_shows_scrutiny_rows_but_changes_none(login, admin_user, action):
    client = login(admin_user)
    models = ["committee", "meeting", "agendaitem", "resolution", "action", "remindersent"]
    cycle = ["committeemembership", "memberattendance", "declaration", "minutes"]
    cycle += ["minutesamendment", "advancequestion", "strategy", "theme", "commitment", "review"]
    for model in [*models, "reportrun", "agendapack", *cycle]:
        assert client.get(reverse(f"admin:scrutiny_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:scrutiny_action_change", args=[action.pk])).status_code == 200
    assert client.get(reverse("admin:scrutiny_action_add")).status_code == 403
