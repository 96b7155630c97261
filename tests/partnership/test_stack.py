"""The full stack: deploy check, static files as the image builds them, the compose file, and a
real Celery worker over Redis."""

import json
import re
import subprocess
import sys

import pytest
from celery.result import EagerResult
from django.contrib.auth.models import Group

from partnership.celery import ping
from partnership.constants import Role
from tests.factories import OrganisationFactory
from tests.partnership.conftest import BASE_DIR, PRODUCTION_ENV, environment, manage
from tests.system import require_program

COMPOSE_ENV = {"SITE_DOMAIN": "dapb.example.org", "POSTGRES_PASSWORD": "composetest1"}
APP_SERVICES = {"web", "worker", "beat", "migrate"}


def docker_compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    require_program("docker-compose", "docker-compose")
    return subprocess.run(  # noqa: S603
        ["docker-compose", "-f", "docker-compose.yml", *args],  # noqa: S607
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_passes_in_production_settings_with_no_silenced_checks(load_settings):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=environment(**PRODUCTION_ENV)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout
    assert not load_settings(**PRODUCTION_ENV).get("SILENCED_SYSTEM_CHECKS")


def test_static_files_collect_with_production_settings_as_the_image_build_does(tmp_path):
    # The same command as the Dockerfile's, writing to a temporary STATIC_ROOT.
    (tmp_path / "build_settings.py").write_text(
        f"from partnership.settings import *  # noqa\nSTATIC_ROOT = {str(tmp_path / 'static')!r}\n"
    )
    env = environment(**PRODUCTION_ENV) | {
        "DJANGO_SETTINGS_MODULE": "build_settings",
        "PYTHONPATH": f"{tmp_path}:{BASE_DIR}",
    }

    result = manage("collectstatic", "--no-input", env=env)

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "govuk/app.css" in manifest["paths"]


def test_dockerfile_installs_the_uv_the_makefile_pins_and_runs_as_a_non_root_user():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    makefile = (BASE_DIR / "Makefile").read_text()

    pinned = re.search(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE).group(1)
    assert f"pip install --no-cache-dir uv=={pinned}" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)
    assert "uv sync --frozen --no-dev" in dockerfile


def test_compose_file_is_valid():
    result = docker_compose("config", "-q", env=environment(**COMPOSE_ENV))

    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_database_password():
    env = environment(**COMPOSE_ENV)
    del env["POSTGRES_PASSWORD"]

    result = docker_compose("config", "-q", env=env)

    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD" in result.stderr


def test_compose_runs_the_full_stack_with_health_checks_volumes_and_secrets_in_files():
    config = docker_compose("config", env=environment(**COMPOSE_ENV))
    assert config.returncode == 0, config.stderr
    # docker-compose is a Python program using the system's PyYAML; the app does not need YAML.
    parsed = subprocess.run(  # noqa: S603
        [
            "/usr/bin/python3",
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))",
        ],
        input=config.stdout,
        capture_output=True,
        text=True,
        check=True,
    )
    compose = json.loads(parsed.stdout)
    services = compose["services"]

    assert set(services) == APP_SERVICES | {"db", "redis"}
    assert {name for name, service in services.items() if "healthcheck" in service} == {
        "web",
        "worker",
        "db",
        "redis",
    }
    web_check = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://localhost:8000/health/" in web_check
    assert set(compose["volumes"]) == {"db-data", "media", "redis-data"}
    assert "media:/app/media:rw" in services["web"]["volumes"]
    assert "media:/app/media:rw" in services["worker"]["volumes"]
    for name in APP_SERVICES:
        environment_ = services[name]["environment"]
        assert environment_["DJANGO_DEBUG"] == "0"
        assert environment_["DJANGO_SECRET_KEY_FILE"] == "/run/secrets/django_secret_key"
        assert environment_["IDENTITY_HASH_KEY_FILE"] == "/run/secrets/identity_hash_key"
        assert "DJANGO_SECRET_KEY" not in environment_
        assert "IDENTITY_HASH_KEY" not in environment_
    for name in APP_SERVICES - {"migrate"}:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    # Plain HTTP only to the reverse proxy on the same host.
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000/tcp"]


@pytest.mark.redis
def test_a_real_celery_worker_runs_a_task_sent_over_redis(celery_worker_process):
    result = ping.delay(41)

    assert not isinstance(result, EagerResult), "the task ran in the test process, not the worker"
    assert result.get(timeout=60) == 42


@pytest.mark.redis
def test_the_real_worker_reads_rows_the_test_has_committed(celery_worker_process):
    from tests.partnership.worker_tasks import organisation_names

    OrganisationFactory(name="Worker Visible Test Agency")

    assert "Worker Visible Test Agency" in organisation_names.delay().get(timeout=60)
    # The rows data migrations made are back for this test, despite earlier flushes.
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_the_worker_command_loads_the_celery_app_from_the_project():
    # What the compose file's worker and beat run: `celery -A partnership`.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "partnership", "inspect", "--help"],
        cwd=BASE_DIR,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
