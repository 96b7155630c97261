"""The committee's actions by RAG status, and those overdue."""

from __future__ import annotations

from partnership.disclosure import NOT_APPLICABLE

from ..charts import Table
from ..constants import Rag
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
        title="Committee actions",
        intro=("Actions raised by committee resolutions, by RAG status, and those now overdue."),
        tables=[rag_table] + ([overdue_table] if counts.overdue else []),
        notes=[
            "Actions raised on exempt (confidential) agenda items are not included.",
            f"Red means overdue; {Rag.AMBER.label.lower()} means due within 14 days.",
        ]
        + ([] if counts.overdue else ["No action is overdue."]),
        csv_header=["Table", "Item", "Figure"],
        csv_rows=rows,
    )
