"""Fixtures for the settings and full-stack tests: settings loaded from a given environment, and
a real Celery worker process over Redis.

`celery_worker_process` starts `celery -A partnership worker` against the test database and the
Redis in REDIS_URL (both set by .ci/with-servers.sh), so a test can send a task with `.delay()`
and wait for its result. The test is a `transactional_db` test, so rows it creates are committed
and the worker sees them. Use the fixture from another test directory by importing it into that
directory's conftest.py: `from tests.partnership.conftest import celery_worker_process`.
"""

import os
import runpy
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection

from partnership.celery import app

BASE_DIR = Path(django_settings.BASE_DIR)
# The variables that decide development or production, database and broker.
SELECTING_VARIABLES = (
    "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE", "IDENTITY_HASH_KEY",
    "IDENTITY_HASH_KEY_FILE", "DJANGO_ALLOWED_HOSTS", "DJANGO_SECURE_SSL_REDIRECT",
    "DATABASE_URL", "REDIS_URL",
)  # fmt: skip
# A production environment with test-only keys of the required lengths.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-only-secret-key-" + "Zq7vK2mX9pL4wR8n" * 3,
    "IDENTITY_HASH_KEY": "test-only-identity-hash-key-4f9a2c7e1b",
    "DJANGO_ALLOWED_HOSTS": "dapb.example.org",
}


def environment(**variables: str) -> dict[str, str]:
    """This process's environment without the selecting variables, plus `variables`.

    Every DJANGO_* variable goes: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this
    process, and the deploy check rightly fails on it.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SELECTING_VARIABLES and not k.startswith("DJANGO_")
    }
    return env | variables


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `manage.py ARGS` in a new process, as the app would start, and capture its output."""
    return subprocess.run(  # noqa: S603 (fixed command, our own interpreter)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def load_settings(monkeypatch):
    """`load_settings(**variables)` runs settings.py afresh in that environment; returns its names.

    The settings Django is using are not touched.
    """

    def load(**variables: str) -> dict:
        for name in SELECTING_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE_DIR / "partnership" / "settings.py"))

    return load


# Loaded by the test worker only (`-I`): tasks that let a test see what the worker sees.
TEST_TASK_MODULES = ["tests.partnership.worker_tasks"]
WORKER_START_TIMEOUT = 120  # a busy 2-core machine took over 30 s


def _test_database_url() -> str:
    """DATABASE_URL with its database name replaced by the test database pytest-django made."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path="/" + connection.settings_dict["NAME"]).geturl()


def _wait_until_ready(process: subprocess.Popen, name: str, log_path) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited at start:\n{log_path.read_text()}")
        replies = app.control.ping(destination=[name], timeout=0.5)
        if any(name in reply for reply in replies):
            return
    pytest.fail(
        f"The Celery worker did not answer in {WORKER_START_TIMEOUT} s:\n{log_path.read_text()}"
    )


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback, settings, tmp_path):
    """A `celery worker` subprocess consuming from REDIS_URL and reading the test database.

    The test's rows are committed so the worker can read them; a serialized rollback restores
    the rows data migrations made (the role groups), which the flush after each such test empties.
    Don't add a `django_db` marker to the test: it would decide the rollback instead.
    """
    if not os.environ.get("REDIS_URL"):
        pytest.skip(
            "REDIS_URL is not set: the real Celery worker runs in the PostgreSQL/Redis layer "
            "(make test runs it through .ci/with-servers.sh)"
        )
    if connection.vendor != "postgresql":
        pytest.skip(
            "The real Celery worker needs the PostgreSQL test database (a SQLite test database "
            "lives in the test process's memory); set DATABASE_URL too"
        )
    # Whatever the test is marked, its tasks must go to the worker, not run in this process.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()

    name = f"test-worker-{uuid.uuid4().hex[:8]}@localhost"
    env = os.environ | {
        "DATABASE_URL": _test_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "partnership.settings",
    }
    log_path = tmp_path / "celery-worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "partnership", "worker",
        "--pool=solo", "--concurrency=1", "-l", "warning", "-n", name,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-I", ",".join(TEST_TASK_MODULES),
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 (fixed command, our own interpreter)
            command, cwd=django_settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_ready(process, name, log_path)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        app.conf.task_always_eager = was_eager
