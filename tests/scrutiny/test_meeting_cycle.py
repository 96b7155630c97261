"""The meeting cycle's services: standard items, membership, attendance, declarations, and the
minutes from draft to approved, locked, amended and published."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnership.constants import AuditAction, Role
from partnership.models import AuditEvent
from scrutiny import selectors, services, services_meetings
from scrutiny.constants import (
    AmendmentKind,
    AttendanceStatus,
    InterestKind,
    ItemKind,
    MeetingStatus,
    MembershipRole,
    MinutesStatus,
)
from scrutiny.minutes import Part, minutes_document
from scrutiny.models import (
    AgendaItem,
    CommitteeMembership,
    ItemMinute,
    MemberAttendance,
    Minutes,
    MinutesAmendment,
    Resolution,
)
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    ResolutionFactory,
    UserFactory,
)
from tests.pdfutils import pdf_info, pdf_text

from .conftest import TODAY


@pytest.fixture
def next_meeting(committee):
    return MeetingFactory(committee=committee, date=date(2025, 9, 10))


@pytest.fixture
def present(clerk, meeting, committee_member):
    services_meetings.attendance_record(
        by=clerk,
        meeting=meeting,
        statuses={committee_member.pk: AttendanceStatus.PRESENT},
        substitutes={},
    )
    return committee_member


def circulated(clerk, meeting, next_meeting):
    return services_meetings.minutes_circulate(by=clerk, meeting=meeting)


@pytest.fixture
def approved(clerk, meeting, next_meeting, item, resolution):
    """The meeting's minutes, drafted, sent to the next meeting and approved there."""
    services_meetings.item_minute_save(
        by=clerk, agenda_item=item, discussion="Members asked about **waiting times**."
    )
    approval_item = services_meetings.minutes_circulate(by=clerk, meeting=meeting)
    return services_meetings.minutes_approve(by=clerk, item=approval_item, today=TODAY)


# Standard items ---------------------------------------------------------------------------------


def test_a_new_meeting_starts_with_apologies_declarations_and_the_previous_minutes(
    clerk, committee, meeting
):
    later = services.meeting_create(
        by=clerk, committee=committee, date=date(2025, 12, 1), start_time=time(10), venue="Hall"
    )
    items = list(later.agenda_items.order_by("number"))
    assert [(item.number, item.kind) for item in items] == [
        (1, ItemKind.APOLOGIES),
        (2, ItemKind.DECLARATIONS),
        (3, ItemKind.PREVIOUS_MINUTES),
    ]
    assert items[2].minutes_of == meeting
    assert items[2].title == "Minutes of the previous meeting"
    report = services.agenda_item_create(
        by=clerk,
        meeting=later,
        title="Quarterly report",
        report_of="Lead",
        purpose="noting",
        recommendation="That it be noted.",
        summary="Figures.",
        contact_name="A",
        contact_title="B",
        contact_email="a@example.org",
    )
    assert report.number == 4


def test_a_committees_first_meeting_has_no_previous_minutes_to_approve(clerk):
    committee = CommitteeFactory(clerk=clerk)
    first = services.meeting_create(
        by=clerk, committee=committee, date=date(2025, 12, 1), start_time=time(10), venue="Hall"
    )
    assert list(first.agenda_items.values_list("kind", flat=True)) == [
        ItemKind.APOLOGIES,
        ItemKind.DECLARATIONS,
    ]


def test_a_standard_item_is_removed_and_the_items_after_it_move_up(clerk, committee, meeting):
    later = services.meeting_create(
        by=clerk, committee=committee, date=date(2025, 12, 1), start_time=time(10), venue="Hall"
    )
    report = AgendaItemFactory(meeting=later, number=4, title="Report")
    apologies = later.agenda_items.get(kind=ItemKind.APOLOGIES)
    services_meetings.agenda_item_remove(by=clerk, item=apologies)
    assert list(later.agenda_items.order_by("number").values_list("number", "kind")) == [
        (1, ItemKind.DECLARATIONS),
        (2, ItemKind.PREVIOUS_MINUTES),
        (3, ItemKind.REPORT),
    ]
    report.refresh_from_db()
    assert report.number == 3
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(apologies.pk))


def test_an_item_with_a_resolution_cannot_be_removed(clerk, item, resolution):
    with pytest.raises(ValidationError, match="has resolutions recorded against it"):
        services_meetings.agenda_item_remove(by=clerk, item=item)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_standard_item_needs_no_report_but_a_report_does(meeting):
    standard = AgendaItem(meeting=meeting, number=9, kind=ItemKind.APOLOGIES, title="Apologies")
    standard.full_clean()
    report = AgendaItem(meeting=meeting, number=10, title="A report")
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert error.value.message_dict["summary"] == ["Enter a summary"]


