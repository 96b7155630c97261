"""Scrutiny fixtures: a committee the `committee_member` sits on, and one they do not."""

from datetime import date

import pytest

from partnership.constants import Role
from scrutiny.demo import minimal_pdf
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    ResolutionFactory,
    UserFactory,
)

TODAY = date(2025, 11, 3)  # a Monday


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def pdf_bytes():
    return minimal_pdf("Appendix A")


@pytest.fixture
def committee(clerk, committee_member):
    return CommitteeFactory(
        name="Overview and Scrutiny Committee", clerk=clerk, members=[committee_member]
    )


@pytest.fixture
def other_committee(db):
    other_clerk = UserFactory(username="other.clerk", roles=[Role.CLERK])
    other_member = UserFactory(username="other.councillor", roles=[Role.COMMITTEE_MEMBER])
    return CommitteeFactory(name="Partnership Board", clerk=other_clerk, members=[other_member])


@pytest.fixture
def meeting(committee):
    return MeetingFactory(committee=committee, date=date(2025, 6, 12))


@pytest.fixture
def item(meeting):
    return AgendaItemFactory(meeting=meeting, number=1, title="Domestic abuse services")


@pytest.fixture
def exempt_item(meeting):
    return AgendaItemFactory(
        meeting=meeting, number=2, title="Refuge contract prices", exempt=True, exempt_paragraph=3
    )


@pytest.fixture
def resolution(item):
    return ResolutionFactory(agenda_item=item, label="a", position=1)


@pytest.fixture
def action(resolution, officer, clerk):
    """An open action owned by the officer, due 30 September 2025 (overdue on TODAY)."""
    return ActionFactory(resolution=resolution, owner=officer, raised_by=clerk)


@pytest.fixture
def other_meeting(other_committee):
    return MeetingFactory(committee=other_committee, date=date(2025, 7, 1))
