"""The committee's actions by RAG status, and those overdue (counted exactly: not people)."""

from __future__ import annotations

from partnership.disclosure import NOT_APPLICABLE

from ..charts import Table
from . import wording
from .figures import Figures
from .model import Panel


def actions_panel(f: Figures) -> Panel:
    counts = f.actions
    rag_table = Table(
        caption=f"Committee actions by RAG status on {f.today:%-d %B %Y}",
        headers=["RAG status", "Actions"],
        rows=[[rag.label, f"{n:,}"] for rag, n in counts.rows]
        + [["All actions", f"{counts.total:,}"]],
        numeric_columns=frozenset({1}),
    )
    overdue_table = Table(
        caption="Overdue actions",
        headers=["Reference", "Action", "Owner", "Due"],
        rows=[
            [
                action.reference,
                action.description,
                str(action.owner_organisation or NOT_APPLICABLE),
                f"{action.due_date:%-d %B %Y}",
            ]
            for action in counts.overdue
        ],
    )
    rows = [["RAG status", label, n] for label, n in rag_table.rows] + [
        ["Overdue", f"{a} {b}", d] for a, b, _c, d in overdue_table.rows
    ]
    return Panel(
        slug="actions",
        title=wording.ACTIONS.title,
        intro=wording.ACTIONS.intro,
        tables=[rag_table] + ([overdue_table] if counts.overdue else []),
        notes=wording.actions_notes(any_overdue=bool(counts.overdue)),
        csv_header=["Table", "Item", "Figure"],
        csv_rows=rows,
    )
