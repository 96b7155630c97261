"""An attacker with nothing but a committee member's CSV downloads, and an integer solver.

`download` fetches, through the dashboard's own export views as a signed-in committee member,
every panel's CSV that holds figures about people, and the CSV of every panel, for all services
and for each service, for a quarter and the same quarter last year. `attack` turns what it read
into an integer programme (Google OR-Tools CP-SAT) of everything an attacker knows to be true,
and works out for every count the smallest and largest value consistent with all of it.

What the attacker knows (the data notes and the dashboard's own definitions say so):

- A count shown as 0 is 0; "*" is at least 1; a number N (rounded to 5) is from N-2 to N+2 and
  above the threshold (smaller counts are never shown).
- Cells add up: a service's referrals by district, source, subject, equality group, risk level
  and closure reason add up to its totals; every all-services figure is the sum of the services'
  (districts, sources, outcomes, the waiting list, first contact...). Once a quarter's deadlines
  have passed, every referral counts in first contact, so its whole is the referrals received;
  oversight's whole is the referrals at services whose definition measures it (the others show
  "–"), a count no download shows but whose rounded value the percentages are made from.
  Outcomes met are at most the referrals closed, repeat referrals and households at most the
  referrals, the waiting list at most the open cases, and all services' households at least any
  one service's and at most their sum.
- A figure shown beside counts (a percentage, a rate per 10,000, a per-FTE rate) constrains the
  counts it was made from: "p%" to d decimals means the ratio lies in [p - h, p + h) with
  h = 0.5 / 10^d, which is linear in the numerator and denominator. The attacker does not take
  the data notes on trust: in one world the figures are made from the exact counts (the old
  rule), in the other from the counts as released (a rounded count for a numerator not shown).
  The bounds are over both worlds (a boolean per quarter that the solver may choose).
- A percentage shown against a target as a band ("over 94%") says that from 1 to the threshold
  missed it; a "*" there beside a shown whole says that none did, or more than the threshold.

The attacker does not use the order in which secondary suppression picks cells; nothing else is
left out. Each quarter is a separate programme (no relation crosses quarters).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from ortools.sat.python import cp_model

from partnership.disclosure import NOT_APPLICABLE, SUPPRESSED
from referrals.constants import (
    ClosureReason,
    Outcome,
    ReferralSource,
    RiskLevel,
    Subject,
)
from referrals.metrics import EQUALITY_FIELDS
from scrutiny.dashboard.panels import PANELS
from scrutiny.dashboard.wording import (
    ALL_SERVICES,
    DOES_NOT_APPLY,
    EQUALITY_NAMES,
    WAITING_LIST,
)
from tests.scrutiny.adversary_statutory import read_children, read_marac

EXPORT = reverse("scrutiny:dashboard_export")
EXPORT_ALL = reverse("scrutiny:dashboard_export_all")
# Panels with figures about people; safe accommodation (capacity), funding, grants and committee
# actions hold none and are the same in every view.
PEOPLE_PANELS = [
    "referrals-by-quarter",
    "districts",
    "services",
    "sources",
    "subjects",
    "response",
    "waiting",
    "repeats",
    "outcomes",
    "caseload",
    "equality",
    "marac",
    "children",
    "variation-districts",
    "variation-services",
]
ALL = "all"  # all services, or all categories
BIG = 10**7
TOTAL_ROWS = {"All referrals", "All districts and out of area", "All risk levels"}


def download(client, quarters, service_ids) -> dict:
    """{(quarter label, service id or None, panel slug): rows of the CSV, header first}.

    Each view's CSV of every panel is read too: each panel in it must say exactly what the
    panel's own CSV says (one release), so it tells the attacker nothing more."""
    found = {}
    for quarter in quarters:
        for service_id in [None, *service_ids]:
            query = {"quarter": quarter.label}
            if service_id is not None:
                query["service"] = service_id
            for slug in PEOPLE_PANELS:
                found[(quarter.label, service_id, slug)] = _get(client, EXPORT, query, slug)
            every = _panels_of(_get(client, EXPORT_ALL, query))
            for slug in PEOPLE_PANELS:
                own = found[(quarter.label, service_id, slug)]
                assert every[slug] == own, (query, slug, "differs in the CSV of every panel")
    return found


