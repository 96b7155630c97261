"""What a dashboard is, as the page, the CSV downloads and the printed report read it (built by
scrutiny.dashboard.build).

- `Dashboard`: `quarter`, `service` (the CommissionedService filtered on, or None), `exact`,
  `data_as_at` (when the figures were read), `threshold` (the disclosure threshold), `panels`
  (a list of `Panel`, in page order) and `headlines` (`Headlines`, for the executive summary;
  None when only some `panels` were asked for).
- `Panel`: `slug` (stable: used in `?panel=` and CSV file names), `title`, `intro` (one sentence),
  `charts` (scrutiny.charts.Chart, each with its data table), `tables` (scrutiny.charts.Table),
  `notes` (sentences), `csv_header` and `csv_rows` (the same displayed values as on screen).
- `Headlines`: `Disclosed` figures (suppression already applied) and two targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter
from partnership.disclosure import Disclosed

from ..charts import Chart, Table
from ..definition_notes import DefinitionNotes
from ..statutory_release import ChildrenRelease, MaracRelease


@dataclass(frozen=True)
class Headlines:
    """The figures the executive summary writes sentences from, already disclosed."""

    referrals: Disclosed
    referrals_last_year: Disclosed
    referrals_change: Disclosed  # percentage change on the same quarter last year
    contacted_within_one_day: Disclosed
    contact_target: Decimal | None  # None when the services' targets differ
    oversight_within_24_hours: Disclosed
    oversight_target: Decimal | None
    waiting_list: Disclosed
    repeat_rate: Disclosed
    overdue_actions: Disclosed  # committee actions: shown exactly
    marac: MaracRelease | None = None  # the quarter's Marac figures (not the 12 months')
    children: ChildrenRelease | None = None


# Titles that begin with a name keep its capital in the middle of a sentence.
NAMES = frozenset({"Marac"})


@dataclass(frozen=True)
class Panel:
    slug: str
    title: str
    intro: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    csv_header: list[str] = field(default_factory=list)
    csv_rows: list[list[str]] = field(default_factory=list)

    @property
    def title_mid_sentence(self) -> str:
        """The title as it reads inside a sentence ("Download referrals by district as CSV"):
        its first letter in lower case, unless it begins with a name."""
        first_word = self.title.split(maxsplit=1)[0].rstrip(":")
        return self.title if first_word in NAMES else self.title[:1].lower() + self.title[1:]


@dataclass(frozen=True)
class Dashboard:
    quarter: FinancialQuarter
    service: CommissionedService | None
    exact: bool
    data_as_at: datetime
    threshold: int
    panels: list[Panel]
    headlines: Headlines | None  # None when only some panels were asked for
    # The definitions the shown services' figures were counted by (the data notes).
    definitions: DefinitionNotes | None = None

    def panel(self, slug: str) -> Panel | None:
        return next((panel for panel in self.panels if panel.slug == slug), None)
