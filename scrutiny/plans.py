"""Delivery-plan progress: each commitment's RAG and the dashboard figure that measures it.

`plan_progress` is the one place this is worked out; the plan's pages and the quarterly
report's section on the delivery plan both print what it returns.

- A commitment's milestones are actions, so their RAG comes from `ActionQuerySet.with_rag`, the
  one definition of RAG. The commitment's RAG is the worst of its milestones' (red, then amber,
  then green, then complete: `constants.worst_rag`); with no milestones it has none yet.
- A commitment may name a dashboard figure (`PlanMeasure`). It is read from the committee
  dashboard's headline figures for the last complete quarter, suppressed and rounded as
  committee members see them (`build_dashboard(exact=False)`), so the plan never shows a
  figure the dashboard would hide, and the same cell has the same value in both places.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from partnership.calendar import FinancialQuarter
from partnership.disclosure import Disclosed

from .constants import PlanMeasure, Rag, worst_rag
from .dashboard.build import build_dashboard
from .models import Action, Commitment, Strategy

# measure: (headline figure, its target on the headlines or None, dashboard panel)
MEASURES: dict[PlanMeasure, tuple[str, str | None, str]] = {
    PlanMeasure.REFERRALS: ("referrals", None, "referrals-by-quarter"),
    PlanMeasure.CONTACTED: ("contacted_within_one_day", "contact_target", "response"),
    PlanMeasure.OVERSIGHT: ("oversight_within_24_hours", "oversight_target", "response"),
    PlanMeasure.WAITING_LIST: ("waiting_list", None, "waiting"),
    PlanMeasure.REPEAT_RATE: ("repeat_rate", None, "repeats"),
}


@dataclass(frozen=True)
class Figure:
    """A dashboard figure beside a commitment, already through disclosure control."""

    measure: PlanMeasure
    quarter: FinancialQuarter
    value: Disclosed
    target: Decimal | None
    dashboard_url: str

    @property
    def label(self) -> str:
        return self.measure.label

    @property
    def target_display(self) -> str:
        return "" if self.target is None else f"{self.target.normalize():f}%"


@dataclass(frozen=True)
class CommitmentProgress:
    commitment: Commitment
    rag: Rag | None
    milestones: list[Action]  # annotated with `rag`, in due-date order
    figure: Figure | None

    @property
    def next_milestone(self) -> Action | None:
        return next((milestone for milestone in self.milestones if milestone.is_open), None)


@dataclass(frozen=True)
class ThemeProgress:
    theme: object  # scrutiny.models.Theme
    commitments: list[CommitmentProgress]


@dataclass(frozen=True)
class PlanProgress:
    strategy: Strategy
    today: date
    quarter: FinancialQuarter
    themes: list[ThemeProgress]

    @property
    def commitments(self) -> list[CommitmentProgress]:
        return [entry for theme in self.themes for entry in theme.commitments]

    @property
    def rag_counts(self) -> list[tuple[str, int]]:
        """How many commitments are red, amber, green, complete, and without milestones."""
        counts = Counter(entry.rag for entry in self.commitments)
        rows = [(rag.label, counts.get(rag, 0)) for rag in Rag]
        return rows + [("No milestones yet", counts.get(None, 0))]


def dashboard_link(quarter: FinancialQuarter, panel: str) -> str:
    return f"{reverse('scrutiny:dashboard')}?{urlencode({'quarter': quarter.label})}#panel-{panel}"


def _headlines(quarter: FinancialQuarter, today: date):
    return build_dashboard(quarter=quarter, exact=False, today=today).headlines


def figure_for(measure: str, headlines, quarter: FinancialQuarter) -> Figure | None:
    if not measure:
        return None
    measure = PlanMeasure(measure)
    attribute, target, panel = MEASURES[measure]
    return Figure(
        measure=measure,
        quarter=quarter,
        value=getattr(headlines, attribute),
        target=getattr(headlines, target) if target else None,
        dashboard_url=dashboard_link(quarter, panel),
    )


def plan_progress(
    strategy: Strategy,
    *,
    today: date,
    headlines=None,
    quarter: FinancialQuarter | None = None,
) -> PlanProgress:
    """Every theme and commitment of the strategy with its RAG, milestones and figure.

    Figures are for `quarter` (by default the last complete one), from `headlines`, the
    dashboard's for that quarter (the quarterly report passes its own); without them the
    dashboard is built once, and only if a commitment has a measure. RAG is as of `today`.
    """
    quarter = quarter or FinancialQuarter.last_complete(today)
    themes = list(strategy.themes.all())
    commitments = list(
        Commitment.objects.filter(theme__strategy=strategy).select_related(
            "lead_organisation", "owner", "theme"
        )
    )
    milestones: dict[int, list[Action]] = {}
    for action in (
        Action.objects.filter(commitment__in=commitments)
        .with_rag(today)
        .select_related("owner")
        .order_by("due_date", "reference")
    ):
        milestones.setdefault(action.commitment_id, []).append(action)
    if headlines is None and any(commitment.measure for commitment in commitments):
        headlines = _headlines(quarter, today)
    by_theme: dict[int, list[CommitmentProgress]] = {theme.pk: [] for theme in themes}
    for commitment in commitments:
        own = milestones.get(commitment.pk, [])
        by_theme[commitment.theme_id].append(
            CommitmentProgress(
                commitment=commitment,
                rag=worst_rag(action.rag for action in own),
                milestones=own,
                figure=figure_for(commitment.measure, headlines, quarter) if headlines else None,
            )
        )
    return PlanProgress(
        strategy=strategy,
        today=today,
        quarter=quarter,
        themes=[ThemeProgress(theme, by_theme[theme.pk]) for theme in themes],
    )


def current_strategy(today: date) -> Strategy | None:
    """The strategy in force this year (the latest to start, if periods overlap)."""
    return (
        Strategy.objects.filter(start_year__lte=today.year, end_year__gte=today.year)
        .order_by("-start_year", "-pk")
        .first()
    )