def test_the_clerk_cannot_mark_minutes_approved_by_changing_the_meeting(clerk, meeting):
    with pytest.raises(ValidationError, match="approved by the committee at its next meeting"):
        services.meeting_update(by=clerk, meeting=meeting, status=MeetingStatus.MINUTES_APPROVED)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_PUBLISHED


# Membership -------------------------------------------------------------------------------------


def test_a_member_joins_from_a_date_and_an_overlapping_seat_is_refused(clerk, committee):
    member = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    seat = services_meetings.membership_add(
        by=clerk, committee=committee, member=member, start_date=date(2025, 5, 1)
    )
    assert (seat.role, seat.end_date) == (MembershipRole.MEMBER, None)
    with pytest.raises(ValidationError, match="already sit on the committee"):
        services_meetings.membership_add(
            by=clerk, committee=committee, member=member, start_date=date(2025, 8, 1)
        )


def test_only_committee_members_join_and_only_one_chair_at_a_time(
    clerk, committee, officer, committee_member
):
    with pytest.raises(ValidationError, match="committee member role"):
        services_meetings.membership_add(
            by=clerk, committee=committee, member=officer, start_date=TODAY
        )
    CommitteeMembership.objects.filter(member=committee_member).update(role=MembershipRole.CHAIR)
    with pytest.raises(ValidationError, match="already has a chair"):
        services_meetings.membership_add(
            by=clerk,
            committee=committee,
            member=UserFactory(roles=[Role.COMMITTEE_MEMBER]),
            start_date=TODAY,
            role=MembershipRole.CHAIR,
        )


def test_only_a_clerk_manages_membership(committee_member, committee):
    with pytest.raises(PermissionDenied):
        services_meetings.membership_add(
            by=committee_member, committee=committee, member=committee_member, start_date=TODAY
        )


def test_a_membership_cannot_end_before_it_starts(clerk, committee, committee_member):
    seat = CommitteeMembership.objects.get(member=committee_member)
    with pytest.raises(ValidationError, match="on or after the start date"):
        services_meetings.membership_end(by=clerk, membership=seat, end_date=date(2019, 1, 1))


def test_a_former_member_no_longer_sees_the_committee_or_its_meetings(
    clerk, committee_member, committee, meeting
):
    assert selectors.meetings_for_user(committee_member).filter(pk=meeting.pk).exists()
    seat = CommitteeMembership.objects.get(member=committee_member)
    services_meetings.membership_end(
        by=clerk, membership=seat, end_date=date.today() - timedelta(days=1)
    )
    assert not selectors.committees_for_user(committee_member).exists()
    assert not selectors.meetings_for_user(committee_member).exists()


def test_a_member_who_has_not_yet_joined_sees_nothing(clerk, committee):
    newcomer = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    services_meetings.membership_add(
        by=clerk,
        committee=committee,
        member=newcomer,
        start_date=date.today() + timedelta(days=7),
    )
    assert not selectors.committees_for_user(newcomer).exists()


# Attendance and declarations --------------------------------------------------------------------


def test_attendance_records_every_member_on_the_meetings_date_with_a_substitute(
    clerk, committee, committee_member, meeting
):
    absent = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    committee.members.add(absent, through_defaults={"start_date": date(2024, 1, 1)})
    # Joined after the meeting: not asked about.
    committee.members.add(
        UserFactory(roles=[Role.COMMITTEE_MEMBER]), through_defaults={"start_date": TODAY}
    )
    substitute = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    services_meetings.attendance_record(
        by=clerk,
        meeting=meeting,
        statuses={
            committee_member.pk: AttendanceStatus.PRESENT,
            absent.pk: AttendanceStatus.APOLOGIES,
        },
        substitutes={absent.pk: substitute},
    )
    rows = {row.member: row for row in meeting.attendance.all()}
    assert rows[absent].substitute == substitute
    assert services_meetings.present_at(meeting) == [committee_member, substitute]


def test_attendance_must_cover_every_member(clerk, committee, committee_member, meeting):
    committee.members.add(
        UserFactory(roles=[Role.COMMITTEE_MEMBER]),
        through_defaults={"start_date": date(2024, 1, 1)},
    )
    with pytest.raises(ValidationError, match="every member"):
        services_meetings.attendance_record(
            by=clerk,
            meeting=meeting,
            statuses={committee_member.pk: AttendanceStatus.PRESENT},
            substitutes={},
        )
    assert not MemberAttendance.objects.exists()


