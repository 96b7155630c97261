from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partnership.constants import AuditAction
from partnership.models import AuditEvent
from scrutiny import services
from scrutiny.constants import ActionStatus, MeetingStatus, Purpose
from scrutiny.models import Action, ActionUpdate, AgendaDocument, AgendaItem, Committee
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AreaFactory,
    MeetingFactory,
    ResolutionFactory,
)

from .conftest import TODAY

ITEM_FIELDS = {
    "title": "Domestic abuse: a new approach",
    "report_of": "Portfolio Holder for Communities",
    "all_wards": True,
    "purpose": Purpose.NOTING,
    "recommendation": "That the Committee note the report.",
    "summary": "The council has reviewed its approach.",
    "body": "",
    "contact_name": "Alex Example",
    "contact_title": "Head of Community Safety",
    "contact_email": "alex@example.org",
    "contact_telephone": "",
    "exempt": False,
    "exempt_paragraph": None,
}


def audit_actions(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).values_list(
            "action", flat=True
        )
    )


# Committees and meetings


def test_committee_create_writes_an_audit_row(clerk):
    committee = services.committee_create(
        by=clerk, name="Health Scrutiny", description="", clerk=clerk
    )
    assert not committee.members.exists()  # members join with dates: services_meetings
    assert audit_actions(committee) == [AuditAction.CREATE]


def test_a_committee_member_cannot_create_a_committee(committee_member, clerk):
    with pytest.raises(PermissionDenied):
        services.committee_create(by=committee_member, name="X", description="", clerk=clerk)
    assert not Committee.objects.exists()


def test_a_committee_clerk_must_hold_the_clerk_role(clerk, officer):
    with pytest.raises(ValidationError) as error:
        services.committee_create(by=clerk, name="X", description="", clerk=officer)
    assert "clerk role" in str(error.value)
    assert not Committee.objects.exists()


def test_committee_update_records_which_fields_changed(clerk, committee, committee_member):
    services.committee_update(
        by=clerk,
        committee=committee,
        name="Renamed Committee",
        description=committee.description,
        clerk=clerk,
    )
    committee.refresh_from_db()
    assert committee.name == "Renamed Committee"
    assert list(committee.members.all()) == [committee_member]
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.detail == {"changed": ["name"]}


def test_meeting_create_starts_as_a_draft(clerk, committee):
    meeting = services.meeting_create(
        by=clerk, committee=committee, date=date(2025, 11, 20), start_time=time(10), venue="Hall"
    )
    assert meeting.status == MeetingStatus.DRAFT
    assert audit_actions(meeting) == [AuditAction.CREATE]


# Agenda items


def test_agenda_items_are_numbered_in_the_order_they_are_added(clerk, meeting):
    first = services.agenda_item_create(by=clerk, meeting=meeting, **ITEM_FIELDS)
    second = services.agenda_item_create(by=clerk, meeting=meeting, **ITEM_FIELDS)
    assert (first.number, second.number) == (1, 2)


def test_an_item_for_some_areas_must_name_them(clerk, meeting):
    fields = ITEM_FIELDS | {"all_wards": False}
    with pytest.raises(ValidationError, match="Choose the areas affected"):
        services.agenda_item_create(by=clerk, meeting=meeting, wards=[], **fields)
    assert not AgendaItem.objects.exists()


def test_an_item_for_some_areas_keeps_them(clerk, meeting):
    area = AreaFactory(name="Northvale")
    item = services.agenda_item_create(
        by=clerk, meeting=meeting, wards=[area], **ITEM_FIELDS | {"all_wards": False}
    )
    assert list(item.wards.all()) == [area]


def test_an_exempt_item_must_give_its_schedule_12a_paragraph(clerk, meeting):
    with pytest.raises(ValidationError, match="paragraph of Schedule 12A"):
        services.agenda_item_create(by=clerk, meeting=meeting, **ITEM_FIELDS | {"exempt": True})


def test_a_public_item_cannot_have_a_schedule_12a_paragraph(clerk, meeting):
    with pytest.raises(ValidationError, match="Only an exempt item"):
        services.agenda_item_create(
            by=clerk, meeting=meeting, **ITEM_FIELDS | {"exempt_paragraph": 3}
        )


