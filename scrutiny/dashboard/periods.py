"""Which quarters a dashboard can be asked for, and which quarters its trend and its XmR charts
cover."""

from __future__ import annotations

from datetime import date

from partnership.calendar import FinancialQuarter
from referrals import metrics as referral_figures

TREND_QUARTERS = 12


def quarters_with_referrals(today: date | None = None) -> list[FinancialQuarter]:
    """The complete quarters a dashboard can be asked for, newest first: from the first quarter
    with a referral (or the last TREND_QUARTERS when there are none) to the last complete one."""
    last = FinancialQuarter.last_complete(today)
    first = referral_figures.first_quarter_with_referrals()
    start = min(first.index, last.index) if first else last.index - TREND_QUARTERS + 1
    return [FinancialQuarter.from_index(i) for i in range(last.index, start - 1, -1)]


def xmr_quarters(quarter: FinancialQuarter) -> list[FinancialQuarter]:
    """Every quarter with data up to `quarter` (or the last TREND_QUARTERS when there is none)."""
    first = referral_figures.first_quarter_with_referrals()
    start = (
        first.index
        if first and first.index <= quarter.index
        else quarter.index - TREND_QUARTERS + 1
    )
    return [FinancialQuarter.from_index(i) for i in range(start, quarter.index + 1)]
