"""Each household count of the return beside the committee dashboard's figures for the same
year and service, with every difference explained and the sum checked.

The dashboard shows quarters, and its figures come from `referrals.metrics.referral_metrics`:
this module calls the same function for the year's four quarters and the same services, so
"the dashboard's figure" here is exactly what a committee saw (before disclosure control,
which rounds). Each line says: return = dashboard + the differences listed, and `balances` is
checked; a line that does not balance would be a fault in the figures, and is shown as such.

- **Households supported** = support started in the year (the dashboard's "support started",
  the count behind the waiting times, added over the quarters) + referrals already in support
  on 1 April (the dashboard counts support when it starts) - support of a household counted
  more than once (the same household supported again in the year).
- **Households unable to be supported** = referrals declined as "unable to support" (the
  dashboard's declines by reason, added over the quarters) - the same household declined
  more than once.
- **Households whose support ended** = referrals closed (the dashboard's closures, added over
  the quarters) - referrals closed without support having started (declined, signposted or
  never reached, then closed) - the same household ending more than once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from ..constants import DeclineReason
from ..metrics import referral_metrics
from .figures import ReturnFigures


@dataclass(frozen=True)
class Difference:
    explanation: str
    amount: int


@dataclass(frozen=True)
class ReconciledFigure:
    figure: str
    returned: int
    dashboard_figure: str
    dashboard: int
    differences: tuple[Difference, ...]

    @property
    def balances(self) -> bool:
        return self.returned == self.dashboard + sum(d.amount for d in self.differences)


@dataclass(frozen=True)
class Reconciliation:
    services: str
    lines: tuple[ReconciledFigure, ...]

    @property
    def balances(self) -> bool:
        return all(line.balances for line in self.lines)


@dataclass(frozen=True)
class DashboardYear:
    """The dashboard's figures for a year and some services, added over its four quarters."""

    support_started: int
    declined_unable: int
    closed: int


def dashboard_year(figures: ReturnFigures) -> DashboardYear:
    as_of = timezone.now()
    started = declined = closed = 0
    for quarter in figures.year.quarters:
        quarter_figures = referral_metrics(quarter, service_ids=figures.service_ids, as_of=as_of)
        started += next(
            row.count for row in quarter_figures.waiting_times if row.risk_level == "all"
        )
        declined += quarter_figures.decline_reasons.get(DeclineReason.UNABLE_TO_SUPPORT, 0)
        closed += quarter_figures.closed
    return DashboardYear(support_started=started, declined_unable=declined, closed=closed)


def reconcile(figures: ReturnFigures, services: str) -> Reconciliation:
    dashboard = dashboard_year(figures)
    start = figures.year.start
    return Reconciliation(
        services=services,
        lines=(
            ReconciledFigure(
                "Households supported",
                figures.households_supported,
                "Support started (the referrals behind the waiting times)",
                dashboard.support_started,
                (
                    Difference(
                        f"Already in support on {start.day} {start:%B %Y}: the dashboard "
                        "counts support in the quarter it starts",
                        figures.in_support_at_start,
                    ),
                    Difference(
                        "The same household supported more than once in the year, counted once",
                        figures.households_supported - figures.supported_referrals,
                    ),
                ),
            ),
            ReconciledFigure(
                "Households unable to be supported",
                figures.households_unable,
                "Referrals declined: unable to support",
                dashboard.declined_unable,
                (
                    Difference(
                        "The same household declined more than once in the year, counted once",
                        figures.households_unable - figures.unable_referrals,
                    ),
                ),
            ),
            ReconciledFigure(
                "Households whose support ended",
                figures.households_ended,
                "Referrals closed",
                dashboard.closed,
                (
                    Difference(
                        "Closed without support having started (declined, signposted or not "
                        "reached, then closed): not support that ended",
                        -figures.closed_without_support,
                    ),
                    Difference(
                        "The same household's support ending more than once in the year, "
                        "counted once",
                        figures.households_ended - figures.ended_referrals,
                    ),
                ),
            ),
        ),
    )
