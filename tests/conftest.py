"""Shared fixtures: named users whose names say what they may do, and a client per role."""

import os

import pytest
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership import two_factor
from partnership.constants import Role
from tests.factories import OrganisationFactory, UserFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def authenticator_for(user) -> TOTPDevice:
    """The user's authenticator app, set up now if they have none (as if at first sign-in)."""
    return two_factor.authenticator_of(user) or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True
    )


def sign_in_client(client, user):
    """Sign the test client in as `user` with both factors, as the two sign-in steps would.

    Users who need a second factor (partnership.two_factor.required_for) get an authenticator
    and a session verified with it; without that, SecondFactorRequiredMiddleware signs them out.
    """
    client.force_login(user, backend=MODEL_BACKEND)
    if two_factor.required_for(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
        session.save()
    return client


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test fails: CI installs everything the tests need
    (.ci/system-deps.sh), and tests that belong to one layer only are deselected by marker
    (Makefile), so a skip there means something is missing."""
    report = yield
    if report.skipped and os.environ.get("CI") == "true" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped under CI=true, where nothing may be skipped: {reason}"
    return report


@receiver(connection_created)
def allow_emptying_the_audit_log_between_tests(sender, connection, **kwargs):
    """A test that commits ends with Django's flush, a TRUNCATE of every table, which the audit
    log refuses on PostgreSQL unless the session allows it (partnership/migrations/0007)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET partnership.audit_truncate_allowed = 'on'")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def agency(db):
    return OrganisationFactory(name="Harbour Lights Test Agency")


@pytest.fixture
def other_agency(db):
    return OrganisationFactory(name="Another Test Agency")


@pytest.fixture
def officer(agency):
    return UserFactory(username="officer", organisation=agency, roles=[Role.OFFICER])


@pytest.fixture
def other_agency_officer(other_agency):
    return UserFactory(username="other.officer", organisation=other_agency, roles=[Role.OFFICER])


@pytest.fixture
def performance_lead(db):
    return UserFactory(username="performance", roles=[Role.PERFORMANCE_LEAD])


@pytest.fixture
def commissioner(db):
    return UserFactory(username="commissioner", roles=[Role.COMMISSIONER])


@pytest.fixture
def committee_member(db):
    return UserFactory(username="councillor", roles=[Role.COMMITTEE_MEMBER])


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", roles=[Role.CLERK])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=[Role.ADMIN])


@pytest.fixture
def login(client):
    """`login(user)` returns the test client signed in as that user, second factor included."""

    def sign_in(user):
        return sign_in_client(client, user)

    return sign_in


@pytest.fixture(autouse=True)
def celery_tasks_run_eagerly(request, settings):
    """Tasks run inside the test, even with REDIS_URL set, except in tests marked `redis`.

    Settings make Celery eager only without REDIS_URL; the PostgreSQL/Redis run of the suite
    (.ci/with-servers.sh) sets it, and tests that expect a task's effect at once must still pass.
    """
    if request.node.get_closest_marker("redis"):
        yield
        return
    from partnership.celery import app

    was_eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was_eager


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Each test starts with an empty cache of its own: the open data's cached answers and
    request counts (commissioning/opendata/http.py) would otherwise leak between tests. It is
    in memory even where REDIS_URL is set, so clearing it never empties the Celery broker."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()