def _get(client, url, query, slug=None) -> list[list[str]]:
    response = client.get(url, query if slug is None else query | {"panel": slug})
    assert response.status_code == 200, (url, query, slug, response.status_code)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _panels_of(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    """The CSV of every panel, by panel slug: after each blank line, a panel's title, then its
    own CSV, in page order."""
    found: list[list[list[str]]] = []
    for row in rows[1:]:
        if not row:
            found.append([])
        else:
            found[-1].append(row)
    assert len(found) == len(PANELS)
    return {slug: section[1:] for slug, section in zip(PANELS, found, strict=True)}


@dataclass
class Finding:
    key: tuple
    shown: str
    low: int
    high: int


@dataclass
class Result:
    cells: int = 0
    suppressed: int = 0
    rounded: int = 0
    solves: int = 0
    recovered: list[Finding] = field(default_factory=list)  # suppressed, pinned in 1..t
    pinned: list[Finding] = field(default_factory=list)  # rounded, pinned to one value
    conflicts: list[str] = field(default_factory=list)  # one cell, two values
    bounds: dict = field(default_factory=dict)  # key -> (shown, low, high)


_PERCENT = re.compile(r"^(-?[\d,]+(?:\.(\d+))?)%$")
_NUMBER = re.compile(r"^-?[\d,]+(?:\.(\d+))?$")
_BAND = re.compile(r"^over (\d+)%$")


class _Quarter:
    """The integer programme for one quarter."""

    def __init__(self, label: str, threshold: int):
        self.label = label
        self.threshold = threshold
        self.model = cp_model.CpModel()
        self.vars: dict[tuple, cp_model.IntVar] = {}
        self.shown: dict[tuple, str] = {}
        self.released: dict[tuple, cp_model.IntVar] = {}  # counts never shown, as released
        self.conflicts: list[str] = []
        self.old_rule = self.model.NewBoolVar(f"old rule {label}")  # figures from exact counts

    def var(self, *key) -> cp_model.IntVar:
        if key not in self.vars:
            self.vars[key] = self.model.NewIntVar(0, BIG, repr(key))
        return self.vars[key]

    # What a shown figure says ------------------------------------------------------------------

    def count(self, key: tuple, shown: str) -> None:
        if key in self.shown:
            if self.shown[key] != shown:
                self.conflicts.append(f"{self.label} {key}: {self.shown[key]!r} and {shown!r}")
            return
        self.shown[key] = shown
        x = self.var(*key)
        if shown == "0":
            self.model.Add(x == 0)
        elif shown == SUPPRESSED:
            self.model.Add(x >= 1)
        else:
            n = int(shown.replace(",", ""))
            self.model.Add(x >= max(n - 2, self.threshold + 1))
            self.model.Add(x <= n + 2)

    def _not_small(self, x) -> None:
        """A figure was shown on x, so x is 0 or above the threshold."""
        zero = self.model.NewBoolVar("")
        self.model.Add(x == 0).OnlyEnforceIf(zero)
        self.model.Add(x >= self.threshold + 1).OnlyEnforceIf(zero.Not())

    def _ratio(self, part, whole, shown: str, scale: int, enforce) -> None:
        """`shown` (p to d decimals) = part / whole * scale, half up: linear in part and whole."""
        digits = re.sub(r"[^\d.\-]", "", shown)
        value = Decimal(digits)
        places = -value.as_tuple().exponent if "." in digits else 0
        units = int(value.scaleb(places))  # p * 10^d
        factor = 2 * scale * 10**places
        self.model.Add(factor * part >= (2 * units - 1) * whole).OnlyEnforceIf(enforce)
        self.model.Add(factor * part < (2 * units + 1) * whole).OnlyEnforceIf(enforce)

    def share(self, part: tuple, whole: tuple, shown: str, *, part_shown: bool, band: bool) -> None:
        """A percentage of `whole` (a count cell the attacker has seen)."""
        p, w = self.var(*part), self.var(*whole)
        self.model.Add(p <= w)
        complement = w - p
        if shown == NOT_APPLICABLE:
            self.model.Add(w == 0)
            return
        if _BAND.match(shown):
            self.model.Add(complement >= 1)
            self.model.Add(complement <= self.threshold)
            return
        if shown == SUPPRESSED:
            if band and self.shown.get(whole) not in (None, SUPPRESSED):
                self._not_small(complement)
            return
        self._not_small(p)
        self.model.Add(w >= self.threshold + 1)
        if band:
            self._not_small(complement)
        self._ratio(p, w, shown, 100, self.old_rule)
        if not part_shown:
            # The new rule: from the part as released, a multiple of 5 within 2 of the part.
            released = self.model.NewIntVar(0, BIG, "")
            fifths = self.model.NewIntVar(0, BIG, "")
            self.model.Add(released == 5 * fifths)
            self.model.Add(p - released <= 2).OnlyEnforceIf(self.old_rule.Not())
            self.model.Add(released - p <= 2).OnlyEnforceIf(self.old_rule.Not())
            self._ratio(released, self._released(whole, w), shown, 100, self.old_rule.Not())

    def _released(self, key: tuple, x):
        """The value released for the count `key` (x): as shown, or, for a count the downloads
        never show (oversight's whole: the referrals at services that measure it), a multiple
        of 5 within 2 of it."""
        if key in self.shown:
            return int(self.shown[key].replace(",", ""))
        if key not in self.released:
            released = self.model.NewIntVar(0, BIG, "")
            fifths = self.model.NewIntVar(0, BIG, "")
            self.model.Add(released == 5 * fifths)
            self.model.Add(x - released <= 2)
            self.model.Add(released - x <= 2)
            self.released[key] = released
        return self.released[key]

    def rate(self, part: tuple, base: Decimal, shown: str, per: int) -> None:
        """A rate of a count per a public base (population, FTE)."""
        if shown in (NOT_APPLICABLE, SUPPRESSED):
            return
        self._not_small(self.var(*part))
        exponent = -base.as_tuple().exponent if base.as_tuple().exponent < 0 else 0
        whole = int(base.scaleb(exponent))
        self._ratio(self.var(*part), whole, shown, per * 10**exponent, self.old_rule)

    def add_up(self, total: tuple, parts: list[tuple]) -> None:
        self.model.Add(self.var(*total) == sum(self.var(*p) for p in parts))

    def at_most(self, smaller: tuple, larger: tuple) -> None:
        self.model.Add(self.var(*smaller) <= self.var(*larger))

    # Solving -----------------------------------------------------------------------------------

    def bounds(self, result: Result) -> dict[tuple, tuple[int, int]]:
        """Smallest and largest value of every shown count, with as few solves as it takes: every
        solution found is kept, and a bound the solutions already reach is not solved for."""
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 30
        # Presolve costs more than it saves on a thousand small solves of one model.
        solver.parameters.cp_model_presolve = False
        keys = list(self.shown)
        seen_low = dict.fromkeys(keys, BIG + 1)
        seen_high = dict.fromkeys(keys, -1)

        def solve(objective, maximise: bool) -> None:
            if maximise:
                self.model.Maximize(objective)
            else:
                self.model.Minimize(objective)
            status = solver.Solve(self.model)
            result.solves += 1
            assert status == cp_model.OPTIMAL, (self.label, solver.StatusName(status))
            for key in keys:
                value = solver.Value(self.vars[key])
                seen_low[key] = min(seen_low[key], value)
                seen_high[key] = max(seen_high[key], value)

        # Two spread-out solutions first: everything high, everything low.
        every = sum(self.vars[k] for k in keys)
        solve(every, True)
        solve(every, False)
        for key in keys:
            shown = self.shown[key]
            floor, ceiling = _box(shown, self.threshold)
            x = self.vars[key]
            if seen_low[key] > floor:
                solve(x, False)
            if seen_high[key] < ceiling:
                solve(x, True)
        return {key: (seen_low[key], seen_high[key]) for key in keys}


def _box(shown: str, threshold: int) -> tuple[int, int]:
    """The bounds a shown count gives on its own."""
    if shown == "0":
        return 0, 0
    if shown == SUPPRESSED:
        return 1, BIG
    n = int(shown.replace(",", ""))
    return max(n - 2, threshold + 1), n + 2


# Reading the downloads into programmes -----------------------------------------------------


def _rows(downloads, quarter, service, slug) -> list[list[str]]:
    return downloads[(quarter, service, slug)][1:]


def _by_first(rows) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows}


