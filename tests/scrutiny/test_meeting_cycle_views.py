"""The meeting cycle's pages: who may use them beyond the access matrix, each happy path, and
that approved minutes cannot be changed through a page without recording an amendment."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from partnership.constants import AuditAction, Role
from partnership.models import AuditEvent
from scrutiny import services_meetings
from scrutiny.constants import AttendanceStatus, InterestKind, ItemKind, MinutesStatus
from scrutiny.models import (
    CommitteeMembership,
    Declaration,
    ItemMinute,
    MemberAttendance,
    Minutes,
    MinutesAmendment,
)
from tests.factories import MeetingFactory, UserFactory

from .conftest import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)
    monkeypatch.setattr("scrutiny.views_meetings.timezone.localdate", lambda: TODAY)


def url(name, *args):
    return reverse(f"scrutiny:{name}", args=args)


@pytest.fixture
def next_meeting(committee):
    return MeetingFactory(committee=committee, date=date(2025, 9, 10))


@pytest.fixture
def approved(clerk, meeting, next_meeting, item, resolution):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="As approved.")
    approval = services_meetings.minutes_circulate(by=clerk, meeting=meeting)
    return services_meetings.minutes_approve(by=clerk, item=approval, today=TODAY)


def test_a_clerk_adds_a_meeting_and_gets_its_standard_items(login, clerk, committee, meeting):
    response = login(clerk).post(
        url("meeting_create", committee.pk),
        {
            "date_0": "20",
            "date_1": "11",
            "date_2": "2025",
            "start_time": "10:00",
            "venue": "Hall",
            "status": "draft",
        },
    )
    new = committee.meetings.get(date=date(2025, 11, 20))
    assert response.url == new.get_absolute_url()
    assert list(new.agenda_items.values_list("kind", flat=True)) == [
        ItemKind.APOLOGIES,
        ItemKind.DECLARATIONS,
        ItemKind.PREVIOUS_MINUTES,
    ]


def test_a_standard_item_has_no_report_to_change(login, clerk, meeting):
    apologies = meeting.agenda_items.create(
        number=9, kind=ItemKind.APOLOGIES, title="Apologies for absence"
    )
    response = login(clerk).get(url("agenda_item_edit", apologies.pk))
    assert response.url == apologies.get_absolute_url()
    page = login(clerk).get(apologies.get_absolute_url()).content.decode()
    assert "Record attendance and apologies" in page
    assert "Contact officer" not in page


def test_a_clerk_removes_an_item_after_confirming(login, clerk, meeting):
    apologies = meeting.agenda_items.create(
        number=9, kind=ItemKind.APOLOGIES, title="Apologies for absence"
    )
    client = login(clerk)
    assert "Remove item 9" in client.get(url("agenda_item_remove", apologies.pk)).content.decode()
    client.post(url("agenda_item_remove", apologies.pk))
    assert not meeting.agenda_items.filter(pk=apologies.pk).exists()


def test_a_clerk_adds_a_member_and_ends_a_membership(login, clerk, committee, committee_member):
    newcomer = UserFactory(username="new.cllr", roles=[Role.COMMITTEE_MEMBER])
    client = login(clerk)
    client.post(
        url("membership_add", committee.pk),
        {
            "member": newcomer.pk,
            "role": "member",
            "start_date_0": "1",
            "start_date_1": "11",
            "start_date_2": "2025",
        },
    )
    assert CommitteeMembership.objects.get(member=newcomer).start_date == date(2025, 11, 1)
    seat = CommitteeMembership.objects.get(member=committee_member)
    response = client.post(
        url("membership_end", seat.pk),
        {"end_date_0": "1", "end_date_1": "1", "end_date_2": "2019"},
    )
    assert "on or after the start date" in response.content.decode()
    client.post(
        url("membership_end", seat.pk),
        {"end_date_0": "2", "end_date_1": "11", "end_date_2": "2025"},
    )
    seat.refresh_from_db()
    assert seat.end_date == date(2025, 11, 2)


def test_a_clerk_records_attendance_with_a_substitute(login, clerk, committee, meeting):
    sick = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    committee.members.add(sick, through_defaults={"start_date": date(2024, 1, 1)})
    substitute = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    member = committee.members.exclude(pk=sick.pk).get()
    response = login(clerk).post(
        url("attendance_record", meeting.pk),
        {
            f"status_{member.pk}": "present",
            f"status_{sick.pk}": "apologies",
            f"substitute_{sick.pk}": substitute.pk,
        },
    )
    assert response.url == meeting.get_absolute_url()
    row = MemberAttendance.objects.get(member=sick)
    assert (row.status, row.substitute) == (AttendanceStatus.APOLOGIES, substitute)


def test_attendance_left_blank_is_a_clear_error(login, clerk, meeting, committee_member):
    response = login(clerk).post(url("attendance_record", meeting.pk), {})
    assert response.status_code == 200
    name = committee_member.get_full_name() or committee_member.username
    assert f"Choose whether {name} was present" in response.content.decode()
    assert not MemberAttendance.objects.exists()


def test_declarations_wait_for_attendance_then_are_recorded(
    login, clerk, meeting, item, committee_member
):
    client = login(clerk)
    response = client.get(url("declaration_add", meeting.pk))
    assert response.url == url("attendance_record", meeting.pk)
    services_meetings.attendance_record(
        by=clerk,
        meeting=meeting,
        statuses={committee_member.pk: AttendanceStatus.PRESENT},
        substitutes={},
    )
    client.post(
        url("declaration_add", meeting.pk),
        {
            "member": committee_member.pk,
            "agenda_item": item.pk,
            "kind": InterestKind.DISCLOSABLE_PECUNIARY,
            "nature": "Employed by the provider.",
            "left_room": "True",
        },
    )
    declaration = Declaration.objects.get()
    assert (declaration.kind, declaration.left_room) == (InterestKind.DISCLOSABLE_PECUNIARY, True)
    client.post(url("declaration_remove", declaration.pk))
    assert not Declaration.objects.exists()


def test_draft_minutes_are_for_the_clerk_until_sent_to_the_next_meeting(
    login, clerk, committee_member, meeting, next_meeting, item
):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Draft text.")
    assert login(committee_member).get(url("minutes_detail", meeting.pk)).status_code == 404
    page = login(clerk).get(url("minutes_detail", meeting.pk))
    assert "Draft text." in page.content.decode()
    login(clerk).post(url("minutes_circulate", meeting.pk))
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.CIRCULATED
    page = login(committee_member).get(url("minutes_detail", meeting.pk)).content.decode()
    assert "Draft minutes" in page and "Draft text." in page


def test_another_committees_member_cannot_read_the_minutes(
    login, clerk, meeting, next_meeting, item, other_committee
):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Draft text.")
    services_meetings.minutes_circulate(by=clerk, meeting=meeting)
    outsider = other_committee.members.get()
    assert login(outsider).get(url("minutes_detail", meeting.pk)).status_code == 404


def test_the_clerk_writes_an_items_minute(login, clerk, meeting, item):
    response = login(clerk).post(
        url("item_minute_edit", item.pk), {"discussion": "Members asked about caseloads."}
    )
    assert response.url.endswith(f"#minute-{item.number}")
    assert ItemMinute.objects.get(agenda_item=item).discussion == "Members asked about caseloads."


def test_editing_approved_minutes_through_the_page_is_refused_without_an_amendment(
    login, clerk, item, approved
):
    client = login(clerk)
    page = client.get(url("item_minute_edit", item.pk))
    assert page.url == f"{url('minutes_amend', item.meeting_id)}?item={item.pk}"
    response = client.post(url("item_minute_edit", item.pk), {"discussion": "Rewritten."})
    assert response.status_code == 302
    assert ItemMinute.objects.get(agenda_item=item).discussion == "As approved."
    # Without a reason the amendment form refuses, and nothing changes.
    response = client.post(
        url("minutes_amend", item.meeting_id), {"item": item.pk, "new_text": "Rewritten."}
    )
    assert response.status_code == 200
    assert "Give the reason for the amendment" in response.content.decode()
    assert ItemMinute.objects.get(agenda_item=item).discussion == "As approved."
    assert not MinutesAmendment.objects.exists()


def test_a_resolution_of_approved_minutes_is_not_changed_on_its_own_form(
    login, clerk, resolution, approved
):
    response = login(clerk).post(
        url("resolution_edit", resolution.pk), {"label": "a", "text": "Something else."}
    )
    assert response.status_code == 200
    assert "Record an amendment" in response.content.decode()
    resolution.refresh_from_db()
    assert resolution.text == "details of waiting times be shared with the Committee."


def test_an_amendment_through_the_page_is_recorded_and_the_minutes_republished(
    login, clerk, item, approved
):
    response = login(clerk).post(
        url("minutes_amend", item.meeting_id),
        {"item": item.pk, "new_text": "As amended.", "reason": "Agreed on 9 October 2025."},
    )
    assert response.url == url("minutes_detail", item.meeting_id)
    amendment = MinutesAmendment.objects.get()
    assert (amendment.previous_text, amendment.new_text) == ("As approved.", "As amended.")
    approved.refresh_from_db()
    assert approved.is_published


def test_the_clerk_approves_the_minutes_at_the_next_meeting_and_they_are_published(
    login, clerk, committee_member, meeting, next_meeting, item
):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Minute.")
    approval = services_meetings.minutes_circulate(by=clerk, meeting=meeting)
    client = login(clerk)
    assert (
        "Record approval and publish"
        in client.get(url("minutes_approve", approval.pk)).content.decode()
    )
    client.post(url("minutes_approve", approval.pk))
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.is_approved and minutes.is_published
    download = login(committee_member).get(url("minutes_download", meeting.pk))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=committee_member).exists()


def test_minutes_not_yet_published_cannot_be_downloaded(login, clerk, meeting, item):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Minute.")
    assert login(clerk).get(url("minutes_download", meeting.pk)).status_code == 404


def test_a_clerk_adds_a_question_and_its_answer_to_the_annex(login, clerk, meeting, item):
    client = login(clerk)
    client.post(
        url("question_add", meeting.pk),
        {"agenda_item": item.pk, "asked_by": "Councillor A", "question": "How long?"},
    )
    question = meeting.advance_questions.get()
    client.post(
        url("question_edit", question.pk),
        {
            "agenda_item": item.pk,
            "asked_by": "Councillor A",
            "question": "How long?",
            "answer": "About three months.",
            "answered_by": "Service manager",
        },
    )
    page = client.get(url("minutes_detail", meeting.pk)).content.decode()
    assert "Annex: questions submitted before the meeting" in page
    assert "About three months." in page


def test_a_former_member_loses_the_meeting_pages(login, clerk, committee_member, meeting):
    seat = CommitteeMembership.objects.get(member=committee_member)
    assert login(committee_member).get(meeting.get_absolute_url()).status_code == 200
    services_meetings.membership_end(by=clerk, membership=seat, end_date=TODAY - timedelta(days=1))
    assert login(committee_member).get(meeting.get_absolute_url()).status_code == 404


def test_the_attendance_page_asks_about_each_member(login, clerk, meeting, committee_member):
    page = login(clerk).get(url("attendance_record", meeting.pk)).content.decode()
    assert f'name="status_{committee_member.pk}"' in page
    assert f'name="substitute_{committee_member.pk}"' in page
