"""/health/ tells the orchestrator whether the database, the broker, storage and a worker are
working, and tells anyone nothing more than that."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.celery import app
from partnership.models import WorkerHeartbeat

CHECKS = {"database", "broker", "storage", "worker"}


@pytest.fixture
def with_a_worker():
    """Not eager: tasks go to a worker, so the worker's heartbeat counts."""
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = was_eager


def health(client):
    response = client.get(reverse("health"))
    return response.status_code, json.loads(response.content)


def test_anyone_may_ask_and_learns_only_which_checks_pass(client, db):
    status, body = health(client)

    assert status == 200
    assert body == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}


def test_a_recent_worker_heartbeat_is_healthy(client, db, with_a_worker):
    WorkerHeartbeat.objects.create(worker="celery@worker-1", seen_at=timezone.now())

    assert health(client) == (200, {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")})


@pytest.mark.parametrize("seen_minutes_ago", [None, 10])
def test_no_recent_worker_heartbeat_is_unhealthy(client, db, with_a_worker, seen_minutes_ago):
    if seen_minutes_ago is not None:
        seen = timezone.now() - timedelta(minutes=seen_minutes_ago)
        WorkerHeartbeat.objects.create(worker="celery@worker-1", seen_at=seen)

    status, body = health(client)

    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"]["worker"] == "failing"
    assert body["checks"]["database"] == "ok"


def test_a_broker_that_cannot_be_reached_is_unhealthy_and_the_reason_is_not_shown(
    client, db, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise OSError("Error 111 connecting to redis.internal:6379. Connection refused.")

    monkeypatch.setattr(app, "connection_for_write", refuse)

    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["broker"] == "failing"
    assert b"redis.internal" not in response.content
    assert "broker" in caplog.text  # the reason goes to the log


def test_storage_that_cannot_be_written_is_unhealthy(client, db, settings, tmp_path):
    not_a_folder = tmp_path / "media"
    not_a_folder.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = not_a_folder

    status, body = health(client)

    assert status == 503
    assert body["checks"]["storage"] == "failing"
