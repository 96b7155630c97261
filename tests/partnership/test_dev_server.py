"""`make run` (.ci/serve.sh) serves the app with a real Celery worker beside it, on kombu's
filesystem broker (no Redis), and the worker stops when the server stops.

Marked `sqlite_only`: it runs the development stack on SQLite, so only the SQLite layer of
`make test` runs it (the PostgreSQL/Redis layer would run the same thing again).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.partnership.conftest import BASE_DIR, environment

pytestmark = pytest.mark.sqlite_only
START_SECONDS = 120
SEND_PING = (
    "from partnership.celery import ping; "
    "result = ping.delay(41); print(result.get(timeout=60), ping.app.conf.broker_url)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    """The environment of a laptop: a SQLite file, the broker's folder, no Redis (migrated once
    for both tests)."""
    tmp_path = tmp_path_factory.mktemp("laptop")
    env = environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    migrate = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    return env


def serve(env, port: int, log_path) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen(  # noqa: S603
            ["bash", ".ci/serve.sh", f"127.0.0.1:{port}"],  # noqa: S607
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own terminal-like group: Ctrl-C goes to all of it
        )


def worker_pid(log_path) -> int:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if match := re.search(r"Celery worker started \(pid (\d+)\)", log_path.read_text()):
            return int(match.group(1))
        time.sleep(0.2)
    pytest.fail(f"No worker started:\n{log_path.read_text()}")


def wait_for_page(url: str, log_path) -> int:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                return response.status
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"The development server did not answer:\n{log_path.read_text()}")


def test_make_run_serves_with_a_worker_that_stops_when_the_server_stops(laptop, tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    server = serve(laptop, port, log_path)
    try:
        worker = worker_pid(log_path)
        assert wait_for_page(f"http://127.0.0.1:{port}/login/", log_path) == 200

        # A task sent as the web app sends one reaches the worker through the filesystem broker.
        sent = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SEND_PING],
            cwd=BASE_DIR,
            env=laptop | {"DJANGO_SETTINGS_MODULE": "partnership.settings"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert sent.returncode == 0, sent.stderr + log_path.read_text()
        assert sent.stdout.split() == ["42", "filesystem://"]

        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C in the terminal
        server.wait(timeout=60)
        deadline = time.monotonic() + 10
        while group_alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker), "the worker outlived the server"
        assert not group_alive(worker), "the worker's beat process outlived the server"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_the_worker_stops_when_the_server_cannot_start(laptop, tmp_path):
    log_path = tmp_path / "serve.log"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = serve(laptop, taken.getsockname()[1], log_path)
        worker = worker_pid(log_path)
        returncode = server.wait(timeout=START_SECONDS)

    assert returncode != 0
    assert "That port is already in use" in log_path.read_text()
    deadline = time.monotonic() + 40
    while group_alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not group_alive(worker)
