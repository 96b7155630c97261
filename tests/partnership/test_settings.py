"""Settings come from the environment only; production refuses to start without its secrets."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.partnership.conftest import PRODUCTION_ENV, environment, manage


def test_development_needs_no_environment_at_all(load_settings):
    values = load_settings()

    assert values["DEBUG"] is True
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    # A real worker beside the development server, on a broker that needs no server.
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    assert values["CELERY_RESULT_BACKEND"].startswith("file://")


def test_database_url_selects_postgresql(load_settings):
    values = load_settings(DATABASE_URL="postgres://board:pw@db.internal:5433/partnership")

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        5433,
        "partnership",
    )


def test_redis_url_selects_the_redis_broker_and_result_backend_and_a_worker(load_settings):
    values = load_settings(REDIS_URL="redis://cache.internal:6379/0")

    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
    assert values["CELERY_RESULT_BACKEND"] == "redis://cache.internal:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_redis_hands_out_an_unfinished_run_again_only_after_any_run_must_have_ended(load_settings):
    values = load_settings(REDIS_URL="redis://cache.internal:6379/0")

    hard_limit = values["RUN_TIME_LIMIT_SECONDS"] + 60  # partnership.runs.run_task
    visibility = values["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert hard_limit < visibility < 60 * 60
    assert values["RUN_LEASE_SECONDS"] < visibility
    assert values["CELERY_TASK_ACKS_LATE"] is True


def test_production_refuses_to_start_without_a_secret_key():
    env = environment(**PRODUCTION_ENV)
    del env["DJANGO_SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set" in result.stderr


def test_production_refuses_to_start_without_an_identity_hash_key():
    env = environment(**PRODUCTION_ENV)
    del env["IDENTITY_HASH_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "IDENTITY_HASH_KEY (or IDENTITY_HASH_KEY_FILE) must be set" in result.stderr


def test_production_starts_with_its_keys_read_from_files(tmp_path):
    secret_file = tmp_path / "django_secret_key"
    secret_file.write_text(PRODUCTION_ENV["DJANGO_SECRET_KEY"] + "\n")
    identity_file = tmp_path / "identity_hash_key"
    identity_file.write_text(PRODUCTION_ENV["IDENTITY_HASH_KEY"] + "\n")
    env = environment(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="dapb.example.org",
        DJANGO_SECRET_KEY_FILE=str(secret_file),
        IDENTITY_HASH_KEY_FILE=str(identity_file),
    )

    result = manage("check", env=env)

    assert result.returncode == 0, result.stderr


def test_key_files_are_read_without_their_trailing_newline(load_settings, tmp_path):
    secret_file = tmp_path / "django_secret_key"
    secret_file.write_text(PRODUCTION_ENV["DJANGO_SECRET_KEY"] + "\n")
    identity_file = tmp_path / "identity_hash_key"
    identity_file.write_text(PRODUCTION_ENV["IDENTITY_HASH_KEY"] + "\n")

    values = load_settings(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY_FILE=str(secret_file),
        IDENTITY_HASH_KEY_FILE=str(identity_file),
    )

    assert values["SECRET_KEY"] == PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    assert values["IDENTITY_HASH_KEY"] == PRODUCTION_ENV["IDENTITY_HASH_KEY"]


def test_production_refuses_a_short_secret_key(load_settings):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be at least 50"):
        load_settings(**PRODUCTION_ENV | {"DJANGO_SECRET_KEY": "too-short"})


def test_production_refuses_a_short_identity_hash_key(load_settings):
    with pytest.raises(ImproperlyConfigured, match="IDENTITY_HASH_KEY must be at least 32"):
        load_settings(**PRODUCTION_ENV | {"IDENTITY_HASH_KEY": "too-short"})


def test_development_keys_are_never_used_in_production(load_settings):
    development = load_settings()
    production = load_settings(**PRODUCTION_ENV)

    assert production["SECRET_KEY"] != development["SECRET_KEY"]
    assert production["IDENTITY_HASH_KEY"] != development["IDENTITY_HASH_KEY"]
