"""Children in the households of a quarter's referrals, and children referred, counted once.

Raw counts, nothing suppressed (see `referrals.metrics`). The Domestic Abuse Act 2021 makes
children victims in their own right, so committees ask how many children the referrals reach.
Two records could count the same child twice: an adult's referral records the children in the
household, and one of those children may be referred too. Definitions:

- A quarter's referrals are those received in it, narrowed by service like every figure.
- **Household**: referrals with the same address key are one household (the keyed hash of
  postcode and house; see `referrals.identity`). A referral with no address is a household of
  its own, by person (the same person's referrals are one household).
- **Children in households**: for each household, the largest number of children recorded on
  its referrals (a child referral records the children of its household, the child included),
  added up over households.
- **Child referrals**: referrals about a child or young person; **children referred**: the
  different children among them (by person key; the retention schedule replaces a person's key
  with one token for all their referrals of a quarter, as it does the address key, so these
  counts do not change when referrals are anonymised).
- **Children reached**: for each household, the larger of the children recorded and the
  different children referred from it, added up. A child referred from a household whose
  adult's referral already counted them is counted once; `counted_once` says how many such
  children the simple sum (children in households plus children referred) would count twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from partnership.calendar import FinancialQuarter

from .constants import Subject
from .metrics import referral_filter
from .models import Referral


@dataclass(frozen=True)
class ChildrenFigures:
    quarter: FinancialQuarter
    households: int
    households_with_children: int
    children_in_households: int
    child_referrals: int
    children_referred: int
    children_reached: int

    @property
    def counted_once(self) -> int:
        """Children the sum of the two counts would have counted twice."""
        return self.children_in_households + self.children_referred - self.children_reached


def _household(pk: int, person_key: str, address_key: str) -> str:
    if address_key:
        return f"a:{address_key}"
    return f"p:{person_key}" if person_key else f"r:{pk}"


def children_figures(
    quarter: FinancialQuarter, *, service_ids: Iterable[int] | None = None
) -> ChildrenFigures:
    rows = Referral.objects.filter(
        referral_filter(service_ids=service_ids),
        received_at__gte=quarter.start_datetime(),
        received_at__lt=quarter.end_datetime(),
    ).values_list("pk", "person_key", "address_key", "subject", "children_in_household")
    recorded: dict[str, int] = defaultdict(int)
    referred: dict[str, set[str]] = defaultdict(set)
    child_referrals = 0
    for pk, person, address, subject, children in rows.order_by().iterator(5000):
        household = _household(pk, person, address)
        recorded[household] = max(recorded[household], children)
        if subject == Subject.CHILD:
            child_referrals += 1
            referred[household].add(person or f"r:{pk}")
    return ChildrenFigures(
        quarter=quarter,
        households=len(recorded),
        households_with_children=sum(1 for h, n in recorded.items() if n or referred.get(h)),
        children_in_households=sum(recorded.values()),
        child_referrals=child_referrals,
        children_referred=len({child for children in referred.values() for child in children}),
        children_reached=sum(
            max(n, len(referred.get(household, ()))) for household, n in recorded.items()
        ),
    )
