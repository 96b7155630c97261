"""`children_figures` counts in SQL exactly what the docstring's Python definition counts."""

import random
from collections import defaultdict
from datetime import datetime

import pytest
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from referrals.children import children_figures
from referrals.models import Referral
from tests.factories import ReferralFactory

Q = FinancialQuarter(2025, 1)
IN_Q = timezone.make_aware(datetime(2025, 5, 1, 10))


def _by_definition(rows):
    """The definition in Python, one row at a time (the module's code before it moved to SQL)."""
    recorded: dict[str, int] = defaultdict(int)
    referred: dict[str, set[str]] = defaultdict(set)
    child_referrals = 0
    for pk, person, address, subject, children in rows:
        household = f"a:{address}" if address else f"p:{person}" if person else f"r:{pk}"
        recorded[household] = max(recorded[household], children)
        if subject == "child":
            child_referrals += 1
            referred[household].add(person or f"r:{pk}")
    return (
        len(recorded),
        sum(1 for h, n in recorded.items() if n or referred.get(h)),
        sum(recorded.values()),
        child_referrals,
        len({child for children in referred.values() for child in children}),
        sum(max(n, len(referred.get(h, ()))) for h, n in recorded.items()),
    )


def _figures(quarter, service_ids=None):
    f = children_figures(quarter, service_ids=service_ids)
    return (
        f.households,
        f.households_with_children,
        f.children_in_households,
        f.child_referrals,
        f.children_referred,
        f.children_reached,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_counts_match_the_definition_on_random_households(db, seed):
    # Few keys, so addresses, people and children are shared across rows, a child is referred
    # from two households, and some rows have no address or no person key at all.
    draw = random.Random(seed)
    first = ReferralFactory(received_at=IN_Q)
    for _ in range(40):
        same_service = {"service": first.service} if draw.random() < 0.5 else {}
        ReferralFactory(
            **same_service,
            address_key=draw.choice(["", "", "A", "B", "C"]),
            person_key=draw.choice(["", "p1", "p2", "p3", "p4"]),
            subject=draw.choice(["victim_survivor", "child", "child"]),
            children_in_household=draw.choice([0, 0, 1, 2, 3]),
            received_at=IN_Q,
        )
    rows = Referral.objects.order_by().values_list(
        "pk", "person_key", "address_key", "subject", "children_in_household"
    )
    assert _figures(Q) == _by_definition(rows)
    service = [first.service_id]
    assert _figures(Q, service) == _by_definition(rows.filter(service_id__in=service))


def test_an_empty_quarter_counts_nothing(db):
    assert _figures(Q) == (0, 0, 0, 0, 0, 0)
