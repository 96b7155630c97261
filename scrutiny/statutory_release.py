"""The Marac and children figures released through `partnership.disclosure`, like every committee
figure (issue 14); laid out as dashboard panels in `scrutiny.dashboard.statutory`.

The figures are counted in `referrals.marac` and `referrals.children`. What is released, for the
quarter and for the 12 months to its end (each period on its own):

- Marac **cases** are one cell, released as a series with its total; it is the margin of every
  table that adds up to it, so a table keeps that same cell: cases by district (out of area
  included), by referral route (with "not recorded"), repeat cases and the rest, and each
  profile characteristic as those with it, those not known and the rest. Secondary suppression
  runs over each table with the cases as its total.
- **Children** in the cases' households and the referrals marked heard at Marac without a date
  are counts of their own.
- Every percentage (repeat rate, share of each referral route, each profile share) and every
  rate per 10,000 adult women is worked out from the released cells only. The partner-agency
  share is 100% less the police share as shown, so it adds nothing either.
- SafeLives' recommended volume (40 cases a year per 10,000 adult women; 10 a quarter) is not a
  count of people: it is shown exactly, as a rate and as a number of cases for the population.
- **The quarter and its 12 months.** The 12 months include the quarter. Where a cell of the
  quarter's tables is hidden and the 12 months' same cell counts the same people (nothing else
  in the year), the 12 months' cell is hidden too, with its own secondary suppression: it would
  otherwise show the hidden count. (Where the year adds people, the difference is the other
  quarters' cells, which are rounded or hidden in their own releases.)

Marac is a partnership meeting, not a service: the Marac panel is the same in every service's
view. The children figures follow the view; child referrals are the subjects table's cell for
the view (`scrutiny.release`), so the two panels cannot show one count two ways, and the other
children counts (children in households, children referred, reached) are released for the view
alone, like the repeats panel's households: they do not add up across services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from partnership.disclosure import Disclosed, DisclosedSeries, Disclosure
from referrals.children import ChildrenFigures
from referrals.constants import MaracReferralSource
from referrals.marac import PROFILE, MaracFigures, MaracPeriod

CASES = "cases"
PART, REST = "part", "rest"
HAS, NOT_KNOWN = "has", "not_known"
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class ReleasedArea:
    name: str
    cases: Disclosed
    rate: Disclosed  # per 10,000 adult women of the district


@dataclass(frozen=True)
class ReleasedShare:
    number: Disclosed
    share: Disclosed
    not_known: Disclosed


@dataclass(frozen=True)
class MaracRelease:
    """One period's Marac figures as the viewer may see them."""

    label: str
    cases: Disclosed
    repeats: Disclosed
    repeat_rate: Disclosed
    children: Disclosed
    rate: Disclosed  # cases per 10,000 adult women
    recommended_rate: Decimal
    recommended_cases: int | None
    by_area: list[ReleasedArea]
    by_source: dict[str, Disclosed]  # MaracReferralSource values and NOT_RECORDED
    source_shares: dict[str, Disclosed]
    partner_share: Disclosed
    profile: dict[str, ReleasedShare]
    not_recorded: Disclosed  # heard at Marac without a hearing date: in no figure
    population_sources: list[str]


@dataclass(frozen=True)
class ChildrenRelease:
    children_in_households: Disclosed
    child_referrals: Disclosed
    children_referred: Disclosed
    children_reached: Disclosed


def _complement(share: Disclosed) -> Disclosed:
    """100% less a percentage as shown (the same places), or the same "*" or "–"."""
    if share.value is None:
        return share
    value = Decimal(100) - share.value
    return Disclosed(value, f"{value:f}%")


