"""The retention run and legal holds: what is anonymised, what is skipped, what is audited."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from partnership.constants import AuditAction
from partnership.models import AuditEvent
from referrals.identity import demo_key
from referrals.models import Referral
from scrutiny.models import ActionUpdate, AgendaPack, ReportRun
from scrutiny.retention import selectors, services
from scrutiny.retention.constants import REMOVED_TEXT
from scrutiny.retention.models import Anonymisation, LegalHold
from tests.factories import AgendaPackFactory, MeetingFactory, ReportRunFactory

SIX_YEARS_AGO = date(2020, 6, 15)  # six years before TODAY in conftest


def hold(by, review_on=date(2027, 1, 1), **record):
    return services.legal_hold_place(by=by, reason="Domestic homicide review", **record,
                                     review_on=review_on)  # fmt: skip


# Referrals ----------------------------------------------------------------------------------


def test_a_referral_six_years_after_closing_becomes_a_statistical_row(closed_referral, today):
    referral = closed_referral(SIX_YEARS_AGO, address_key=demo_key("address", "1"))
    before = Referral.objects.values().get(pk=referral.pk)

    run = services.retention_run(today=today)

    after = Referral.objects.values().get(pk=referral.pk)
    assert run.referrals_anonymised == 1
    assert after["person_key"] not in ("", before["person_key"])
    assert after["referring_organisation_id"] is None
    assert after["address_key"] not in ("", before["address_key"])
    kept = {"received_at", "closed_at", "service_id", "area_id", "source", "risk_level", "status"}
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert Anonymisation.objects.filter(referral=referral, run=run).exists()


def test_a_referral_closed_a_day_less_than_six_years_ago_is_kept(closed_referral, today):
    referral = closed_referral(SIX_YEARS_AGO + timedelta(days=1))

    services.retention_run(today=today)

    referral.refresh_from_db()
    assert referral.person_key != ""


def test_open_referrals_are_never_anonymised(today, db):
    from tests.factories import ReferralFactory
    from tests.retention.conftest import at

    referral = ReferralFactory(received_at=at(date(2015, 1, 5)))

    services.retention_run(today=today)

    referral.refresh_from_db()
    assert referral.person_key != ""


def test_the_period_is_a_setting(closed_referral, today, settings):
    settings.RETENTION_YEARS = {**settings.RETENTION_YEARS, "referral": 8}
    referral = closed_referral(SIX_YEARS_AGO)

    services.retention_run(today=today)

    referral.refresh_from_db()
    assert referral.person_key != ""


def test_links_to_and_from_other_referrals_are_cleared_but_repeat_flags_stay(
    closed_referral, today
):
    first = closed_referral(SIX_YEARS_AGO - timedelta(days=90))
    later = closed_referral(date(2024, 1, 10), is_repeat=True, repeat_of=first)
    earlier_repeat = closed_referral(SIX_YEARS_AGO, is_repeat=True, repeat_of=first)

    services.retention_run(today=today)

    later.refresh_from_db()
    earlier_repeat.refresh_from_db()
    assert later.repeat_of is None and later.is_repeat
    assert earlier_repeat.repeat_of is None and earlier_repeat.is_repeat
    assert later.person_key != ""


def test_a_household_in_one_quarter_keeps_one_shared_token(closed_referral, today):
    home, other = demo_key("address", "home"), demo_key("address", "other")
    received = date(2020, 4, 10)  # 2020/21 Q1
    same = [closed_referral(SIX_YEARS_AGO, received_on=received, address_key=home) for _ in "ab"]
    elsewhere = closed_referral(SIX_YEARS_AGO, received_on=received, address_key=other)

    services.retention_run(today=today)

    keys = [Referral.objects.get(pk=r.pk).address_key for r in [*same, elsewhere]]
    assert keys[0] == keys[1] != keys[2]
    assert home not in keys and other not in keys


def test_a_household_waits_until_all_its_referrals_that_quarter_are_due(closed_referral, today):
    home = demo_key("address", "home")
    received = date(2020, 4, 10)
    due = closed_referral(SIX_YEARS_AGO, received_on=received, address_key=home)
    still_open = closed_referral(date(2023, 5, 1), received_on=received, address_key=home)

    run = services.retention_run(today=today)

    assert run.referrals_anonymised == 0
    due.refresh_from_db()
    assert due.address_key == home
    assert still_open.address_key == home
    # It is still listed as due on the retention page.
    assert due in selectors.referrals_due(today)


def test_a_persons_referrals_in_one_quarter_share_one_token_across_households(
    closed_referral, today
):
    person, other = demo_key("person", "child"), demo_key("person", "other")
    received = date(2020, 4, 10)  # 2020/21 Q1
    # The same child at two addresses and at none: one person, three households.
    same = [
        closed_referral(SIX_YEARS_AGO, received_on=received, person_key=person, address_key=key)
        for key in (demo_key("address", "1"), demo_key("address", "2"), "")
    ]
    earlier = closed_referral(SIX_YEARS_AGO, received_on=date(2020, 3, 10), person_key=person)
    elsewhere = closed_referral(SIX_YEARS_AGO, received_on=received, person_key=other)

    services.retention_run(today=today)

    keys = [Referral.objects.get(pk=r.pk).person_key for r in [*same, earlier, elsewhere]]
    assert keys[0] == keys[1] == keys[2]
    assert len({keys[0], keys[3], keys[4]}) == 3  # another quarter, another person
    assert person not in keys and other not in keys and "" not in keys


def test_a_person_waits_until_all_their_referrals_that_quarter_are_due(closed_referral, today):
    person = demo_key("person", "child")
    received = date(2020, 4, 10)
    due = closed_referral(SIX_YEARS_AGO, received_on=received, person_key=person)
    closed_referral(date(2023, 5, 1), received_on=received, person_key=person)

    run = services.retention_run(today=today)

    assert run.referrals_anonymised == 0
    due.refresh_from_db()
    assert due.person_key == person
    assert due in selectors.referrals_due(today)


def test_a_quarter_is_never_split_through_a_chain_of_households_and_people(closed_referral, today):
    """r1 (address A, person P) and r2 (address A, person Q) are due; r3 (address B, person Q)
    is not. r2 waits for Q's quarter, so r1 waits too: A's quarter stays whole."""
    home, other = demo_key("address", "A"), demo_key("address", "B")
    p, q = demo_key("person", "P"), demo_key("person", "Q")
    received = date(2020, 4, 10)
    r1 = closed_referral(SIX_YEARS_AGO, received_on=received, address_key=home, person_key=p)
    r2 = closed_referral(SIX_YEARS_AGO, received_on=received, address_key=home, person_key=q)
    closed_referral(date(2023, 5, 1), received_on=received, address_key=other, person_key=q)

    run = services.retention_run(today=today)

    assert run.referrals_anonymised == 0
    assert {Referral.objects.get(pk=r.pk).address_key for r in (r1, r2)} == {home}


def test_a_second_run_does_nothing_twice(closed_referral, today):
    closed_referral(SIX_YEARS_AGO)
    services.retention_run(today=today)

    second = services.retention_run(today=today)

    assert second.referrals_anonymised == 0
    assert Anonymisation.objects.count() == 1


def test_each_batch_of_anonymised_referrals_is_audited_by_reference(closed_referral, today):
    referral = closed_referral(SIX_YEARS_AGO)

    run = services.retention_run(today=today)

    event = AuditEvent.objects.get(detail__retention="anonymised")
    assert event.action == AuditAction.UPDATE
    assert event.detail["references"] == [referral.reference]
    assert event.detail["run"] == run.pk


# Legal holds ----------------------------------------------------------------------------------


def test_a_held_referral_is_skipped_and_counted(closed_referral, today, performance_lead):
    referral = closed_referral(SIX_YEARS_AGO)
    hold(performance_lead, referral=referral)

    run = services.retention_run(today=today)

    referral.refresh_from_db()
    assert referral.person_key != ""
    assert run.referrals_anonymised == 0
    assert run.held == 1


def test_a_released_hold_lets_the_next_run_anonymise(closed_referral, today, admin_user):
    referral = closed_referral(SIX_YEARS_AGO)
    placed = hold(admin_user, referral=referral)

    services.legal_hold_release(by=admin_user, hold=placed, note="Review finished.")
    services.retention_run(today=today)

    assert Anonymisation.objects.filter(referral=referral).exists()


def test_a_hold_on_one_referral_keeps_its_household_quarter(
    closed_referral, today, performance_lead
):
    home = demo_key("address", "home")
    received = date(2020, 4, 10)
    held = closed_referral(SIX_YEARS_AGO, received_on=received, address_key=home)
    sibling = closed_referral(SIX_YEARS_AGO, received_on=received, address_key=home)
    hold(performance_lead, referral=held)

    services.retention_run(today=today)

    sibling.refresh_from_db()
    assert sibling.address_key == home


def test_placing_and_releasing_a_hold_are_audited_without_the_reason(
    closed_referral, performance_lead
):
    referral = closed_referral(SIX_YEARS_AGO)

    placed = hold(performance_lead, referral=referral)
    services.legal_hold_release(by=performance_lead, hold=placed, note="Done.")

    events = AuditEvent.objects.filter(object_type="retention.LegalHold").order_by("pk")
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert events[0].detail == {
        "record": referral.reference,
        "kind": "referral",
        "review_on": "2027-01-01",
    }
    assert "homicide" not in str([e.detail for e in events])


@pytest.mark.parametrize("user", ["officer", "commissioner", "clerk", "committee_member"])
def test_only_performance_leads_and_admins_place_holds(request, closed_referral, user):
    referral = closed_referral(SIX_YEARS_AGO)

    with pytest.raises(PermissionDenied):
        hold(request.getfixturevalue(user), referral=referral)

    assert not LegalHold.objects.exists()


def test_a_hold_needs_a_future_review_date(closed_referral, performance_lead):
    with pytest.raises(ValidationError) as error:
        hold(performance_lead, referral=closed_referral(SIX_YEARS_AGO), review_on=date(2020, 1, 1))

    assert "review_on" in error.value.message_dict


def test_an_anonymised_referral_cannot_be_held(closed_referral, today, performance_lead):
    referral = closed_referral(SIX_YEARS_AGO)
    services.retention_run(today=today)

    with pytest.raises(ValidationError):
        hold(performance_lead, referral=referral)


def test_a_hold_cannot_be_released_twice(closed_referral, performance_lead):
    placed = hold(performance_lead, referral=closed_referral(SIX_YEARS_AGO))
    services.legal_hold_release(by=performance_lead, hold=placed, note="Done.")

    with pytest.raises(ValidationError):
        services.legal_hold_release(by=performance_lead, hold=placed, note="Again.")


# Actions, report runs and agenda packs --------------------------------------------------------


def test_an_actions_evidence_and_notes_go_six_years_after_it_closes(
    closed_action, today, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    action = closed_action(SIX_YEARS_AGO)
    action.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4 evidence"))
    stored = action.evidence_file.name
    ActionUpdate.objects.create(action=action, author=action.owner, text="Called Ms X at home.")

    with django_capture_on_commit_callbacks(execute=True):
        run = services.retention_run(today=today)

    action.refresh_from_db()
    assert run.actions_cleared == 1 and run.files_deleted == 1
    assert not default_storage.exists(stored)
    assert action.evidence_file.name == "" and action.evidence_url == ""
    assert action.closure_note == REMOVED_TEXT
    assert list(action.updates.values_list("text", flat=True)) == [REMOVED_TEXT]
    assert action.description and action.status == "not_feasible"


def test_a_held_action_keeps_its_evidence(closed_action, today, performance_lead):
    action = closed_action(SIX_YEARS_AGO)
    hold(performance_lead, action=action)

    services.retention_run(today=today)

    action.refresh_from_db()
    assert action.closure_note.startswith("The owner")


def test_open_actions_are_kept_however_old(today, db):
    from tests.factories import ActionFactory

    action = ActionFactory(closure_note="", description="Old but open")

    services.retention_run(today=today)

    assert not Anonymisation.objects.filter(action=action).exists()


def test_old_report_runs_and_agenda_packs_are_deleted_with_their_pdfs(
    today, db, django_capture_on_commit_callbacks
):
    old_run = ReportRunFactory(ready=True)
    ReportRun.objects.filter(pk=old_run.pk).update(created_at=old_run.created_at.replace(2019))
    new_run = ReportRunFactory(ready=True)
    old_pack = AgendaPackFactory(ready=True, meeting=MeetingFactory(date=date(2020, 3, 1)))
    stored = [old_run.pdf.name, old_pack.pdf.name]

    with django_capture_on_commit_callbacks(execute=True):
        run = services.retention_run(today=today)

    assert (run.report_runs_deleted, run.agenda_packs_deleted, run.files_deleted) == (1, 1, 2)
    assert list(ReportRun.objects.all()) == [new_run]
    assert not AgendaPack.objects.exists()
    assert not any(default_storage.exists(name) for name in stored)
    assert AuditEvent.objects.filter(detail__retention="deleted").count() == 2


def test_the_task_runs_the_schedule(closed_referral):
    from scrutiny.retention.tasks import run_retention

    closed_referral(date(2001, 1, 1))

    run_retention.delay()

    assert Anonymisation.objects.filter(referral=Referral.objects.get()).exists()


def test_the_command_runs_the_schedule_and_says_what_it_did(closed_referral):
    from io import StringIO

    from django.core.management import call_command

    closed_referral(date(2001, 1, 1))
    output = StringIO()

    call_command("retention_run", stdout=output)

    assert "1 referrals anonymised" in output.getvalue()
    assert Anonymisation.objects.filter(referral=Referral.objects.get()).exists()
