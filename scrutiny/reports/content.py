"""What the quarterly report prints, worked out: the dashboard as committee members see it, the
executive summary, the delivery plan's progress and the action tracker appendix. Plain
dataclasses, so rendering can be tested with hand-made content and no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from partnership.calendar import FinancialQuarter

from ..dashboard.build import build_dashboard
from ..dashboard.model import Dashboard
from ..metrics import ActionsByRag, actions_by_rag
from ..models import Action, Committee
from ..plans import PlanProgress, current_strategy, plan_progress
from .covers import BOARD_NAME
from .sentences import summary_sentences


@dataclass(frozen=True)
class ActionAppendix:
    """The action tracker as printed in the appendix."""

    counts: ActionsByRag
    actions: list[Action]
    closed_since: date


@dataclass(frozen=True)
class ReportContent:
    """Everything the report prints, already computed and disclosed."""

    quarter: FinancialQuarter
    dashboard: Dashboard
    summary: list[str]
    appendix: ActionAppendix
    committee_name: str
    # The strategy in force at the quarter's end, with each commitment's RAG and figure.
    delivery_plan: PlanProgress | None = None

    @property
    def threshold(self) -> int:
        return self.dashboard.threshold


def action_appendix(
    *, quarter: FinancialQuarter, committee: Committee | None, today: date
) -> ActionAppendix:
    """Open actions and those closed since the quarter began, with the counts by RAG.

    Actions raised on exempt items are left out: the report may be published.
    """
    # Actions raised on exempt items stay out of a report that may be published.
    actions = Action.objects.filter(resolution__agenda_item__exempt=False)
    if committee is not None:
        actions = actions.filter(resolution__agenda_item__meeting__committee=committee)
    listed = (
        actions.for_tracker(today)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=quarter.start))
        .order_by("due_date", "reference")
    )
    return ActionAppendix(
        counts=actions_by_rag(today=today, committee=committee, actions=actions),
        actions=list(listed),
        closed_since=quarter.start,
    )


def quarterly_report_content(
    *,
    quarter: FinancialQuarter,
    committee: Committee | None,
    today: date,
) -> ReportContent:
    """Work out everything the report prints: the dashboard exactly as committee members see it."""
    dashboard = build_dashboard(quarter=quarter, exact=False, today=today)
    strategy = current_strategy(quarter.end)
    return ReportContent(
        quarter=quarter,
        dashboard=dashboard,
        summary=summary_sentences(dashboard.headlines, threshold=dashboard.threshold),
        appendix=action_appendix(quarter=quarter, committee=committee, today=today),
        committee_name=committee.name if committee else BOARD_NAME,
        delivery_plan=plan_progress(
            strategy, today=today, headlines=dashboard.headlines, quarter=quarter
        )
        if strategy
        else None,
    )
