"""Background runs that are never lost or stuck: the life of every object a Celery task makes.

A run is a row of a model inheriting `BackgroundRun` (report runs, agenda packs, and any later
import or return). Its model names the Celery task that makes it (`task_name`), declared with
`run_task`, and its service and task use the functions here:

- **Request.** The service saves the row as queued, then `run_send_on_commit(run)`: the task is
  handed to the broker only once the row is committed, so the worker can read it. If the broker
  is down, the row stays queued with `sent_at` empty and the request still gets its page.
- **Claim.** The task calls `run_execute(Model, pk, work)`. The row is claimed in one locked
  update: queued becomes running, `attempts` goes up by one and the run holds a lease
  (`lease_expires_at`), which a heartbeat thread renews while the work goes on. A copy of the
  message arriving for a run that is running under a live lease, ready or failed does nothing,
  so a task sent twice makes its object once.
- **Finish.** The work ends with `run_complete(run, **fields)`; a failing work ends it failed
  with the error. Both only touch the row while this attempt still holds it: a worker that was
  given up for dead and then finished anyway raises `LeaseLost`, and its output is thrown away.
- **Sweep.** `runs_sweep` runs on Celery beat every `RUN_SWEEP_SECONDS` and when each worker
  starts. It re-sends queued runs never handed to the broker (or handed over so long ago that
  the message must be lost), and puts a running run whose lease has expired (its worker died)
  back in the queue, up to `RUN_MAX_ATTEMPTS` starts; then it fails it, saying why, and the
  page offers "Try again". Each sweep records a worker heartbeat, which the health check reads.

With `acks_late` and `reject_on_worker_lost` a message is only removed from the broker once its
task has finished, and Redis hands an unfinished one out again after the visibility timeout
(`RUN_VISIBILITY_TIMEOUT`, longer than a run may take, so a run still going is never handed out
twice); the lease and the sweep bring a run back sooner than that.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, TypeVar

from celery import current_app, current_task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils import timezone

from .audit import audit_record
from .constants import AuditAction
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


PENDING_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class LeaseLost(Exception):
    """This attempt no longer holds the run: it was given up for dead and queued again."""


class BackgroundRun(models.Model):
    """What every run has: status, timings, error, and what keeps it from being lost."""

    # The Celery task that makes the run, called with the row's primary key.
    task_name: ClassVar[str]

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has started it."
    )
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When its task was last handed to the broker."
    )
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While running: the worker renews this; once past, the worker is taken to "
        "have died.",
    )

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == RunStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == RunStatus.FAILED

    @property
    def is_waiting_for_broker(self) -> bool:
        """Queued, but its task could not be handed to the broker yet (the sweep will)."""
        return self.status == RunStatus.QUEUED and self.sent_at is None

    @property
    def is_retrying(self) -> bool:
        """Queued again after its worker stopped part-way."""
        return self.status == RunStatus.QUEUED and self.attempts > 0

    @property
    def max_attempts(self) -> int:
        return settings.RUN_MAX_ATTEMPTS


Run = TypeVar("Run", bound=BackgroundRun)


def run_models() -> list[type[BackgroundRun]]:
    """Every concrete run model in the project: what the sweep looks after."""
    return [model for model in apps.get_models() if issubclass(model, BackgroundRun)]


# Sending -------------------------------------------------------------------------------------


def run_task(name: str):
    """Declare the Celery task that makes a run: `@run_task("app.make_thing")`.

    The message is acknowledged only once the task has finished (`acks_late`) and goes back to
    the queue if the worker process dies (`reject_on_worker_lost`); nothing reads the task's
    result. Past the soft time limit the run fails, saying it took too long.
    """
    return shared_task(
        name=name,
        acks_late=True,
        reject_on_worker_lost=True,
        ignore_result=True,
        soft_time_limit=settings.RUN_TIME_LIMIT_SECONDS,
        time_limit=settings.RUN_TIME_LIMIT_SECONDS + 60,
    )


def registered_task(name: str):
    """The Celery task of this name, loading the apps' tasks modules first if they are not yet
    (a web process imports them only when something asks)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def run_send(model: type[BackgroundRun], pk: int) -> bool:
    """Hand the run's task to the broker and note when; False (logged) if the broker is down.

    In eager mode (tests) the task runs here and its errors are not caught.
    """
    task = registered_task(model.task_name)
    try:
        task.apply_async(args=[pk])
    except Exception as error:
        if current_app.conf.task_always_eager:
            raise
        logger.warning(
            "Could not send %s %s to the broker (%s); the sweep will send it",
            model._meta.label,
            pk,
            error,
        )
        return False
    model.objects.filter(pk=pk).update(sent_at=timezone.now())
    return True