def test_moving_an_item_up_swaps_it_with_the_one_above(clerk, meeting):
    first, second, third = (AgendaItemFactory(meeting=meeting, number=n) for n in (1, 2, 3))
    assert services.agenda_item_move(by=clerk, item=third, direction="up")
    numbers = dict(AgendaItem.objects.values_list("pk", "number"))
    assert numbers == {first.pk: 1, second.pk: 3, third.pk: 2}


def test_moving_an_item_down_swaps_it_with_the_one_below(clerk, meeting):
    first, second = (AgendaItemFactory(meeting=meeting, number=n) for n in (1, 2))
    assert services.agenda_item_move(by=clerk, item=first, direction="down")
    assert dict(AgendaItem.objects.values_list("pk", "number")) == {first.pk: 2, second.pk: 1}


def test_moving_the_first_item_up_changes_nothing(clerk, meeting):
    first = AgendaItemFactory(meeting=meeting, number=1)
    AgendaItemFactory(meeting=meeting, number=2)
    assert not services.agenda_item_move(by=clerk, item=first, direction="up")
    first.refresh_from_db()
    assert first.number == 1


def test_moving_skips_gaps_in_the_numbering(clerk, meeting):
    first = AgendaItemFactory(meeting=meeting, number=1)
    fifth = AgendaItemFactory(meeting=meeting, number=5)
    services.agenda_item_move(by=clerk, item=fifth, direction="up")
    assert dict(AgendaItem.objects.values_list("pk", "number")) == {first.pk: 5, fifth.pk: 1}


def test_a_pdf_document_is_stored_under_a_random_name(clerk, item, pdf_bytes):
    document = services.agenda_document_add(
        by=clerk,
        item=item,
        title="Appendix A",
        file=SimpleUploadedFile("My Appendix.pdf", pdf_bytes),
    )
    assert document.original_name == "My Appendix.pdf"
    assert document.file.name.startswith("scrutiny/agenda/")
    assert "Appendix" not in document.file.name
    assert document.file.read().startswith(b"%PDF-")


def test_a_document_that_is_not_a_pdf_is_rejected_and_nothing_is_stored(clerk, item):
    with pytest.raises(ValidationError, match="not a PDF"):
        services.agenda_document_add(
            by=clerk, item=item, title="Appendix", file=SimpleUploadedFile("a.pdf", b"MZ...")
        )
    assert not AgendaDocument.objects.exists()


def test_deleting_a_document_removes_its_file(
    clerk, item, pdf_bytes, django_capture_on_commit_callbacks
):
    document = services.agenda_document_add(
        by=clerk, item=item, title="Appendix", file=SimpleUploadedFile("a.pdf", pdf_bytes)
    )
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_document_delete(by=clerk, document=document)
    assert not AgendaDocument.objects.exists()
    assert not storage.exists(name)


# Resolutions


def test_the_next_resolution_label_follows_letters_or_numbers(item):
    assert services.next_resolution_label(item) == "a"
    ResolutionFactory(agenda_item=item, label="c", position=3)
    assert services.next_resolution_label(item) == "d"
    numbered = AgendaItemFactory(meeting=item.meeting, number=9)
    ResolutionFactory(agenda_item=numbered, label="9", position=1)
    assert services.next_resolution_label(numbered) == "10"


def test_two_resolutions_of_an_item_cannot_share_a_label(clerk, item):
    services.resolution_create(by=clerk, agenda_item=item, label="a", text="First.")
    with pytest.raises(ValidationError, match="already has a resolution with this label"):
        services.resolution_create(by=clerk, agenda_item=item, label="a", text="Second.")


def test_a_resolution_label_is_a_letter_or_a_number(clerk, item):
    with pytest.raises(ValidationError, match="one lower-case letter"):
        services.resolution_create(by=clerk, agenda_item=item, label="A)", text="Text.")


# Actions


def test_an_action_reference_is_the_meeting_year_and_a_sequence(clerk, resolution, officer):
    first = services.action_create(
        by=clerk,
        resolution=resolution,
        description="Share waiting times.",
        owner=officer,
        due_date=date(2025, 9, 1),
    )
    second = services.action_create(
        by=clerk,
        resolution=resolution,
        description="Share the analysis.",
        owner=officer,
        due_date=date(2025, 9, 1),
    )
    assert (first.reference, second.reference) == ("A-2025-001", "A-2025-002")
    assert first.owner_organisation == officer.organisation
    assert first.status == ActionStatus.OPEN
    assert audit_actions(first) == [AuditAction.CREATE]


