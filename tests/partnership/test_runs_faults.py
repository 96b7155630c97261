"""Faults with real processes: a Redis server, Celery workers and Celery beat of our own, and the
PostgreSQL test database (runs in the PostgreSQL/Redis layer, .ci/with-servers.sh).

- Broker outage: Redis is stopped, a clerk requests a report (the page answers, the run waits
  queued and unsent), Redis is started again, and the run is made, once.
- Worker killed: `kill -9` of a worker's whole process group while it makes a report; another
  worker starts, and the run is made once (attempt 2) after its lease lapses, or, with one
  attempt allowed, is failed with the reason.

The processes get short timings (a 4 s lease, a sweep every second) so the tests take seconds,
not minutes; each prints how long recovery took (`pytest -s` shows it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from partnership.calendar import FinancialQuarter
from partnership.celery import app
from partnership.constants import AuditAction, Role
from partnership.models import AuditEvent
from scrutiny.models import ReportRun, RunStatus
from tests.factories import CommitteeFactory, UserFactory
from tests.partnership.conftest import _test_database_url

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

LEASE_SECONDS = 4
SWEEP_SECONDS = 1
# Long enough for a worker to start and make a report on a busy 2-core machine.
WAIT_SECONDS = 120
WAITING = "cannot be reached just now"
REPORT_TASK = re.compile(r"Task scrutiny\.make_quarterly_report\[([0-9a-f-]+)\] received")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, stopped and started again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _ping(self) -> bool:
        result = subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(self.port), "ping"],  # noqa: S607
            capture_output=True,
            text=True,
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]  # noqa: S607
            + ["--save", "", "--appendonly", "no", "--daemonize", "yes"]
            + ["--dir", str(self.folder), "--pidfile", str(self.folder / "redis.pid")]
            + ["--logfile", str(self.folder / "redis.log")],
            check=True,
        )
        wait_until(self._ping, "Redis to start", timeout=10)

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],  # noqa: S607
            capture_output=True,
        )
        wait_until(lambda: not self._ping(), "Redis to stop", timeout=10)


def wait_until(condition, what: str, timeout: float = WAIT_SECONDS, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    pytest.fail(f"Gave up waiting for {what} after {timeout} s")


class Processes:
    """Celery workers and beat for one test, each in its own process group, all stopped after."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.started: list[subprocess.Popen] = []

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-m", "celery", "-A", "partnership", *args],
            cwd=django_settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # kill -9 of the group takes the pool's children too
        )
        self.started.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(
            name, "worker", "--pool=prefork", "--concurrency=1", "-l", "info", "-n",
            f"{name}@localhost", "--without-gossip", "--without-mingle", "--without-heartbeat",
        )  # fmt: skip

    def wait_ready(self, name: str) -> None:
        log = self.folder / f"{name}.log"
        wait_until(lambda: f"{name}@localhost ready." in log.read_text(), f"{name} to start")

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def beat(self) -> subprocess.Popen:
        schedule = str(self.folder / "beat-schedule")
        return self._start("beat", "beat", "-l", "info", "-s", schedule)

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-4000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def sending_to(url: str):
    """This process's Celery app sends to `url` (as the web app would), not eagerly."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture
def stack(transactional_db, django_db_serialized_rollback, settings, tmp_path):
    """A Redis, and a way to start workers and beat reading the test database through it."""
    if connection.vendor != "postgresql":
        pytest.skip("Workers read the PostgreSQL test database: run with .ci/with-servers.sh")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    redis = RedisServer(tmp_path)
    redis.start()
    env = os.environ | {
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis.url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
        "RUN_LEASE_SECONDS": str(LEASE_SECONDS),
        "RUN_SWEEP_SECONDS": str(SWEEP_SECONDS),
        # A message left unacknowledged by a killed worker is handed out again quickly, so the
        # test sees a second copy arrive (and do nothing).
        "RUN_VISIBILITY_TIMEOUT": "6",
    }
    processes = Processes(tmp_path, env)
    with sending_to(redis.url):
        try:
            yield redis, processes
        except BaseException:
            print(processes.logs())  # noqa: T201 (shown with the failure)
            raise
        finally:
            processes.stop_all()
            redis.stop()


@pytest.fixture
def clerk_and_committee(db):
    clerk = UserFactory(username="fault.clerk", roles=[Role.CLERK])
    return clerk, CommitteeFactory(clerk=clerk)


def request_report(login, clerk, committee):
    quarter = FinancialQuarter.last_complete()
    response = login(clerk).post(
        reverse("scrutiny:report_request"), {"quarter": quarter.label, "committee": committee.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReportRun.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def running_or_done(run: ReportRun) -> bool:
    run.refresh_from_db()
    return run.status != RunStatus.QUEUED


def finished(run: ReportRun) -> ReportRun | None:
    run.refresh_from_db()
    return None if run.is_pending else run


def assert_made_once(run: ReportRun, settings) -> None:
    assert ReportRun.objects.count() == 1
    stored = sorted((Path(settings.MEDIA_ROOT) / "scrutiny" / "reports").glob("*.pdf"))
    assert [path.name for path in stored] == [Path(run.pdf.name).name]
    ready_rows = AuditEvent.objects.filter(
        object_type="scrutiny.ReportRun",
        object_id=str(run.pk),
        action=AuditAction.UPDATE,
        detail__status="ready",
    )
    assert ready_rows.count() == 1


def test_a_report_requested_while_redis_is_down_is_made_once_redis_is_back(
    stack, clerk_and_committee, login, settings
):
    redis, processes = stack
    clerk, committee = clerk_and_committee
    processes.worker("worker-a")
    processes.beat()
    processes.wait_ready("worker-a")  # the worker and beat live through the outage
    redis.stop()

    started = time.monotonic()
    run = request_report(login, clerk, committee)
    answered = time.monotonic() - started
    page = login(clerk).get(run.get_absolute_url())

    assert page.status_code == 200
    assert WAITING in page.content.decode()
    assert (run.status, run.sent_at) == (RunStatus.QUEUED, None)

    redis.start()
    back = time.monotonic()
    wait_until(lambda: running_or_done(run), "a worker to start the run")
    started_after = time.monotonic() - back
    run = wait_until(lambda: finished(run), "the run to finish")
    print(  # noqa: T201
        f"\nbroker outage: request answered in {answered:.2f} s with Redis down; run started "
        f"{started_after:.1f} s and ready {time.monotonic() - back:.1f} s after Redis came back"
    )

    assert run.status == RunStatus.READY, run.error
    assert run.attempts == 1
    assert_made_once(run, settings)


@pytest.mark.parametrize(
    ("max_attempts", "outcome"),
    [(3, RunStatus.READY), (1, RunStatus.FAILED)],
    ids=["retried", "out-of-attempts"],
)
def test_a_run_whose_worker_is_killed_mid_run_is_made_once_or_failed_with_its_reason(
    stack, clerk_and_committee, login, settings, max_attempts, outcome
):
    redis, processes = stack
    clerk, committee = clerk_and_committee
    processes.env["RUN_MAX_ATTEMPTS"] = str(max_attempts)
    first = processes.worker("worker-a")
    processes.beat()

    run = request_report(login, clerk, committee)
    wait_until(
        lambda: ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists(),
        "the first worker to start the run",
        every=0.02,
    )
    processes.kill(first)
    killed = time.monotonic()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1), "killed after it finished"

    processes.worker("worker-b")
    processes.wait_ready("worker-b")
    ready_after = time.monotonic() - killed
    run = wait_until(lambda: finished(run), "the run to finish after the kill")
    print(  # noqa: T201
        f"\nworker killed ({max_attempts} attempts allowed): new worker ready "
        f"{ready_after:.1f} s after the kill; run {run.status} "
        f"{time.monotonic() - killed:.1f} s after the kill (lease {LEASE_SECONDS} s)"
    )

    assert run.status == outcome, run.error
    if outcome == RunStatus.READY:
        assert run.attempts == 2
        assert_made_once(run, settings)
    else:
        assert run.error.startswith("The worker making this stopped before it finished, 1 time")
        assert not run.pdf
        page = login(clerk).get(run.get_absolute_url()).content.decode()
        assert "Try again" in page
    # The killed worker's message, never acknowledged, is handed out again once its visibility
    # timeout passes: the second worker takes that copy too, and it does nothing.
    (first_copy,) = REPORT_TASK.findall(processes.log("worker-a"))
    wait_until(
        lambda: f"[{first_copy}] succeeded" in processes.log("worker-b"),
        "the killed worker's message to be handed out again",
    )
    run.refresh_from_db()
    assert run.status == outcome
    assert ReportRun.objects.count() == 1
    if outcome == RunStatus.READY:
        assert_made_once(run, settings)
