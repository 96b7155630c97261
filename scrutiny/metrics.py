"""Action and review counts for committees: the one place these numbers are computed.

Counts of committee actions describe the council's own follow-up, not people, so they are shown
exactly (disclosure control is for figures about victims and referrals). Counts of domestic
homicide and related death reviews, and of their recommendations, are about deaths in a small
area: what committee members and clerks see of them passes through disclosure control.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from partnership.disclosure import DisclosedSeries, Disclosure

from .constants import ActionSource, Rag, ReviewStatus
from .models import Action, ActionQuerySet, Committee, Review
from .models.actions import rag_of


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
    *, today: date, committee: Committee | None = None, actions: ActionQuerySet | None = None
) -> ActionsByRag:
    """Counts by RAG and the overdue list, for one committee or all.

    `actions` narrows the set first (e.g. to what a user may see); by default every action.
    """
    actions = Action.objects.all() if actions is None else actions
    if committee is not None:
        actions = actions.filter(resolution__agenda_item__meeting__committee=committee)
    # Counted under its own name: `rag` is how Action declares the annotation of with_rag.
    by_band = actions.annotate(band=rag_of(today)).order_by().values("band")
    found = {row["band"]: row["count"] for row in by_band.annotate(count=Count("pk"))}
    counts = {rag: found.get(rag.value, 0) for rag in Rag}
    overdue = list(actions.for_tracker(today).of_rag(Rag.RED))  # as in `.overdue(today)`
    return ActionsByRag(today=today, committee=committee, counts=counts, overdue=overdue)


@dataclass(frozen=True)
class ReviewSummary:
    """Reviews by status and their recommendations by RAG, as disclosed to the viewer."""

    today: date
    exact: bool
    reviews: DisclosedSeries[ReviewStatus]
    recommendations: DisclosedSeries[Rag]


def review_summary(*, today: date, disclosure: Disclosure) -> ReviewSummary:
    """Counts of reviews by status and of recommendations by RAG, each a series with its total
    under `disclosure` (suppressed and rounded for committee members and clerks)."""
    found = dict(Review.objects.order_by().values_list("status").annotate(n=Count("pk")))
    reviews = disclosure.series({status: found.get(status.value, 0) for status in ReviewStatus})
    rows = (
        Action.objects.filter(source=ActionSource.RECOMMENDATION)
        .annotate(band=rag_of(today))  # named apart from `Action.rag`, as in actions_by_rag
        .order_by()
        .values_list("band")
        .annotate(n=Count("pk"))
    )
    by_rag = dict(rows)
    recommendations = disclosure.series({rag: by_rag.get(rag.value, 0) for rag in Rag})
    return ReviewSummary(
        today=today, exact=disclosure.exact, reviews=reviews, recommendations=recommendations
    )
