"""The committee dashboard's released cells: every count of a quarter, for every service at once.

A figure that appears in several places must be released once, with one value: the all-services
view and each service's view, the page, its CSV downloads and the PDF report, this quarter and
the same quarter last year. And a set of figures that add up (a service's referrals by district,
every service's, all services') must be protected together, or one view subtracted from another
gives a hidden count back. So each quarter's counts are released here as tables of services by
category, through partnership.disclosure:

- `received`: referrals by service with their total. These are the margins of every table of
  referrals received in the quarter (districts, sources, subjects, the equality profile and
  repeat referrals), which keep these same cells.
- the tables: a service's view shows its row (`View.of_table`), the all-services view the column
  totals with the grand total. Secondary suppression runs over the whole table, so a cell hidden
  in one service's view cannot be worked out from the all-services view and the other services'.
- percentages are released as tables of their part and its complement with the whole as margin
  (contacted in time and not, within the referrals that count), so that the totals a percentage
  implies take part in secondary suppression too; figures with no total shown (outcomes met,
  signposting, the waiting list) are series over services with the all-services total.

Which services are rows does not depend on the view: every service with a referral in any
quarter the dashboard shows, and every active one (a row of zeros changes no suppression).
Figures about distinct households, statistics of groups (median waits) and caseloads do not add
up across services and are disclosed by the dashboard for its own view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from partnership.disclosure import Disclosed, DisclosedSeries, DisclosedTable, Disclosure
from referrals.constants import ClosureReason, Outcome, ReferralSource, RiskLevel, Subject
from referrals.metrics import EQUALITY_FIELDS, Percentage, ServiceCounts

PART = "part"  # a percentage's numerator: contacted in time, overseen in time, a repeat referral
REST = "rest"  # its complement within the whole


@dataclass(frozen=True)
class View:
    """Which cells a dashboard shows: one service's row, or every service together (None)."""

    service_id: int | None

    def of_table(self, table: DisclosedTable) -> DisclosedSeries:
        return table.row(self.service_id) if self.service_id else table.columns()

    def of_series(self, series: DisclosedSeries) -> Disclosed:
        if self.service_id:
            return series.items[self.service_id]
        assert series.total is not None
        return series.total


@dataclass(frozen=True)
class Volumes:
    """A quarter's referrals by service (with the total) and by service and district."""

    received: DisclosedSeries[int]
    districts: DisclosedTable[int, int | None]


@dataclass(frozen=True)
class QuarterRelease:
    """Every additive count of one quarter, released for every service at once."""

    volumes: Volumes
    sources: DisclosedTable[int, str]
    subjects: DisclosedTable[int, str]
    equality: dict[str, DisclosedTable[int, str]]
    first_contact: DisclosedTable[int, str]  # columns PART, REST; margins: referrals that count
    oversight: DisclosedTable[int, str]
    repeats: DisclosedTable[int, str]  # columns PART, REST; margins: `volumes.received`
    waiting_list: DisclosedSeries[int]
    started: DisclosedTable[int, str]  # support started, by risk level
    closures: DisclosedTable[int, str]
    outcomes: dict[str, DisclosedSeries[int]]
    signposted: DisclosedSeries[int]


def release_volumes(
    counts: dict[tuple[int, int | None], int],
    *,
    service_ids: list[int],
    area_ids: list[int | None],
    disclosure: Disclosure,
) -> Volumes:
    """`counts` by (service id, area id) as a table with the services' totals as its margins.

    The dashboard releases every quarter it charts, most of them long past and unchanged, on
    every request: the answer is kept for the same counts (a pure function of them)."""
    grid = tuple(tuple(counts.get((pk, a), 0) for a in area_ids) for pk in service_ids)
    threshold = (
        settings.DISCLOSURE_THRESHOLD if disclosure.threshold is None else disclosure.threshold
    )
    return _released_volumes(
        grid, tuple(service_ids), tuple(area_ids), Disclosure(disclosure.exact, threshold)
    )


@lru_cache(maxsize=1024)
def _released_volumes(
    grid: tuple[tuple[int, ...], ...],
    service_ids: tuple[int, ...],
    area_ids: tuple[int | None, ...],
    disclosure: Disclosure,
) -> Volumes:
    rows = {
        pk: dict(zip(area_ids, row, strict=True)) for pk, row in zip(service_ids, grid, strict=True)
    }
    received = disclosure.series({pk: sum(row) for pk, row in zip(service_ids, grid, strict=True)})
    return Volumes(
        received=received,
        districts=disclosure.table(rows, columns=list(area_ids), margins=received),
    )


def _share_table(
    shares: dict[int, Percentage], disclosure: Disclosure, margins: DisclosedSeries | None = None
) -> DisclosedTable[int, str]:
    """Parts and their complements, with the wholes as margins (released here if not given)."""
    rows = {
        pk: {PART: share.numerator, REST: share.denominator - share.numerator}
        for pk, share in shares.items()
    }
    if margins is None:
        margins = disclosure.series({pk: share.denominator for pk, share in shares.items()})
    return disclosure.table(rows, columns=[PART, REST], margins=margins)


def _by_category(
    rows: dict[int, dict[str, int]], columns, disclosure: Disclosure, margins=None
) -> DisclosedTable[int, str]:
    if margins is None:
        margins = disclosure.series({pk: sum(row.values()) for pk, row in rows.items()})
    return disclosure.table(rows, columns=list(columns), margins=margins)


def release_quarter(
    counts: dict[int, ServiceCounts], volumes: Volumes, disclosure: Disclosure
) -> QuarterRelease:
    """The quarter's tables, from each service's counts (`counts`, keyed in `volumes`' order)."""
    received = volumes.received

    def table(attribute: str, choices, margins=None) -> DisclosedTable[int, str]:
        rows = {pk: getattr(c, attribute) for pk, c in counts.items()}
        return _by_category(rows, choices.values, disclosure, margins)

    repeats = {pk: Percentage(c.repeats, c.received) for pk, c in counts.items()}
    return QuarterRelease(
        volumes=volumes,
        sources=table("by_source", ReferralSource, received),
        subjects=table("by_subject", Subject, received),
        equality={
            name: _by_category(
                {pk: c.equality[name] for pk, c in counts.items()},
                choices.values,
                disclosure,
                received,
            )
            for name, choices in EQUALITY_FIELDS.items()
        },
        first_contact=_share_table({pk: c.first_contact for pk, c in counts.items()}, disclosure),
        oversight=_share_table({pk: c.oversight for pk, c in counts.items()}, disclosure),
        repeats=_share_table(repeats, disclosure, received),
        waiting_list=disclosure.series({pk: c.waiting_list_at_end for pk, c in counts.items()}),
        started=table("started_by_risk", RiskLevel),
        closures=table("closure_reasons", ClosureReason),
        outcomes={
            outcome: disclosure.series({pk: c.outcomes[outcome] for pk, c in counts.items()})
            for outcome in Outcome.values
        },
        signposted=disclosure.series({pk: c.signposted for pk, c in counts.items()}),
    )