def test_a_substitute_is_not_a_member_and_stands_in_for_apologies_only(
    clerk, committee, committee_member, meeting
):
    other = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    committee.members.add(other, through_defaults={"start_date": date(2024, 1, 1)})
    with pytest.raises(ValidationError, match="is a member of the committee"):
        services_meetings.attendance_record(
            by=clerk,
            meeting=meeting,
            statuses={
                committee_member.pk: AttendanceStatus.APOLOGIES,
                other.pk: AttendanceStatus.PRESENT,
            },
            substitutes={committee_member.pk: other},
        )
    outsider = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    with pytest.raises(ValidationError, match="choose sent apologies"):
        services_meetings.attendance_record(
            by=clerk,
            meeting=meeting,
            statuses={
                committee_member.pk: AttendanceStatus.PRESENT,
                other.pk: AttendanceStatus.PRESENT,
            },
            substitutes={committee_member.pk: outsider},
        )


def test_a_declaration_is_made_by_a_member_present_on_a_report(clerk, meeting, item, present):
    declaration = services_meetings.declaration_add(
        by=clerk,
        agenda_item=item,
        member=present,
        kind=InterestKind.OTHER_REGISTRABLE,
        nature="A trustee of a charity that bids for the contract.",
        left_room=True,
    )
    assert (declaration.kind, declaration.left_room) == (InterestKind.OTHER_REGISTRABLE, True)
    absent = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    with pytest.raises(ValidationError, match="recorded as present"):
        services_meetings.declaration_add(
            by=clerk,
            agenda_item=item,
            member=absent,
            kind=InterestKind.NON_REGISTRABLE,
            nature="x",
            left_room=False,
        )


# Drafting, sending and approving the minutes ----------------------------------------------------


def test_the_first_minute_starts_draft_minutes(clerk, meeting, item):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="  Discussed.  ")
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.DRAFT
    assert ItemMinute.objects.get(agenda_item=item).discussion == "Discussed."