def run_send_on_commit(run: BackgroundRun) -> None:
    """Send the run's task once the row is committed (call it inside the service's transaction)."""
    model, pk = type(run), run.pk
    transaction.on_commit(lambda: run_send(model, pk))


# Working -------------------------------------------------------------------------------------


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.RUN_LEASE_SECONDS)


def _audit_status(run: BackgroundRun, **detail) -> None:
    audit_record(
        by=None, action=AuditAction.UPDATE, obj=run, detail={"status": run.status, **detail}
    )


def _fail_locked(run: BackgroundRun, reason: str, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.status = RunStatus.FAILED
    run.error = reason[:ERROR_MAX_LENGTH]
    run.finished_at = timezone.now()
    run.lease_expires_at = None
    run.save(update_fields=["status", "error", "finished_at", "lease_expires_at", *fields])
    _audit_status(run, attempts=run.attempts)


def worker_stopped_reason(attempts: int) -> str:
    return (
        f"The worker making this stopped before it finished, {attempts} time"
        f"{'s' if attempts != 1 else ''} (the server may be short of memory, or was "
        "restarted). Try again; if it stops again, tell the system administrator."
    )


def run_claim(model: type[Run], pk: int, **start_fields) -> Run | None:
    """Take a queued run for this worker (committed at once, so its page shows it running).

    None when there is nothing to do: it is finished, gone, or running under a live lease. A
    run found running with an expired lease lost its worker: taken over, or failed once it has
    had all its attempts.
    """
    with transaction.atomic():
        run = model.objects.select_for_update().filter(pk=pk).first()
        if run is None or run.status in (RunStatus.READY, RunStatus.FAILED):
            return None
        now = timezone.now()
        if run.status == RunStatus.RUNNING:
            if run.lease_expires_at and run.lease_expires_at > now:
                return None
            if run.attempts >= settings.RUN_MAX_ATTEMPTS:
                _fail_locked(run, worker_stopped_reason(run.attempts))
                return None
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.started_at = now
        run.lease_expires_at = _lease_end()
        for name, value in start_fields.items():
            setattr(run, name, value)
        run.save(
            update_fields=["status", "attempts", "started_at", "lease_expires_at", *start_fields]
        )
    return run


def _held(run: BackgroundRun) -> BackgroundRun:
    """The run's row, locked, if this attempt still holds it; otherwise LeaseLost."""
    current = type(run).objects.select_for_update().get(pk=run.pk)
    if current.status != RunStatus.RUNNING or current.attempts != run.attempts:
        raise LeaseLost(f"{run._meta.label} {run.pk}: attempt {run.attempts} no longer holds it")
    return current


def run_complete(run: BackgroundRun, **fields) -> None:
    """Mark the run ready with `fields` set on it (inside the caller's transaction, if any)."""
    with transaction.atomic():
        _held(run)
        for name, value in fields.items():
            setattr(run, name, value)
        run.status = RunStatus.READY
        run.finished_at = timezone.now()
        run.lease_expires_at = None
        run.save(update_fields=["status", "finished_at", "lease_expires_at", *fields])


def run_fail(run: BackgroundRun, reason: str, **fields) -> None:
    """Mark the run failed with the reason people will read, if this attempt still holds it."""
    with transaction.atomic():
        _fail_locked(_held(run), reason, **fields)


@contextmanager
def _lease_kept(run: BackgroundRun):
    """Renew the run's lease from a thread while the work goes on (with its own connection)."""
    stop = threading.Event()
    model, pk, attempt = type(run), run.pk, run.attempts

    def renew() -> None:
        try:
            while not stop.wait(settings.RUN_LEASE_SECONDS / 4):
                try:
                    model.objects.filter(pk=pk, status=RunStatus.RUNNING, attempts=attempt).update(
                        lease_expires_at=_lease_end()
                    )
                except Exception:
                    logger.warning("Could not renew the lease of %s %s", model, pk, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=renew, name=f"lease-{model._meta.model_name}-{pk}")
    thread.daemon = True
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _in_worker() -> bool:
    """True inside a task run by a worker (not eagerly, not called directly)."""
    task = current_task._get_current_object()
    return task is not None and not task.request.is_eager


def run_execute(
    model: type[Run], pk: int, work: Callable[[Run], None], *, describe: Callable = str, **start
) -> Run:
    """Claim the run, do `work(run)` (which ends with `run_complete`) and return the row.

    An error in the work fails the run with `describe(error)`; a run this attempt lost on the
    way is left to the attempt that holds it now.
    """
    run = run_claim(model, pk, **start)
    if run is None:
        return model.objects.get(pk=pk)
    keep = _lease_kept(run) if _in_worker() else _no_lease_thread()
    with keep:
        try:
            work(run)
        except LeaseLost:
            logger.warning("%s %s was taken over while this worker made it", model, pk)
        except SoftTimeLimitExceeded:
            minutes = settings.RUN_TIME_LIMIT_SECONDS // 60
            _fail_quietly(run, f"It took longer than {minutes} minutes and was stopped.")
        except Exception as error:
            logger.exception("%s %s failed", model._meta.label, pk)
            _fail_quietly(run, describe(error))
    return model.objects.get(pk=pk)


@contextmanager
def _no_lease_thread():
    yield


def _fail_quietly(run: BackgroundRun, reason: str) -> None:
    try:
        run_fail(run, reason)
    except LeaseLost:
        logger.warning("%s %s failed after it was taken over", type(run), run.pk)


# Sweeping ------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    sent: int = 0
    requeued: int = 0
    failed: int = 0


def _recover(model: type[BackgroundRun], pk: int, result: SweepResult) -> None:
    """A running run whose lease expired: queue it again, or fail it after its last attempt."""
    with transaction.atomic():
        run = model.objects.select_for_update().get(pk=pk)
        expired = run.lease_expires_at is None or run.lease_expires_at <= timezone.now()
        if run.status != RunStatus.RUNNING or not expired:
            return
        if run.attempts >= settings.RUN_MAX_ATTEMPTS:
            _fail_locked(run, worker_stopped_reason(run.attempts))
            result.failed += 1
            return
        run.status = RunStatus.QUEUED
        run.lease_expires_at = None
        run.sent_at = None
        run.save(update_fields=["status", "lease_expires_at", "sent_at"])
        _audit_status(run, attempts=run.attempts, reason="worker stopped")
        result.requeued += 1


def runs_sweep(*, worker: str = "") -> SweepResult:
    """Recover runs whose worker died and send queued runs the broker never got (see above)."""
    result = SweepResult()
    now = timezone.now()
    resend_before = now - timedelta(seconds=settings.RUN_RESEND_AFTER_SECONDS)
    for model in run_models():
        expired = model.objects.filter(status=RunStatus.RUNNING).filter(
            Q(lease_expires_at__lte=now) | Q(lease_expires_at__isnull=True)
        )
        for pk in expired.values_list("pk", flat=True):
            _recover(model, pk, result)
        unsent = model.objects.filter(status=RunStatus.QUEUED).filter(
            Q(sent_at__isnull=True) | Q(sent_at__lt=resend_before)
        )
        for pk in unsent.order_by("pk").values_list("pk", flat=True):
            result.sent += run_send(model, pk)
    if worker:
        WorkerHeartbeat.objects.update_or_create(worker=worker[:200], defaults={"seen_at": now})
    if result.sent or result.requeued or result.failed:
        logger.info("Run sweep: %s", result)
    return result


def latest_worker_heartbeat():
    """When a worker last swept, or None."""
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
