"""Fixtures for referral tests: a service of the officer's agency, one of another agency, and a
way to log a referral through the service layer with sensible defaults, and a broker that can
be down (background runs: the annual return, provider-return imports), and the demo data set
for a module's tests."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from partnership.demo import seed_demo
from referrals import identity, services
from tests.factories import AreaFactory, CommissionedServiceFactory, ServiceDefinitionFactory

BORN = timezone.datetime(1987, 3, 14).date()


@pytest.fixture
def district(db):
    return AreaFactory(name="Testvale", population=120_000)


@pytest.fixture
def service(agency):
    """An IDVA service provided by the officer's agency, which measures 24-hour oversight (a
    board's definition: by default only front-door services do)."""
    service = CommissionedServiceFactory(name="Test IDVA service", provider=agency)
    ServiceDefinitionFactory(service=service, oversight_applies=True)
    return service


@pytest.fixture
def other_service(other_agency):
    return CommissionedServiceFactory(name="Other agency's service", provider=other_agency)


@pytest.fixture
def log_referral(district):
    """`log_referral(by=..., service=..., name="...", **overrides)` through referral_create."""

    def log(*, by, service, name="Sam Example", born=BORN, postcode="", house="", **overrides):
        arguments = {
            "received_at": timezone.now() - timedelta(hours=3),
            "source": "police",
            "subject": "victim_survivor",
            "area": district,
            "risk_level": "medium",
            "heard_at_marac": False,
            "children_in_household": 1,
            "age_band": "25_34",
            "gender": "woman",
            "ethnic_group": "white_british",
            "disability": "no",
            "sexual_orientation": "not_known",
            "no_recourse_to_public_funds": "no",
            "person_key": identity.person_key(name, born),
            "address_key": identity.address_key(postcode, house) if postcode else "",
        }
        arguments.update(overrides)
        return services.referral_create(by=by, service=service, **arguments)

    return log


@pytest.fixture
def broker(monkeypatch):
    """The broker, down until `broker.up()` (and again after `broker.down()`); while up, tasks
    run here as a worker would."""
    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    from partnership.celery import app

    real_apply_async = Task.apply_async
    state = {"up": False, "refused": 0}

    def apply_async(self, *args, **kwargs):
        if not state["up"]:
            state["refused"] += 1
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return real_apply_async(self, *args, **kwargs)

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(Task, "apply_async", apply_async)

    def up():
        state["up"] = True
        app.conf.task_always_eager = True

    def down():
        state["up"] = False
        app.conf.task_always_eager = False

    yield SimpleNamespace(state=state, up=up, down=down)
    app.conf.task_always_eager = was_eager


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data set (4,000 referrals, seed 3), made once for the module's tests and
    removed after them."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_demo(referrals=4000, seed=3)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