def test_a_minute_is_markdown_made_safe_like_agenda_items(clerk, meeting, item):
    services_meetings.item_minute_save(
        by=clerk,
        agenda_item=item,
        discussion="**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    html = str(minutes_document(meeting).items[0].discussion)
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_draft_minutes_need_a_next_meeting_to_go_to(clerk, meeting, item):
    with pytest.raises(ValidationError, match="Add the committee's next meeting first"):
        services_meetings.minutes_circulate(by=clerk, meeting=meeting)


def test_draft_minutes_go_to_the_next_meeting_as_its_standard_item(
    clerk, meeting, next_meeting, item
):
    AgendaItemFactory(meeting=next_meeting, number=1, title="A report")
    approval = services_meetings.minutes_circulate(by=clerk, meeting=meeting)
    assert (approval.meeting, approval.kind, approval.minutes_of) == (
        next_meeting,
        ItemKind.PREVIOUS_MINUTES,
        meeting,
    )
    assert approval.number == 2  # added after the existing item, as it had been removed
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.CIRCULATED
    # Sent again, it goes to the same item.
    assert services_meetings.minutes_circulate(by=clerk, meeting=meeting) == approval


def test_minutes_are_approved_only_once_sent_and_the_meeting_has_happened(
    clerk, meeting, next_meeting, item
):
    approval = AgendaItem.objects.create(
        meeting=next_meeting,
        number=1,
        kind=ItemKind.PREVIOUS_MINUTES,
        title="Minutes of the previous meeting",
        minutes_of=meeting,
    )
    with pytest.raises(ValidationError, match="Send the draft minutes"):
        services_meetings.minutes_approve(by=clerk, item=approval, today=TODAY)
    services_meetings.minutes_circulate(by=clerk, meeting=meeting)
    with pytest.raises(ValidationError, match="record the approval on or after that day"):
        services_meetings.minutes_approve(
            by=clerk, item=approval, today=next_meeting.date - timedelta(days=1)
        )
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.CIRCULATED


def test_approval_locks_the_minutes_sets_the_status_and_records_the_resolution(
    clerk, meeting, approved
):
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_APPROVED
    assert (approved.status, approved.approved_on, approved.approved_by) == (
        MinutesStatus.APPROVED,
        date(2025, 9, 10),
        clerk,
    )
    [resolution] = approved.approved_at.resolutions.all()
    assert "12 June 2025 be confirmed as a correct record" in resolution.text


def test_approved_minutes_cannot_be_edited_without_an_amendment(clerk, item, approved):
    with pytest.raises(ValidationError, match="approved, so they cannot be changed"):
        services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Rewritten.")
    assert ItemMinute.objects.get(agenda_item=item).discussion == (
        "Members asked about **waiting times**."
    )
    assert not MinutesAmendment.objects.exists()


def test_everything_the_minutes_record_is_locked_once_approved(
    clerk, meeting, item, resolution, committee_member, approved
):
    attempts = [
        lambda: services.resolution_update(
            by=clerk, resolution=resolution, label="a", text="Something else."
        ),
        lambda: services.resolution_create(by=clerk, agenda_item=item, label="z", text="New."),
        lambda: services_meetings.attendance_record(
            by=clerk,
            meeting=meeting,
            statuses={committee_member.pk: AttendanceStatus.ABSENT},
            substitutes={},
        ),
        lambda: services_meetings.other_attendee_add(
            by=clerk, meeting=meeting, name="A", job_title="B", organisation="C"
        ),
        lambda: services_meetings.question_add(
            by=clerk, meeting=meeting, asked_by="A", question="Q?"
        ),
        lambda: services_meetings.agenda_item_remove(
            by=clerk, item=AgendaItemFactory(meeting=meeting, number=8)
        ),
        lambda: services_meetings.minutes_circulate(by=clerk, meeting=meeting),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="approved"):
            attempt()
    resolution.refresh_from_db()
    assert resolution.text == "details of waiting times be shared with the Committee."
    assert not MemberAttendance.objects.filter(status=AttendanceStatus.ABSENT).exists()


def test_an_amendment_records_the_text_before_and_after_and_why(clerk, item, approved):
    amendment = services_meetings.minutes_amend(
        by=clerk,
        minutes=approved,
        kind=AmendmentKind.DISCUSSION,
        agenda_item=item,
        new_text="Members asked about waiting times and caseloads.",
        reason="Agreed at the meeting of 9 October 2025.",
    )
    assert amendment.previous_text == "Members asked about **waiting times**."
    assert ItemMinute.objects.get(agenda_item=item).discussion == amendment.new_text
    assert amendment.recorded_by == clerk
    assert minutes_document(item.meeting).amendments[0].reason == amendment.reason


def test_a_resolution_is_amended_only_through_an_amendment(clerk, resolution, approved):
    services_meetings.minutes_amend(
        by=clerk,
        minutes=approved,
        kind=AmendmentKind.RESOLUTION,
        resolution=resolution,
        new_text="details of waiting times be shared with all members.",
        reason="Typing error.",
    )
    resolution.refresh_from_db()
    assert resolution.text == "details of waiting times be shared with all members."


def test_an_amendment_needs_a_reason_and_a_change(clerk, item, approved):
    with pytest.raises(ValidationError) as error:
        services_meetings.minutes_amend(
            by=clerk,
            minutes=approved,
            kind=AmendmentKind.DISCUSSION,
            agenda_item=item,
            new_text="New text.",
            reason="  ",
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError, match="unchanged"):
        services_meetings.minutes_amend(
            by=clerk,
            minutes=approved,
            kind=AmendmentKind.DISCUSSION,
            agenda_item=item,
            new_text="Members asked about **waiting times**.",
            reason="No change.",
        )
    assert not MinutesAmendment.objects.exists()


def test_draft_minutes_are_changed_directly_not_amended(clerk, meeting, item):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Draft.")
    with pytest.raises(ValidationError, match="still a draft"):
        services_meetings.minutes_amend(
            by=clerk,
            minutes=Minutes.objects.get(meeting=meeting),
            kind=AmendmentKind.NOTE,
            new_text="Note.",
            reason="Why.",
        )


def test_an_amendment_cannot_reach_into_another_meetings_minutes(clerk, approved, other_meeting):
    elsewhere = ResolutionFactory(agenda_item=AgendaItemFactory(meeting=other_meeting))
    with pytest.raises(ValidationError, match="Choose a resolution of these minutes"):
        services_meetings.minutes_amend(
            by=clerk,
            minutes=approved,
            kind=AmendmentKind.RESOLUTION,
            resolution=elsewhere,
            new_text="Changed.",
            reason="Why.",
        )
    assert Resolution.objects.get(pk=elsewhere.pk).text == elsewhere.text


# Publishing -------------------------------------------------------------------------------------


def test_approved_minutes_are_published_as_a_tagged_pdf_without_exempt_items(
    clerk, meeting, item, exempt_item, present, approved
):
    published = services_meetings.minutes_publish(by=clerk, minutes=approved)
    pdf = published.public_pdf.read()
    info = pdf_info(pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"].endswith("12 June 2025: minutes")
    text = " ".join(pdf_text(pdf).split())
    assert "Domestic abuse services" in text
    assert "waiting times" in text and "RESOLVED" in text
    assert "Refuge contract prices" not in text
    assert "Item 2 was considered in private" in text
    exempt = " ".join(pdf_text(published.exempt_pdf.read()).split())
    assert "RESTRICTED" in exempt and "Refuge contract prices" in exempt
    assert "Domestic abuse services" not in exempt


def test_draft_minutes_are_not_published(clerk, meeting, item):
    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Draft.")
    with pytest.raises(ValidationError, match="Only approved minutes"):
        services_meetings.minutes_publish(by=clerk, minutes=Minutes.objects.get(meeting=meeting))


def test_publishing_again_after_an_amendment_replaces_the_pdf(
    clerk, item, approved, django_capture_on_commit_callbacks
):
    first = services_meetings.minutes_publish(by=clerk, minutes=approved)
    old_name = first.public_pdf.name
    services_meetings.minutes_amend(
        by=clerk,
        minutes=approved,
        kind=AmendmentKind.NOTE,
        new_text="Apologies were also received from a co-opted member.",
        reason="Agreed at the next meeting.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = services_meetings.minutes_publish(by=clerk, minutes=approved)
    assert again.public_pdf.name != old_name
    assert not first.public_pdf.storage.exists(old_name)
    text = " ".join(pdf_text(again.public_pdf.read(), layout=False).split())
    assert "Amendments made after approval" in text
    assert "Apologies were also received" in text and "Agreed at the next" in text


def test_the_minutes_document_lists_attendance_and_declarations(
    clerk, meeting, item, present, committee_member
):
    services_meetings.other_attendee_add(
        by=clerk,
        meeting=meeting,
        name="Jo Example",
        job_title="Service Manager",
        organisation="Harbour Lights",
    )
    declarations = AgendaItem.objects.create(
        meeting=meeting, number=5, kind=ItemKind.DECLARATIONS, title="Declarations of interest"
    )
    services_meetings.declaration_add(
        by=clerk,
        agenda_item=item,
        member=committee_member,
        kind=InterestKind.NON_REGISTRABLE,
        nature="A relative works for the provider.",
        left_room=True,
    )
    document = minutes_document(meeting, part=Part.PUBLIC)
    assert document.present == [committee_member.get_full_name() or committee_member.username]
    assert document.in_attendance == ["Jo Example, Service Manager, Harbour Lights"]
    by_number = {entry.number: entry for entry in document.items}
    assert by_number[declarations.number].declarations[0].left_room
    assert by_number[item.number].declarations[0].nature == "A relative works for the provider."


# Agenda packs -----------------------------------------------------------------------------------


def test_the_next_meetings_pack_carries_the_draft_minutes_and_no_covers_for_standard_items(
    clerk, meeting, next_meeting, item, exempt_item
):
    from scrutiny.reports.packs import agenda_pack_pdf

    services_meetings.item_minute_save(by=clerk, agenda_item=item, discussion="Caseloads.")
    services_meetings.item_minute_save(by=clerk, agenda_item=exempt_item, discussion="Prices.")
    approval = services_meetings.minutes_circulate(by=clerk, meeting=meeting)
    AgendaItem.objects.create(
        meeting=next_meeting, number=2, kind=ItemKind.APOLOGIES, title="Apologies for absence"
    )
    public = " ".join(pdf_text(agenda_pack_pdf(next_meeting, restricted=False).data).split())
    assert f"{approval.number} Minutes of the previous meeting" in public
    assert "Of the meeting held on 12 June 2025" in public
    assert "DRAFT" in public and "Caseloads." in public
    assert "Prices." not in public
    assert "Report of" not in public  # no report cover for a standard item
    restricted = agenda_pack_pdf(next_meeting, restricted=True).data
    assert "Prices." in " ".join(pdf_text(restricted).split())


def test_a_declaration_on_an_exempt_item_is_public_but_not_what_the_interest_is(
    clerk, meeting, item, exempt_item, present, committee_member
):
    AgendaItem.objects.create(
        meeting=meeting, number=5, kind=ItemKind.DECLARATIONS, title="Declarations of interest"
    )
    services_meetings.declaration_add(
        by=clerk,
        agenda_item=exempt_item,
        member=committee_member,
        kind=InterestKind.NON_REGISTRABLE,
        nature="A relative works for the refuge provider bidding.",
        left_room=True,
    )
    public = minutes_document(meeting, part=Part.PUBLIC)
    [line] = next(i for i in public.items if i.kind == ItemKind.DECLARATIONS).declarations
    assert (line.item_number, line.nature, line.left_room) == (exempt_item.number, "", True)
    exempt = minutes_document(meeting, part=Part.EXEMPT)
    assert exempt.items[0].declarations[0].nature.startswith("A relative")