def _tables(period: MaracPeriod) -> dict[str, dict[str, int]]:
    """Every table of a period whose cells add up to its cases, by name."""
    sources = dict(period.by_source)
    sources[NOT_RECORDED] = period.cases - sum(sources.values())
    repeats = period.repeats.numerator
    tables = {
        "area": {str(a.area_id): a.cases for a in period.by_area},
        "source": sources,
        "repeats": {PART: repeats, REST: period.cases - repeats},
    }
    for key, _label in PROFILE:
        has, not_known = period.profile[key].percentage.numerator, period.profile[key].not_known
        tables[key] = {HAS: has, NOT_KNOWN: not_known, REST: period.cases - has - not_known}
    return tables


class _Released:
    """One period's tables released with the cases as their total."""

    def __init__(
        self,
        period: MaracPeriod,
        disclosure: Disclosure,
        hide: Mapping[str, set[str]] | None = None,
    ):
        self.counts = _tables(period)
        self.cases_series: DisclosedSeries[str] = disclosure.series({CASES: period.cases})
        self.cases = self.cases_series.items[CASES]
        hide = hide or {}
        self.cells = {
            name: disclosure.table(
                {CASES: cells},
                columns=list(cells),
                margins=self.cases_series,
                hide=[(CASES, column) for column in hide.get(name, ())],
            ).rows[CASES]
            for name, cells in self.counts.items()
        }

    def hidden_alike(self, wider: MaracPeriod) -> dict[str, set[str]]:
        """Cells hidden here whose count `wider` (the 12 months) repeats exactly."""
        wider_counts = _tables(wider)
        return {
            name: {
                column
                for column, cell in cells.items()
                if cell.suppressed and wider_counts[name][column] == self.counts[name][column]
            }
            for name, cells in self.cells.items()
        }


def _release(period: MaracPeriod, released: _Released, disclosure: Disclosure) -> MaracRelease:
    cases, cells = released.cases, released.cells
    areas = cells["area"]
    profile = {
        key: ReleasedShare(
            cells[key][HAS], disclosure.share(cells[key][HAS], cases), cells[key][NOT_KNOWN]
        )
        for key, _label in PROFILE
    }
    source_shares = {key: disclosure.share(cell, cases) for key, cell in cells["source"].items()}
    return MaracRelease(
        label=period.label,
        cases=cases,
        repeats=cells["repeats"][PART],
        repeat_rate=disclosure.share(cells["repeats"][PART], cases),
        children=disclosure.count(period.children),
        rate=disclosure.rate(cases, period.adult_women, per=10_000),
        recommended_rate=period.recommended_per_10000,
        recommended_cases=period.recommended_cases,
        by_area=[
            ReleasedArea(
                a.name,
                areas[str(a.area_id)],
                disclosure.rate(areas[str(a.area_id)], a.adult_women, per=10_000),
            )
            for a in period.by_area
        ],
        by_source=dict(cells["source"]),
        source_shares=source_shares,
        partner_share=_complement(source_shares[MaracReferralSource.POLICE]),
        profile=profile,
        not_recorded=disclosure.count(period.not_recorded),
        population_sources=period.population_sources,
    )


def release_marac(period: MaracPeriod, disclosure: Disclosure) -> MaracRelease:
    """One period's figures on their own."""
    return _release(period, _Released(period, disclosure), disclosure)


def release_marac_figures(figures: MaracFigures, disclosure: Disclosure) -> list[MaracRelease]:
    """The quarter's and the rolling 12 months' figures; the 12 months hide what the quarter
    hides wherever they count the same people."""
    quarter = _Released(figures.quarter, disclosure)
    rolling = _Released(figures.rolling, disclosure, quarter.hidden_alike(figures.rolling))
    return [
        _release(figures.quarter, quarter, disclosure),
        _release(figures.rolling, rolling, disclosure),
    ]


def release_children(
    figures: ChildrenFigures, child_referrals: Disclosed, disclosure: Disclosure
) -> ChildrenRelease:
    """The view's children counts; `child_referrals` is the view's released subjects cell."""
    return ChildrenRelease(
        children_in_households=disclosure.count(figures.children_in_households),
        child_referrals=child_referrals,
        children_referred=disclosure.count(figures.children_referred),
        children_reached=disclosure.count(figures.children_reached),
    )
