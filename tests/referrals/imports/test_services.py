"""The import journey through its services: check, confirm, apply; re-importing; corrections;
all or nothing; who may import; the file deleted once applied; every step audited."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from partnership.models import AuditEvent
from referrals.constants import Status
from referrals.imports import applying, runs, services
from referrals.imports.models import ImportedCase, ReturnImport
from referrals.models import Referral, ReferralOutcome, ReferralStatusChange, ReferralSummary
from referrals.services import next_actions
from referrals.tasks import discard_unconfirmed_imports
from scrutiny.retention.services import retention_run

from .conftest import csv_bytes, moment

pytestmark = pytest.mark.django_db


def _snapshot():
    """Everything an import writes, to compare before and after."""
    return (
        list(Referral.objects.order_by("pk").values()),
        list(
            ReferralStatusChange.objects.order_by("pk").values(
                "referral", "from_status", "to_status", "at"
            )
        ),
        list(ReferralOutcome.objects.order_by("pk").values("referral", "outcome")),
        list(ReferralSummary.objects.order_by("pk").values()),
        list(ImportedCase.objects.order_by("pk").values()),
    )


def test_a_return_is_checked_then_applied_with_its_history(
    performance_lead, service, row, received, upload, confirm
):
    closed = row(
        case_id="C-2",
        support_started=moment(received + timedelta(days=1)),
        closed=moment(received + timedelta(days=5)),
        closure_reason="Support completed",
        outcomes="Feels safer; risk_reduced",
    )
    run = upload(performance_lead, service, csv_bytes([row(), closed]))

    assert list(run.problems.values_list("message", flat=True)) == []
    assert run.is_checked
    assert (run.rows_total, run.created, run.updated, run.unchanged, run.rejected) == (
        2,
        2,
        0,
        0,
        0,
    )
    assert not Referral.objects.exists()  # nothing is written by the check

    run = confirm(run, performance_lead)

    assert run.is_applied and run.outcome == "Applied"
    first, second = Referral.objects.order_by("pk")
    assert first.status == Status.CONTACTED and first.logged_by is None
    assert first.contacted_within_sla and first.oversight_within_sla
    assert second.status == Status.CLOSED
    assert second.is_repeat and second.repeat_of == first  # the same person, earlier in the file
    assert second.is_repeat_address
    assert list(second.history.values_list("from_status", "to_status")) == [
        ("received", "contacted"),
        ("contacted", "in_support"),
        ("in_support", "closed"),
    ]
    assert set(second.outcomes.values_list("outcome", flat=True)) == {"feels_safer", "risk_reduced"}
    assert second.imported_case.created_by_import == run
    assert ReferralSummary.objects.filter(dimension="all").get().referrals == 2


def test_the_same_file_imported_twice_changes_nothing_the_second_time(
    performance_lead, service, row, received, upload, confirm
):
    content = csv_bytes(
        [
            row(),
            row(case_id="C-2", closed=moment(received + timedelta(days=2)), closure_reason="Other"),
        ]
    )
    confirm(upload(performance_lead, service, content), performance_lead)
    before = _snapshot()
    referral_audits = AuditEvent.objects.filter(object_type="referrals.Referral").count()

    again = upload(performance_lead, service, content, name="same-again.csv")
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    again = confirm(again, performance_lead)

    assert again.outcome == "Applied: nothing to change"
    assert _snapshot() == before
    assert AuditEvent.objects.filter(object_type="referrals.Referral").count() == referral_audits


def test_a_corrected_file_updates_the_referrals_it_made_and_never_duplicates_them(
    performance_lead, service, row, received, upload, confirm
):
    confirm(
        upload(performance_lead, service, csv_bytes([row(), row(case_id="C-2")])), performance_lead
    )
    first = Referral.objects.get(
        imported_case__case_key__isnull=False,
        risk_level="high",
        pk=Referral.objects.order_by("pk").first().pk,
    )
    corrected = csv_bytes(
        [
            row(
                risk_level="Medium",
                closed=moment(received + timedelta(days=3)),
                closure_reason="Other",
                outcomes="Feels safer",
            ),
            row(case_id="C-2"),
            row(case_id="C-3"),
        ]
    )
    run = upload(performance_lead, service, corrected, name="corrected.csv")
    assert (run.created, run.updated, run.unchanged) == (1, 1, 1)
    run = confirm(run, performance_lead)

    assert Referral.objects.count() == 3
    first.refresh_from_db()
    assert first.risk_level == "medium" and first.status == Status.CLOSED
    assert list(first.outcomes.values_list("outcome", flat=True)) == ["feels_safer"]
    assert first.history.count() == 2
    assert first.imported_case.updated_by_import == run
    assert first.reference.startswith("R-")  # its reference stays

    # Undoing the correction takes the closure and its outcome away again.
    run = confirm(
        upload(performance_lead, service, csv_bytes([row()]), name="undo.csv"), performance_lead
    )
    first.refresh_from_db()
    assert first.status == Status.CONTACTED and first.closed_at is None
    assert not first.outcomes.exists() and first.history.count() == 1


def test_a_file_with_rejected_rows_is_applied_only_when_they_are_left_out(
    performance_lead, service, row, upload, confirm
):
    run = upload(
        performance_lead, service, csv_bytes([row(), row(case_id="C-2", risk_level="Very high")])
    )
    assert (run.created, run.rejected) == (1, 1)
    problem = run.problems.get()
    assert (problem.row_number, problem.column) == (3, "Risk level")

    with pytest.raises(ValidationError):
        confirm(run, performance_lead, leave_out=False)
    assert not Referral.objects.exists()

    run = confirm(run, performance_lead, leave_out=True)
    assert run.outcome == "Applied, 1 rejected row left out"
    assert Referral.objects.count() == 1


def test_a_failure_mid_apply_leaves_nothing_written(
    performance_lead, service, row, upload, confirm, monkeypatch
):
    rows = [row(case_id=f"C-{n}") for n in range(5)]
    run = upload(performance_lead, service, csv_bytes(rows))
    before = _snapshot()
    monkeypatch.setattr(runs, "WRITE_BATCH", 2)
    written = []
    real_write = applying.ReturnWriter.write

    def write_then_fail(self, batch):
        real_write(self, batch)
        written.extend(batch)
        if len(written) >= 4:  # two batches are in the database: now a row fails
            assert Referral.objects.count() == 4
            raise RuntimeError("a row fails on purpose")

    monkeypatch.setattr(applying.ReturnWriter, "write", write_then_fail)

    run = confirm(run, performance_lead)

    assert run.is_failed and run.phase == "apply"
    assert "nothing was written" in run.error
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(object_type="referrals.Referral").exists()
    assert default_storage.exists(run.file.name)  # kept, so it can be checked again


def test_the_file_is_deleted_once_applied(performance_lead, service, row, upload, confirm):
    run = upload(performance_lead, service, csv_bytes([row()]))
    stored = run.file.name
    assert default_storage.exists(stored)

    run = confirm(run, performance_lead)

    assert not run.file and not default_storage.exists(stored)
    assert run.sha256 and run.file_name == "return.csv"


def test_figures_changed_since_the_check_stop_the_apply(
    performance_lead, service, row, upload, confirm
):
    first = upload(performance_lead, service, csv_bytes([row()]), name="one.csv")
    second = upload(performance_lead, service, csv_bytes([row()]), name="two.csv")
    confirm(first, performance_lead)

    second = confirm(second, performance_lead)

    assert second.is_failed and "Check it again" in second.error
    assert Referral.objects.count() == 1


def test_each_step_of_an_import_is_audited(performance_lead, service, row, upload, confirm):
    run = confirm(upload(performance_lead, service, csv_bytes([row()])), performance_lead)

    statuses = [
        event.detail.get("status")
        for event in AuditEvent.objects.filter(
            object_type="referrals.ReturnImport", object_id=str(run.pk)
        ).order_by("pk")
    ]
    assert statuses == [None, "checked", "confirmed", "applied"]
    referral = Referral.objects.get()
    created = AuditEvent.objects.get(object_type="referrals.Referral", object_id=str(referral.pk))
    assert created.user == performance_lead and created.detail["import"] == run.pk


def test_officers_import_only_for_their_own_organisations_services(
    officer, other_agency_officer, service, row, upload
):
    run = upload(officer, service, csv_bytes([row()]))
    assert run.is_checked

    with pytest.raises(PermissionDenied):
        upload(other_agency_officer, service, csv_bytes([row()]))


@pytest.mark.parametrize("user_fixture", ["committee_member", "clerk", "commissioner"])
def test_committee_members_clerks_and_commissioners_cannot_import(
    request, user_fixture, service, row, upload
):
    with pytest.raises(PermissionDenied):
        upload(request.getfixturevalue(user_fixture), service, csv_bytes([row()]))
    assert not ReturnImport.objects.exists()


def test_an_unreadable_file_fails_its_check_and_is_deleted(performance_lead, service, upload):
    run = upload(performance_lead, service, b"Name,Date of birth\nSomeone,1980-01-01\n")

    assert run.is_failed and "no column for Case ID" in run.error
    assert not run.file


def test_a_discarded_import_deletes_its_file_and_cannot_be_confirmed(
    performance_lead, service, row, upload, confirm, django_capture_on_commit_callbacks
):
    run = upload(performance_lead, service, csv_bytes([row()]))
    stored = run.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.return_import_discard(by=performance_lead, return_import=run)
    run.refresh_from_db()

    assert run.outcome == "Discarded" and not default_storage.exists(stored)
    with pytest.raises(ValidationError):
        confirm(run, performance_lead)


def test_an_imported_referral_offers_no_steps_on_its_page(
    performance_lead, service, row, upload, confirm
):
    confirm(upload(performance_lead, service, csv_bytes([row()])), performance_lead)

    assert next_actions(Referral.objects.get()) == []


def test_retention_clears_the_hashed_case_id_of_an_anonymised_referral(
    performance_lead, service, row, upload, confirm
):
    long_ago = timezone.make_aware(datetime(2012, 5, 2, 10, 0))
    old = row(
        received=moment(long_ago),
        first_contact=moment(long_ago + timedelta(hours=3)),
        managerial_oversight="",
        closed=moment(long_ago + timedelta(days=30)),
        closure_reason="Support completed",
    )
    confirm(
        upload(performance_lead, service, csv_bytes([old, row(case_id="C-2")])), performance_lead
    )

    run = retention_run()

    assert run.referrals_anonymised == 1
    assert ImportedCase.objects.count() == 1
    anonymised = Referral.objects.get(imported_case__isnull=True)
    assert anonymised.anonymisation.run == run


def test_a_return_never_confirmed_is_discarded_after_a_week_with_its_file(
    performance_lead, service, row, upload, confirm, django_capture_on_commit_callbacks
):
    waiting = upload(performance_lead, service, csv_bytes([row()]), name="waiting.csv")
    applied = confirm(upload(performance_lead, service, csv_bytes([row()])), performance_lead)
    stored = waiting.file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert runs.return_imports_discard_unconfirmed() == 0
        later = timezone.now() + timedelta(days=runs.UNCONFIRMED_KEEP_DAYS, minutes=1)
        assert runs.return_imports_discard_unconfirmed(now=later) == 1

    waiting.refresh_from_db()
    assert waiting.outcome == "Discarded" and not default_storage.exists(stored)
    applied.refresh_from_db()
    assert applied.is_applied and applied.discarded_at is None


def test_the_discard_task_runs(performance_lead, service, row, upload):
    upload(performance_lead, service, csv_bytes([row()]))

    assert discard_unconfirmed_imports.delay().get() == 0
