"""Fixtures for referral tests: a service of the officer's agency, one of another agency, and a
way to log a referral through the service layer with sensible defaults."""

from datetime import timedelta

import pytest
from django.utils import timezone

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
