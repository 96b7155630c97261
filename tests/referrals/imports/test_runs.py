"""An import's check and apply are background runs (partnership/runs.py): a broker that is down
loses nothing, a worker that died is replaced once, and confirming starts a new run. The rules
themselves are tested in tests/partnership/test_runs.py; the `broker` fixture is in
tests/referrals/conftest.py."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent
from partnership.runs import RunStatus, runs_sweep
from referrals.imports.models import ImportPhase, ImportProblem, ReturnImport
from referrals.models import Referral

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db


def audited_statuses(run: ReturnImport) -> list:
    events = AuditEvent.objects.filter(object_type="referrals.ReturnImport", object_id=str(run.pk))
    return [event.detail.get("status") for event in events.order_by("pk")]


def test_a_return_uploaded_while_the_broker_is_down_is_saved_and_checked_once_it_is_back(
    login, performance_lead, service, row, broker, django_capture_on_commit_callbacks
):
    client = login(performance_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:import_create"),
            {"service": service.pk, "file": SimpleUploadedFile("return.csv", csv_bytes([row()]))},
        )

    run = ReturnImport.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert broker.state["refused"] == 1
    assert run.status == RunStatus.QUEUED and run.sent_at is None and run.is_waiting_for_broker
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200 and "cannot be reached just now" in page.content.decode()

    broker.up()
    assert runs_sweep().sent == 1

    run.refresh_from_db()
    assert run.is_checked and run.attempts == 1 and run.created == 1
    assert audited_statuses(run).count("checked") == 1
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Checked: waiting for confirmation" in page


def test_a_check_whose_worker_died_is_run_again_by_the_sweep_once(
    performance_lead, service, row, broker, upload
):
    broker.up()
    run = upload(performance_lead, service, csv_bytes([row(), row(case_id="C-2", risk_level="X")]))
    reasons = list(run.problems.values_list("message", flat=True))
    assert run.is_checked and run.rejected == 1 and len(reasons) == 1
    # The worker died part-way through a second check, leaving some problems behind.
    ReturnImport.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        attempts=1,
        sent_at=timezone.now(),
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )

    result = runs_sweep()

    run.refresh_from_db()
    assert (result.requeued, result.sent) == (1, 1)
    assert run.is_checked and run.attempts == 2 and run.rejected == 1
    assert list(ImportProblem.objects.values_list("message", flat=True)) == reasons


def test_confirming_queues_the_apply_as_a_new_run(
    performance_lead, service, row, broker, upload, django_capture_on_commit_callbacks
):
    from referrals.imports import services

    broker.up()
    run = upload(performance_lead, service, csv_bytes([row()]))
    assert run.is_checked and run.attempts == 1 and run.sent_at is not None

    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_import_confirm(
            by=performance_lead, return_import=run, leave_out_rejected=False
        )
    run.refresh_from_db()
    assert (run.phase, run.status, run.attempts) == (ImportPhase.APPLY, RunStatus.QUEUED, 0)
    assert run.sent_at is None and run.lease_expires_at is None and run.started_at is None
    assert run.is_waiting_for_broker and not run.is_retrying

    broker.up()
    assert runs_sweep().sent == 1
    run.refresh_from_db()
    assert run.is_applied and run.attempts == 1 and Referral.objects.count() == 1


def test_an_import_queued_again_says_it_is_being_done_again(
    login, performance_lead, service, row, upload
):
    run = upload(performance_lead, service, csv_bytes([row()]))
    ReturnImport.objects.filter(pk=run.pk).update(
        phase=ImportPhase.APPLY, status=RunStatus.QUEUED, attempts=1, sent_at=timezone.now()
    )

    page = login(performance_lead).get(run.get_absolute_url()).content.decode()

    assert "stopped while applying this return, so it is doing it again (attempt 2 of 3)" in page
