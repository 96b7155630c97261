"""What the attacker (tests/scrutiny/adversary.py) knows from the Marac and children panels
(scrutiny.dashboard.statutory).

Marac (the same panel in every view, for the whole partnership), for each period (the quarter
and the 12 months to its end): the cases are the sum of the districts (out of area included) and
of the referral routes (with "not recorded"); repeat cases, and each profile characteristic's
"has it" and "not known" together, are at most the cases; every percentage constrains its part
and the cases as for every other panel, and the rate per 10,000 adult women constrains the cases
by the public population. The quarter's counts are at most the 12 months' (the 12 months
include the quarter); the attacker reads only the quarters it downloads, so the other three
quarters of the 12 months are not modelled (the release hides in the 12 months what the quarter
hides where the two count the same cases). The partner-agency share is 100% less the police
share as shown and adds nothing, so it is not read.

Children (per view): child referrals are the subjects panel's cell (the same key, so a different
display would be a conflict); children referred are at most the child referrals; children
reached are at least children in households and children referred and at most their sum; the
all-services figures are at least any one service's and at most the sum of the services'.
"""

from __future__ import annotations

from decimal import Decimal

from referrals.constants import Subject
from scrutiny.dashboard.wording import (
    CHILD_REFERRALS,
    CHILDREN_IN_HOUSEHOLDS,
    CHILDREN_REACHED,
    CHILDREN_REFERRED,
)
from scrutiny.dashboard.wording import MARAC_ALL_AREAS as ALL_AREAS
from scrutiny.dashboard.wording import MARAC_ALL_CASES as ALL_CASES
from scrutiny.dashboard.wording import MARAC_PARTNER_AGENCIES as PARTNER_AGENCIES

CHILDREN_ROWS = {
    CHILDREN_IN_HOUSEHOLDS: "children in households",
    CHILDREN_REFERRED: "children referred",
    CHILDREN_REACHED: "children reached",
}
PER_SERVICE_BOUNDED = ("children in households", "children referred", "children reached")


def read_marac(reader, p, adult_women: dict[str, int]) -> None:
    """Every view's Marac download into the quarter's programme `p`."""
    periods: dict[str, set] = {}
    for view in reader.views:
        for table, measure, period, number, figure, _recommended, not_known in reader.rows(
            view, "marac"
        ):
            keys = periods.setdefault(period, set())
            cases = ("marac", period, "cases")
            if table == "Cases":
                key = {
                    "Cases": cases,
                    "Repeat cases": ("marac", period, "repeats"),
                    "Children in the households": ("marac", period, "children"),
                }.get(measure, ("marac", period, "no hearing date"))
                p.count(key, number)
                if key == cases and adult_women:
                    p.rate(cases, Decimal(sum(adult_women.values())), figure, 10_000)
                elif key[2] == "repeats":
                    p.share(key, cases, figure, part_shown=True, band=False)
                keys.add(key)
            elif table == "District":
                key = cases if measure == ALL_AREAS else ("marac", period, "area", measure)
                p.count(key, number)
                if measure in adult_women:
                    p.rate(key, Decimal(adult_women[measure]), figure, 10_000)
                keys.add(key)
            elif table == "Referred by" and measure != PARTNER_AGENCIES:
                key = cases if measure == ALL_CASES else ("marac", period, "source", measure)
                p.count(key, number)
                if key != cases:
                    p.share(key, cases, figure, part_shown=True, band=False)
                keys.add(key)
            elif table == "Profile":
                has = ("marac", period, "profile", measure)
                unknown = ("marac", period, "profile not known", measure)
                p.count(has, number)
                p.count(unknown, not_known)
                p.share(has, cases, figure, part_shown=True, band=False)
                p.model.Add(p.var(*has) + p.var(*unknown) <= p.var(*cases))
                keys |= {has, unknown}
    for period, keys in periods.items():
        _marac_sums(p, period, keys)
    _quarter_within_year(p, reader.quarter, periods)


def _marac_sums(p, period: str, keys: set) -> None:
    cases = ("marac", period, "cases")
    for group in ("area", "source"):
        members = [k for k in keys if len(k) == 4 and k[2] == group]
        if members:
            p.add_up(cases, members)
    p.at_most(("marac", period, "repeats"), cases)


def _quarter_within_year(p, quarter: str, periods: dict[str, set]) -> None:
    """The quarter's counts are at most the 12 months' to its end."""
    if quarter not in periods:
        return
    for year in [label for label in periods if label != quarter]:
        for key in periods[quarter]:
            wider = (key[0], year, *key[2:])
            if wider in periods[year]:
                p.at_most(key, wider)


def read_children(reader, p, everyone: str) -> None:
    """Every view's children download; child referrals are the subjects cell. `everyone` is
    the attacker's key for the all-services view."""
    who_of = {}
    for view in reader.views:
        who = view if view is not None else everyone
        who_of[view] = who
        for measure, number in reader.rows(view, "children"):
            key = ("subject", who, Subject.CHILD.value) if measure == CHILD_REFERRALS else None
            if key is None:
                key = (CHILDREN_ROWS[measure], who)
            p.count(key, number)
        p.at_most(("children referred", who), ("subject", who, Subject.CHILD.value))
        for part in ("children in households", "children referred"):
            p.at_most((part, who), ("children reached", who))
        p.model.Add(
            p.var("children reached", who)
            <= p.var("children in households", who) + p.var("children referred", who)
        )
    services = [who for view, who in who_of.items() if view is not None]
    if everyone not in who_of.values():
        return
    for name in PER_SERVICE_BOUNDED:
        for service in services:
            p.at_most((name, service), (name, everyone))
        p.model.Add(p.var(name, everyone) <= sum(p.var(name, s) for s in services))
