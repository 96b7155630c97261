"""Report content made by hand, for tests of the report's layout that need no database.

The figures go through partnership.disclosure as the dashboard's do; Southmere's 3 referrals
are suppressed, so a test can check that 3 never appears as a count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from partnership.calendar import FinancialQuarter
from partnership.disclosure import Disclosed, disclose_count, disclose_series, disclose_share
from scrutiny.charts import Series, Table, bar_chart, line_chart
from scrutiny.constants import Rag
from scrutiny.metrics import ActionsByRag
from scrutiny.reports.content import ActionAppendix, ReportContent
from scrutiny.reports.sentences import summary_sentences

QUARTER = FinancialQuarter(2024, 4)
DATA_AS_AT = datetime(2025, 4, 10, 6, 0, tzinfo=UTC)
DISTRICTS = {"Northvale": 412, "Southmere": 3, "Westbrook": 188, "Eastfield": 267}
SMALL_COUNT = 3


@dataclass
class Panel:
    slug: str
    title: str
    intro: str
    charts: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    csv_header: list = field(default_factory=list)
    csv_rows: list = field(default_factory=list)


@dataclass
class Dashboard:
    quarter: FinancialQuarter
    service: object
    exact: bool
    data_as_at: datetime
    threshold: int
    panels: list
    headlines: object


def share(part: int, whole: int, *, band: bool = True) -> Disclosed:
    """A percentage as the dashboard releases it: from the rounded counts."""
    return disclose_share(disclose_count(part), disclose_count(whole), band=band)


def headlines(**changes):
    figures = {
        "referrals": disclose_count(870),
        "referrals_last_year": disclose_count(812),
        "referrals_change": Disclosed(Decimal("7.1"), "7.1%"),
        "contacted_within_one_day": share(817, 870),
        "contact_target": Decimal("95"),
        "oversight_within_24_hours": share(3, 870),
        "oversight_target": Decimal("90"),
        "waiting_list": disclose_count(4),
        "repeat_rate": share(203, 870),
        "overdue_actions": disclose_count(2, exact=True),
    }
    return SimpleNamespace(**(figures | changes))


def dashboard(quarter: FinancialQuarter = QUARTER) -> Dashboard:
    by_district = disclose_series(DISTRICTS)
    quarters = quarter.quarters_back(8)
    referrals = [
        Panel(
            "referrals",
            "Referrals",
            "How many referrals the services received.",
            charts=[
                line_chart(
                    id="referrals-by-quarter",
                    title="Referrals by quarter",
                    description="Referrals received in each of the last eight quarters.",
                    x_labels=[q.label for q in quarters],
                    series=[Series("Referrals", [disclose_count(800 + 20 * i) for i in range(8)])],
                    y_label="Referrals",
                ),
                bar_chart(
                    id="referrals-by-district",
                    title="Referrals by district",
                    description="Referrals received in the quarter, by district.",
                    categories=list(DISTRICTS),
                    values=list(by_district.items.values()),
                    value_label="Referrals",
                    category_label="District",
                ),
            ],
            notes=["Out-of-area referrals have no rate."],
        ),
        Panel(
            "response",
            "Response times",
            "How quickly referrals were contacted.",
            tables=[
                Table(
                    "Contact within one working day, by service",
                    ["Service", "Contacted within one working day", "Target"],
                    [["Harbour Lights IDVA service", "93.9%", "95%"], ["Beacon House", "*", "90%"]],
                    frozenset({1, 2}),
                )
            ],
        ),
        Panel(
            "funding",
            "Funding splits",
            "Each contract's funding split and whether it reconciles.",
            tables=[
                Table(
                    "Funding by contract",
                    ["Contract", "County council", "Police and crime commissioner", "Status"],
                    [["IDVA service", "£120,000.00", "£80,000.00", "Reconciled"]],
                    frozenset({1, 2}),
                )
            ],
        ),
    ]
    return Dashboard(quarter, None, False, DATA_AS_AT, 7, referrals, headlines())


def content(quarter: FinancialQuarter = QUARTER, actions=()) -> ReportContent:
    board = dashboard(quarter)
    counts = dict(zip(Rag, [2, 1, 3, 5], strict=True))
    return ReportContent(
        quarter=quarter,
        dashboard=board,
        summary=summary_sentences(board.headlines, threshold=board.threshold),
        appendix=ActionAppendix(
            ActionsByRag(date(2025, 4, 10), None, counts, []), list(actions), quarter.start
        ),
        committee_name="Overview and Scrutiny Committee",
    )