def test_action_sequences_start_again_each_year(clerk, officer, committee):
    ActionFactory(year=2025, sequence=14, reference="A-2025-014")
    next_year = ResolutionFactory(
        agenda_item__meeting=MeetingFactory(committee=committee, date=date(2026, 1, 15))
    )
    action = services.action_create(
        by=clerk, resolution=next_year, description="X.", owner=officer, due_date=date(2026, 3, 1)
    )
    assert action.reference == "A-2026-001"


def test_an_action_due_before_the_meeting_is_rejected_and_not_saved(clerk, resolution, officer):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            by=clerk,
            resolution=resolution,
            description="Share waiting times.",
            owner=officer,
            due_date=date(2025, 6, 1),
        )
    assert error.value.message_dict["due_date"] == [
        "The due date must be after the meeting on 12 June 2025."
    ]
    assert not Action.objects.exists()


def test_only_clerks_raise_actions(commissioner, resolution, officer):
    with pytest.raises(PermissionDenied):
        services.action_create(
            by=commissioner,
            resolution=resolution,
            description="X.",
            owner=officer,
            due_date=date(2025, 9, 1),
        )


def test_action_edit_moves_the_owner_and_their_organisation(clerk, action, other_agency_officer):
    services.action_edit(
        by=clerk,
        action=action,
        description=action.description,
        owner=other_agency_officer,
        due_date=action.due_date,
    )
    action.refresh_from_db()
    assert action.owner == other_agency_officer
    assert action.owner_organisation == other_agency_officer.organisation


