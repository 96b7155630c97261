"""Retention fixtures: a fixed today, and referrals and actions closed long enough ago."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from referrals.constants import Status
from scrutiny.constants import ActionStatus
from tests.factories import ActionFactory, OrganisationFactory, ReferralFactory

TODAY = date(2026, 6, 15)


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def closed_referral(db):
    """A factory of closed referrals: `closed_referral(closed_on, **fields)`."""

    def make(closed_on: date, received_on: date | None = None, **fields):
        received = at(received_on or closed_on - timedelta(days=30), 9)
        return ReferralFactory(
            received_at=received,
            status=Status.CLOSED,
            status_changed_at=at(closed_on),
            closed_at=at(closed_on),
            closure_reason="support_completed",
            referring_organisation=OrganisationFactory(name="Referring Agency"),
            **fields,
        )

    return make


@pytest.fixture
def closed_action(db):
    def make(closed_on: date, **fields):
        return ActionFactory(
            status=ActionStatus.NOT_FEASIBLE,
            closed_on=closed_on,
            closure_note="The owner, a named person, left the council.",
            **fields,
        )

    return make