class _Reader:
    """Reads one quarter's downloads (and the other quarters the trend and XmR charts show)."""

    def __init__(
        self, downloads, quarter: str, threshold: int, populations, programmes, adult_women=None
    ):
        self.downloads = downloads
        self.quarter = quarter
        self.threshold = threshold
        self.populations = populations  # district name -> population (public)
        self.adult_women = adult_women or {}  # district name -> women aged 16 and over (public)
        self.programmes: dict[str, _Quarter] = programmes  # shared by the quarters read
        views = sorted({s for (q, s, _slug) in downloads if q == quarter}, key=lambda s: s or 0)
        self.services = [s for s in views if s is not None]
        self.views = [None, *self.services]
        names = _by_first(_rows(downloads, quarter, None, "services"))
        self.service_names = {name: None for name in names if name not in TOTAL_ROWS}
        for service in self.services:
            own = _by_first(_rows(downloads, quarter, service, "services"))
            (name,) = [n for n in own if n not in TOTAL_ROWS]
            self.service_names[name] = service

    def programme(self, label: str) -> _Quarter:
        if label not in self.programmes:
            self.programmes[label] = _Quarter(label, self.threshold)
        return self.programmes[label]

    def rows(self, service, slug) -> list[list[str]]:
        return _rows(self.downloads, self.quarter, service, slug)

    def read(self) -> dict[str, _Quarter]:
        p = self.programme(self.quarter)
        self._volumes()
        self._breakdown(p, "sources", "source", ReferralSource)
        self._breakdown(p, "subjects", "subject", Subject)
        self._equality(p)
        self._response(p)
        self._waiting(p)
        self._repeats(p)
        self._outcomes(p)
        self._caseload(p)
        read_marac(self, p, self.adult_women)
        read_children(self, p, ALL)
        return self.programmes

    def _services_sum(self, p: _Quarter, *key) -> None:
        """key with ALL in the service place is the sum over services."""
        index = key.index(ALL)
        parts = [key[:index] + (s,) + key[index + 1 :] for s in self.services]
        p.add_up(key, parts)

    # Volumes: districts and services, this quarter and every quarter on a chart --------------

    def _volumes(self) -> None:
        areas = [row[0] for row in self.rows(None, "districts") if row[0] not in TOTAL_ROWS]
        quarters_seen = set()
        for view in self.views:
            who = view if view is not None else ALL
            p = self.programme(self.quarter)
            for name, shown, rate in self.rows(view, "districts"):
                area = ALL if name in TOTAL_ROWS else name
                p.count(("received", who, area), shown)
                if area != ALL and name in self.populations:
                    p.rate(("received", who, area), Decimal(self.populations[name]), rate, 10_000)
            for label, shown, *_rest in self.rows(view, "referrals-by-quarter"):
                self.programme(label).count(("received", who, ALL), shown)
                quarters_seen.add(label)
            for name, label, shown, *_rest in self.rows(view, "variation-districts"):
                self.programme(label).count(("received", who, name), shown)
                quarters_seen.add(label)
            for name, label, shown, *_rest in self.rows(view, "variation-services"):
                service = self.service_names[name]
                self.programme(label).count(("received", service, ALL), shown)
            for name, shown in self.rows(view, "services"):
                if name not in TOTAL_ROWS:
                    p.count(("received", self.service_names[name], ALL), shown)
                elif view is None:
                    p.count(("received", ALL, ALL), shown)
        for label in quarters_seen | {self.quarter}:
            q = self.programme(label)
            for who in [ALL, *self.services]:
                q.add_up(("received", who, ALL), [("received", who, a) for a in areas])
            for area in [*areas, ALL]:
                self._services_sum(q, "received", ALL, area)

    def _breakdown(self, p: _Quarter, slug: str, name: str, choices) -> None:
        labels = {label: value for value, label in choices.choices}
        for view in self.views:
            who = view if view is not None else ALL
            for label, shown in self.rows(view, slug):
                key = (name, who, ALL if label in TOTAL_ROWS else labels[label])
                p.count(key, shown)
        for who in [ALL, *self.services]:
            p.add_up((name, who, ALL), [(name, who, v) for v in choices.values])
            p.add_up((name, who, ALL), [("received", who, ALL)])
        for value in [*choices.values, ALL]:
            self._services_sum(p, name, ALL, value)

    def _equality(self, p: _Quarter) -> None:
        names = {title: key for key, title in EQUALITY_NAMES.items()}
        for view in self.views:
            who = view if view is not None else ALL
            for title, label, shown, percent in self.rows(view, "equality"):
                field_name = names[title]
                value = {lab: v for v, lab in EQUALITY_FIELDS[field_name].choices}[label]
                p.count((field_name, who, value), shown)
                p.share(
                    (field_name, who, value),
                    ("received", who, ALL),
                    percent,
                    part_shown=True,
                    band=False,
                )
        for field_name, choices in EQUALITY_FIELDS.items():
            for who in [ALL, *self.services]:
                p.add_up(("received", who, ALL), [(field_name, who, v) for v in choices.values])
            for value in choices.values:
                self._services_sum(p, field_name, ALL, value)

    def _response(self, p: _Quarter) -> None:
        """Once deadlines have passed every referral counts in first contact; in oversight, every
        referral at a service whose definition measures it (the definitions page says which,
        and from when: in the demo, from a quarter's start, so a service measures it all
        quarter or not at all, and shows "Does not apply" then)."""
        for view in self.views:
            for name, contact, _t1, _v1, oversight, _t2, _v2 in self.rows(view, "response"):
                who = ALL if name == ALL_SERVICES else self.service_names[name]
                if oversight == DOES_NOT_APPLY:  # not measured: nothing to oversee
                    oversight = NOT_APPLICABLE
                p.share(
                    ("contacted", who), ("received", who, ALL), contact, part_shown=False, band=True
                )
                if who != ALL:
                    applies = oversight != NOT_APPLICABLE
                    received = p.var("received", who, ALL)
                    p.model.Add(p.var("overseeable", who) == (received if applies else 0))
                p.share(
                    ("overseen", who), ("overseeable", who), oversight, part_shown=False, band=True
                )
        for measure in ("contacted", "overseen", "overseeable"):
            self._services_sum(p, measure, ALL)

    def _waiting(self, p: _Quarter) -> None:
        levels = {label: value for value, label in RiskLevel.choices}
        for view in self.views:
            who = view if view is not None else ALL
            for measure, label, shown, *_waits in self.rows(view, "waiting"):
                if measure == WAITING_LIST:
                    p.count(("waiting list", who), shown)
                else:
                    p.count(("started", who, levels.get(label, ALL)), shown)
        for who in [ALL, *self.services]:
            p.add_up(("started", who, ALL), [("started", who, v) for v in RiskLevel.values])
        for value in [*RiskLevel.values, ALL]:
            self._services_sum(p, "started", ALL, value)
        self._services_sum(p, "waiting list", ALL)

    def _repeats(self, p: _Quarter) -> None:
        for view in self.views:
            who = view if view is not None else ALL
            rows = _by_first(self.rows(view, "repeats"))
            number, out_of, percent = rows["Repeat referrals"]
            p.count(("repeats", who), number)
            p.count(("received", who, ALL), out_of)
            p.share(("repeats", who), ("received", who, ALL), percent, part_shown=True, band=False)
            number, out_of, percent = rows["Repeat addresses (households)"]
            p.count(("repeat addresses", who), number)
            p.count(("households", who), out_of)
            p.share(
                ("repeat addresses", who), ("households", who), percent, part_shown=True, band=False
            )
            p.at_most(("households", who), ("received", who, ALL))
            p.at_most(("repeat addresses", who), ("households", who))
        self._services_sum(p, "repeats", ALL)
        for service in self.services:
            p.at_most(("households", service), ("households", ALL))
            p.at_most(("repeat addresses", service), ("repeat addresses", ALL))
        p.model.Add(p.var("households", ALL) <= sum(p.var("households", s) for s in self.services))

    def _outcomes(self, p: _Quarter) -> None:
        reasons = {label: value for value, label in ClosureReason.choices}
        outcomes = {label: value for value, label in Outcome.choices}
        for view in self.views:
            who = view if view is not None else ALL
            for group, label, shown in self.rows(view, "outcomes"):
                if group == "Reason for closing":
                    p.count(("closed", who, reasons.get(label, ALL)), shown)
                elif group == "Outcome met at closure":
                    p.count(("outcome", who, outcomes[label]), shown)
                else:
                    p.count(("signposted", who), shown)
        for who in [ALL, *self.services]:
            p.add_up(("closed", who, ALL), [("closed", who, v) for v in ClosureReason.values])
            for value in Outcome.values:
                p.at_most(("outcome", who, value), ("closed", who, ALL))
        for value in [*ClosureReason.values, ALL]:
            self._services_sum(p, "closed", ALL, value)
        for value in Outcome.values:
            self._services_sum(p, "outcome", ALL, value)
        self._services_sum(p, "signposted", ALL)

    def _caseload(self, p: _Quarter) -> None:
        for view in self.views:
            for name, shown, fte, per_fte, *_rest in self.rows(view, "caseload"):
                service = self.service_names[name]
                p.count(("open cases", service), shown)
                p.rate(("open cases", service), Decimal(fte), per_fte, 1)
                p.at_most(("waiting list", service), ("open cases", service))


def attack(
    downloads,
    *,
    quarters,
    threshold: int,
    populations: dict[str, int],
    adult_women: dict[str, int] | None = None,
) -> Result:
    """Every bound an attacker can put on the counts in `downloads`."""
    result = Result()
    programmes: dict[str, _Quarter] = {}
    for quarter in quarters:
        _Reader(downloads, quarter.label, threshold, populations, programmes, adult_women).read()
    for label, programme in sorted(programmes.items()):
        result.conflicts += programme.conflicts
        bounds = programme.bounds(result)
        for key, (low, high) in bounds.items():
            shown = programme.shown[key]
            full_key = (label, *key)
            result.cells += 1
            result.bounds[full_key] = (shown, low, high)
            if shown == SUPPRESSED:
                result.suppressed += 1
                if low == high and 1 <= low <= threshold:
                    result.recovered.append(Finding(full_key, shown, low, high))
            elif shown != "0":
                result.rounded += 1
                if low == high:
                    result.pinned.append(Finding(full_key, shown, low, high))
    return result
