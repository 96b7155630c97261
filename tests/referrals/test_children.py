"""Children in households and child referrals, counted once (referrals.children)."""

from datetime import datetime

from django.utils import timezone

from partnership.calendar import FinancialQuarter
from referrals.children import children_figures
from tests.factories import ReferralFactory

Q = FinancialQuarter(2025, 1)
IN_Q = timezone.make_aware(datetime(2025, 5, 1, 10))


def test_a_referred_child_already_counted_in_an_adults_household_counts_once(db):
    # Household A: the mother's referral records 2 children; one of them is referred too, and
    # her second referral in the quarter records the same 2: A has 2 children.
    ReferralFactory(address_key="A", person_key="mum", children_in_household=2, received_at=IN_Q)
    ReferralFactory(address_key="A", person_key="mum", children_in_household=2, received_at=IN_Q)
    ReferralFactory(
        address_key="A",
        person_key="child-1",
        subject="child",
        children_in_household=2,
        received_at=IN_Q,
    )
    # Household B: two children referred, the adult's referral recorded only 1: B has 2.
    ReferralFactory(address_key="B", person_key="dad", children_in_household=1, received_at=IN_Q)
    for child in ("child-2", "child-3"):
        ReferralFactory(
            address_key="B",
            person_key=child,
            subject="child",
            children_in_household=1,
            received_at=IN_Q,
        )
    # No address: a person with 3 children, and a child referred alone (recorded as 0).
    ReferralFactory(address_key="", person_key="solo", children_in_household=3, received_at=IN_Q)
    ReferralFactory(
        address_key="",
        person_key="child-4",
        subject="child",
        children_in_household=0,
        received_at=IN_Q,
    )
    figures = children_figures(Q)
    assert figures.households == 4
    assert figures.children_in_households == 2 + 1 + 3 + 0
    assert (figures.child_referrals, figures.children_referred) == (4, 4)
    # A: 2, B: max(1, 2) = 2, solo: 3, child-4: max(0, 1) = 1.
    assert figures.children_reached == 8
    assert figures.counted_once == 6 + 4 - 8
    assert figures.households_with_children == 4