def test_the_owner_adds_an_update_and_sets_the_action_in_progress(officer, action):
    update = services.action_update_add(
        by=officer, action=action, text="Data requested.", status=ActionStatus.IN_PROGRESS
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert update.author == officer
    assert list(action.updates.all()) == [update]


def test_a_clerk_may_add_an_update_for_the_owner(clerk, action):
    services.action_update_add(by=clerk, action=action, text="Chased.", status=ActionStatus.OPEN)
    assert action.updates.count() == 1


def test_someone_else_cannot_add_an_update(commissioner, action):
    with pytest.raises(PermissionDenied):
        services.action_update_add(
            by=commissioner, action=action, text="X", status=ActionStatus.OPEN
        )
    assert not ActionUpdate.objects.exists()


def test_an_update_cannot_close_an_action(officer, action):
    with pytest.raises(ValidationError, match="open or in progress"):
        services.action_update_add(
            by=officer, action=action, text="Done", status=ActionStatus.COMPLETE
        )
    assert not ActionUpdate.objects.exists()


def test_completing_without_evidence_is_rejected_and_changes_nothing(officer, action):
    with pytest.raises(ValidationError) as error:
        services.action_complete(by=officer, action=action, today=TODAY)
    assert "Add evidence to complete the action" in error.value.message_dict["evidence_file"][0]
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert action.closed_on is None
    assert not ActionUpdate.objects.exists()


def test_completing_with_a_link_to_a_page_on_this_site(officer, action):
    services.action_complete(
        by=officer, action=action, today=TODAY, evidence_url="/scrutiny/items/3/", note="Sent."
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETE
    assert action.closed_on == TODAY
    assert action.updates.get().text == "Completed. Sent."


def test_completing_with_an_evidence_file(officer, action):
    evidence = SimpleUploadedFile("waiting times.csv", b"Programme,Weeks\nGroup,9\n")
    services.action_complete(by=officer, action=action, today=TODAY, evidence_file=evidence)
    action.refresh_from_db()
    assert action.evidence_name == "waiting times.csv"
    assert action.evidence_file.name.startswith("scrutiny/evidence/")


@pytest.mark.parametrize(
    "url",
    ["http://example.org/report", "javascript:alert(1)", "//evil.example/x", "ftp://x/y"],
)
def test_evidence_links_must_be_this_site_or_https(officer, action, url):
    with pytest.raises(ValidationError, match="starting with https://"):
        services.action_complete(by=officer, action=action, today=TODAY, evidence_url=url)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_a_closed_action_cannot_be_completed_again(officer, action):
    services.action_complete(by=officer, action=action, today=TODAY, evidence_url="/x/")
    with pytest.raises(ValidationError, match="already closed"):
        services.action_complete(by=officer, action=action, today=TODAY, evidence_url="/y/")
    with pytest.raises(ValidationError, match="already closed"):
        services.action_update_add(by=officer, action=action, text="More.", status="open")


def test_not_feasible_needs_a_reason(clerk, action):
    with pytest.raises(ValidationError, match="reason the action is not feasible"):
        services.action_close(
            by=clerk, action=action, today=TODAY, status=ActionStatus.NOT_FEASIBLE, note=" "
        )
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_not_feasible_with_a_reason_closes_the_action(clerk, action):
    services.action_close(
        by=clerk,
        action=action,
        today=TODAY,
        status=ActionStatus.NOT_FEASIBLE,
        note="Partners' staff cannot be required to train.",
    )
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (ActionStatus.NOT_FEASIBLE, TODAY)


def test_superseded_needs_a_note_or_the_replacing_action(clerk, action, resolution):
    with pytest.raises(ValidationError, match="Say what superseded the action"):
        services.action_close(
            by=clerk, action=action, today=TODAY, status=ActionStatus.SUPERSEDED, note=""
        )
    replacement = ActionFactory(resolution=resolution)
    services.action_close(
        by=clerk,
        action=action,
        today=TODAY,
        status=ActionStatus.SUPERSEDED,
        note="",
        superseded_by=replacement,
    )
    action.refresh_from_db()
    assert action.superseded_by == replacement


def test_an_action_cannot_supersede_itself(clerk, action):
    with pytest.raises(ValidationError, match="cannot supersede itself"):
        services.action_close(
            by=clerk,
            action=action,
            today=TODAY,
            status=ActionStatus.SUPERSEDED,
            note="",
            superseded_by=action,
        )


def test_only_clerks_close_actions_without_completing_them(officer, action):
    with pytest.raises(PermissionDenied):
        services.action_close(
            by=officer, action=action, today=TODAY, status=ActionStatus.NOT_FEASIBLE, note="No."
        )


def test_a_due_date_can_be_moved_but_not_to_before_the_meeting(clerk, action):
    services.action_edit(
        by=clerk,
        action=action,
        description=action.description,
        owner=action.owner,
        due_date=TODAY + timedelta(days=30),
    )
    with pytest.raises(ValidationError, match="after the meeting"):
        services.action_edit(
            by=clerk,
            action=action,
            description=action.description,
            owner=action.owner,
            due_date=date(2025, 1, 1),
        )
    action.refresh_from_db()
    assert action.due_date == TODAY + timedelta(days=30)


# Recorded reads and exports -----------------------------------------------------------------


def test_downloading_an_exempt_document_is_audited_and_a_public_one_is_not(
    clerk, committee_member, item, exempt_item, pdf_bytes
):
    public, exempt = (
        services.agenda_document_add(
            by=clerk, item=where, title="Paper", file=SimpleUploadedFile("p.pdf", pdf_bytes)
        )
        for where in (item, exempt_item)
    )
    services.agenda_document_record_download(by=committee_member, document=public)
    services.agenda_document_record_download(by=committee_member, document=exempt)
    views = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert [(e.object_id, e.user) for e in views] == [(str(exempt.pk), committee_member)]


def test_a_tracker_export_is_audited_with_its_rows_and_filters(clerk):
    services.actions_record_export(by=clerk, rows=3, filters=["rag", "committee"])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.object_type, event.user) == ("scrutiny.Action", clerk)
    assert event.detail == {"rows": 3, "filters": ["committee", "rag"]}


def test_exact_dashboard_figures_are_audited_with_the_quarter_and_service(performance_lead):
    services.dashboard_record_exact_view(
        by=performance_lead, quarter_label="2024/25 Q4", service_id=7
    )
    event = AuditEvent.objects.get(object_type="scrutiny.Dashboard")
    assert (event.action, event.object_id) == (AuditAction.VIEW, "2024/25 Q4")
    assert event.detail == {"exact": True, "service_id": 7}
