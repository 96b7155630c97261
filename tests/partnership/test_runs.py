"""Background runs (partnership/runs.py): sent after commit whatever the broker's state, claimed
once, kept alive by a lease, recovered by the sweep a bounded number of times, then failed.

These use agenda packs as the run model and a work function of the test's own; the real report
and pack services are tested in tests/scrutiny, and the same rules with real Redis, PostgreSQL and
worker processes in test_runs_faults.py.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from partnership import runs
from partnership.celery import app
from partnership.constants import AuditAction
from partnership.models import AuditEvent, WorkerHeartbeat
from partnership.runs import LeaseLost, RunStatus
from scrutiny.models import AgendaPack
from tests.factories import AgendaPackFactory


@pytest.fixture
def pack(db):
    return AgendaPackFactory(status=RunStatus.QUEUED)


@pytest.fixture
def not_eager():
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = was_eager


@pytest.fixture
def broker_down(monkeypatch, not_eager):
    """Celery not eager, and every message refused as when Redis is stopped."""
    sent = []

    def refuse(self, *args, **kwargs):
        sent.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("celery.app.task.Task.apply_async", refuse)
    return sent


@pytest.fixture
def broker_up(monkeypatch, not_eager):
    sent = []
    monkeypatch.setattr(
        "celery.app.task.Task.apply_async", lambda self, args, **kw: sent.append((self.name, args))
    )
    return sent


def expire_lease(run):
    AgendaPack.objects.filter(pk=run.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_run_is_sent_only_once_its_row_is_committed(
    pack, broker_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        runs.run_send_on_commit(pack)
        assert broker_up == []

    assert len(callbacks) == 1
    assert broker_up == [("scrutiny.make_agenda_pack", [pack.pk])]
    pack.refresh_from_db()
    assert pack.sent_at is not None and not pack.is_waiting_for_broker


def test_a_broker_that_is_down_leaves_the_run_queued_and_unsent_without_an_error(
    pack, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        runs.run_send_on_commit(pack)

    assert len(broker_down) == 1
    pack.refresh_from_db()
    assert pack.status == RunStatus.QUEUED
    assert pack.sent_at is None
    assert pack.is_waiting_for_broker


def test_in_eager_mode_a_failure_to_send_is_not_hidden(pack, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("a bug in the task")

    monkeypatch.setattr("celery.app.task.Task.apply_async", broken)

    with pytest.raises(RuntimeError):
        runs.run_send(AgendaPack, pack.pk)


def test_a_claim_takes_a_queued_run_with_a_lease_and_counts_the_attempt(pack, settings):
    settings.RUN_LEASE_SECONDS = 60

    run = runs.run_claim(AgendaPack, pack.pk, stage="collecting")

    run.refresh_from_db()
    assert (run.status, run.attempts, run.stage) == (RunStatus.RUNNING, 1, "collecting")
    assert timedelta(seconds=55) < run.lease_expires_at - timezone.now() <= timedelta(seconds=60)


def test_a_second_message_for_a_run_under_a_live_lease_does_nothing(pack):
    runs.run_claim(AgendaPack, pack.pk)

    assert runs.run_claim(AgendaPack, pack.pk) is None
    pack.refresh_from_db()
    assert pack.attempts == 1


@pytest.mark.parametrize("status", [RunStatus.READY, RunStatus.FAILED])
def test_a_message_for_a_finished_run_does_nothing(db, status):
    pack = AgendaPackFactory(status=status)

    assert runs.run_claim(AgendaPack, pack.pk) is None
    pack.refresh_from_db()
    assert (pack.status, pack.attempts) == (status, 0)


def test_a_redelivered_message_takes_over_a_run_whose_lease_expired(pack):
    runs.run_claim(AgendaPack, pack.pk)
    expire_lease(pack)

    run = runs.run_claim(AgendaPack, pack.pk)

    assert run is not None and run.attempts == 2


def test_a_redelivered_message_after_the_last_attempt_fails_the_run_saying_why(pack, settings):
    settings.RUN_MAX_ATTEMPTS = 2
    runs.run_claim(AgendaPack, pack.pk)
    expire_lease(pack)
    runs.run_claim(AgendaPack, pack.pk)
    expire_lease(pack)

    assert runs.run_claim(AgendaPack, pack.pk) is None
    pack.refresh_from_db()
    assert pack.status == RunStatus.FAILED
    assert pack.error.startswith("The worker making this stopped before it finished, 2 times")


def test_run_execute_completes_the_run_with_what_the_work_made(pack):
    def work(run):
        runs.run_complete(run, page_count=3, sha256="ab" * 32)

    run = runs.run_execute(AgendaPack, pack.pk, work)

    assert (run.status, run.page_count, run.attempts) == (RunStatus.READY, 3, 1)
    assert run.lease_expires_at is None and run.finished_at is not None


def test_an_error_in_the_work_fails_the_run_with_its_description(pack):
    def work(run):
        raise ValueError("item 2 has no pages")

    run = runs.run_execute(AgendaPack, pack.pk, work, describe=lambda e: f"Could not: {e}")

    assert run.status == RunStatus.FAILED
    assert run.error == "Could not: item 2 has no pages"
    assert AuditEvent.objects.filter(
        object_type="scrutiny.AgendaPack", object_id=str(pack.pk), action=AuditAction.UPDATE
    ).exists()


def test_a_worker_given_up_for_dead_cannot_complete_the_run_another_worker_now_holds(pack):
    first = runs.run_claim(AgendaPack, pack.pk)
    expire_lease(pack)
    second = runs.run_claim(AgendaPack, pack.pk)

    with pytest.raises(LeaseLost):
        runs.run_complete(first, page_count=1)
    runs.run_complete(second, page_count=2)

    pack.refresh_from_db()
    assert (pack.status, pack.page_count) == (RunStatus.READY, 2)


def test_a_worker_given_up_for_dead_cannot_fail_the_run_either(pack):
    first = runs.run_claim(AgendaPack, pack.pk)
    expire_lease(pack)
    runs.run_claim(AgendaPack, pack.pk)

    # The first worker's work ends with an error after it was replaced: the run is untouched.
    runs._fail_quietly(first, "too late")
    pack.refresh_from_db()
    assert (pack.status, pack.attempts, pack.error) == (RunStatus.RUNNING, 2, "")


def test_the_sweep_queues_again_and_sends_a_run_whose_worker_died(pack, broker_up):
    runs.run_claim(AgendaPack, pack.pk)
    expire_lease(pack)

    result = runs.runs_sweep()

    pack.refresh_from_db()
    assert (pack.status, pack.attempts) == (RunStatus.QUEUED, 1)
    assert pack.is_retrying
    assert (result.requeued, result.sent) == (1, 1)
    assert broker_up == [("scrutiny.make_agenda_pack", [pack.pk])]


def test_the_sweep_fails_a_run_whose_worker_died_on_its_last_attempt(pack, broker_up, settings):
    settings.RUN_MAX_ATTEMPTS = 1
    runs.run_claim(AgendaPack, pack.pk)
    expire_lease(pack)

    result = runs.runs_sweep()

    pack.refresh_from_db()
    assert pack.status == RunStatus.FAILED
    assert "stopped before it finished, 1 time " in pack.error
    assert (result.failed, result.sent) == (1, 0)


def test_the_sweep_leaves_a_run_under_a_live_lease_alone(pack, broker_up):
    runs.run_claim(AgendaPack, pack.pk)

    assert runs.runs_sweep() == runs.SweepResult()
    pack.refresh_from_db()
    assert pack.status == RunStatus.RUNNING


def test_the_sweep_sends_runs_the_broker_never_got_and_those_sent_long_ago(db, broker_up, settings):
    settings.RUN_RESEND_AFTER_SECONDS = 600
    never = AgendaPackFactory(sent_at=None)
    long_ago = AgendaPackFactory(sent_at=timezone.now() - timedelta(seconds=601))
    AgendaPackFactory(sent_at=timezone.now() - timedelta(seconds=30))
    AgendaPackFactory(status=RunStatus.READY)

    result = runs.runs_sweep()

    assert result.sent == 2
    assert sorted(args[0] for _, args in broker_up) == [never.pk, long_ago.pk]


def test_the_sweep_with_the_broker_still_down_keeps_the_run_for_next_time(pack, broker_down):
    assert runs.runs_sweep().sent == 0
    pack.refresh_from_db()
    assert pack.is_waiting_for_broker


def test_the_sweep_records_the_workers_heartbeat(db, broker_up):
    runs.runs_sweep(worker="celery@web-1")
    runs.runs_sweep(worker="celery@web-1")

    assert WorkerHeartbeat.objects.get().worker == "celery@web-1"
    assert timezone.now() - runs.latest_worker_heartbeat() < timedelta(seconds=5)


def test_the_lease_is_renewed_while_the_work_goes_on(
    transactional_db, django_db_serialized_rollback, settings, monkeypatch
):
    # Committed rows: the renewing thread has a database connection of its own. A serialized
    # rollback puts back the rows migrations made (content types keep their ids on PostgreSQL,
    # which later serialized-rollback tests rely on), as every committing test here does.
    pack = AgendaPackFactory(status=RunStatus.QUEUED)
    settings.RUN_LEASE_SECONDS = 0.2
    monkeypatch.setattr(runs, "_in_worker", lambda: True)
    seen = []

    def work(run):
        first = AgendaPack.objects.get(pk=run.pk).lease_expires_at
        time.sleep(0.3)
        seen.append(AgendaPack.objects.get(pk=run.pk).lease_expires_at > first)
        runs.run_complete(run)

    runs.run_execute(AgendaPack, pack.pk, work)

    assert seen == [True]


def test_every_run_model_has_a_task_that_is_acknowledged_late_and_rejected_if_its_worker_dies():
    app.loader.import_default_modules()
    models = runs.run_models()

    assert {model._meta.label for model in models} >= {
        "scrutiny.ReportRun",
        "scrutiny.AgendaPack",
        "referrals.AnnualReturnRun",
    }
    for model in models:
        task = app.tasks[model.task_name]
        assert task.acks_late and task.reject_on_worker_lost, model
        assert task.ignore_result and task.soft_time_limit < task.time_limit


def test_the_sweep_is_on_the_beat_schedule_and_runs_when_a_worker_starts(settings):
    app.finalize()  # as a worker or beat does when it starts
    entry = app.conf.beat_schedule["partnership-sweep-runs"]

    assert entry["task"] == "partnership.sweep_runs"
    assert entry["schedule"] == settings.RUN_SWEEP_SECONDS
