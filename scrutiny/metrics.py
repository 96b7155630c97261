"""Action counts for committees: the one place these numbers are computed.

Counts of actions describe the council's own follow-up, not people, so they are shown exactly
(disclosure control is for figures about victims and referrals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from .constants import Rag
from .models import Action, Committee


@dataclass(frozen=True)
class ActionsByRag:
    """How many actions are red, amber, green and complete, and which are overdue."""

    today: date
    committee: Committee | None
    counts: dict[Rag, int]
    overdue: list[Action]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[tuple[Rag, int]]:
        return [(rag, self.counts[rag]) for rag in Rag]


def actions_by_rag(
    *, today: date, committee: Committee | None = None, actions: QuerySet[Action] | None = None
) -> ActionsByRag:
    """Counts by RAG and the overdue list, for one committee or all.

    `actions` narrows the set first (e.g. to what a user may see); by default every action.
    """
    actions = Action.objects.all() if actions is None else actions
    if committee is not None:
        actions = actions.filter(resolution__agenda_item__meeting__committee=committee)
    rows = actions.with_rag(today).order_by().values("rag").annotate(count=Count("pk"))
    found = {row["rag"]: row["count"] for row in rows}
    counts = {rag: found.get(rag.value, 0) for rag in Rag}
    overdue = list(actions.for_tracker(today).filter(rag=Rag.RED))  # as in `.overdue(today)`
    return ActionsByRag(today=today, committee=committee, counts=counts, overdue=overdue)
