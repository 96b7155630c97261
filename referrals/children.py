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

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db.models import Case, Count, F, Max, Q, Sum, When
from django.db.models.functions import Coalesce, Greatest

from partnership.calendar import FinancialQuarter

from . import stored_figures
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


def _household_key() -> dict[str, Case]:
    """The household as three columns that are never set together (NULLs group as equal).

    The address key when there is one, else the person key, else the referral itself: the
    same rule as the docstring's, without building strings, so it is the same on every database.
    """
    no_address = Q(address_key="")
    return {
        "by_address": Case(When(~no_address, then=F("address_key"))),
        "by_person": Case(When(no_address & ~Q(person_key=""), then=F("person_key"))),
        "by_referral": Case(When(no_address & Q(person_key=""), then=F("pk"))),
    }


def children_figures(
    quarter: FinancialQuarter, *, service_ids: Iterable[int] | None = None
) -> ChildrenFigures:
    """Two reads: one grouped by household then summed, one over the quarter's child referrals."""
    rows = Referral.objects.filter(
        referral_filter(service_ids=service_ids),
        received_at__gte=quarter.start_datetime(),
        received_at__lt=quarter.end_datetime(),
    ).order_by()
    child = Q(subject=Subject.CHILD)
    keyed = ~Q(person_key="")
    # Different children referred from a household: by person key, a child without one by itself.
    referred = Count("person_key", distinct=True, filter=child & keyed) + Count(
        "pk", filter=child & ~keyed
    )
    households = (
        rows.annotate(**_household_key())
        .values("by_address", "by_person", "by_referral")
        .annotate(
            recorded=Max("children_in_household"),
            reached=Greatest(Max("children_in_household"), referred),
        )
        .aggregate(
            households=Count("*"),
            households_with_children=Count("reached", filter=Q(reached__gt=0)),
            children_in_households=Coalesce(Sum("recorded"), 0),
            children_reached=Coalesce(Sum("reached"), 0),
        )
    )
    children = rows.filter(child).aggregate(
        child_referrals=Count("*"),
        children_referred=Count("person_key", distinct=True, filter=keyed)
        + Count("pk", filter=~keyed),
    )
    return ChildrenFigures(quarter=quarter, **households, **children)


def stored_children_figures(
    quarter: FinancialQuarter, *, service_ids: Iterable[int] | None = None
) -> ChildrenFigures:
    """`children_figures`, kept between changes to the quarter's referrals
    (referrals.stored_figures)."""
    service_ids = None if service_ids is None else list(service_ids)
    return stored_figures.stored_for_quarter(
        "children",
        quarter,
        service_ids=service_ids,
        count=lambda: children_figures(quarter, service_ids=service_ids),
        encode=lambda figures: {k: v for k, v in asdict(figures).items() if k != "quarter"},
        decode=lambda data: ChildrenFigures(quarter=quarter, **data),
    )
