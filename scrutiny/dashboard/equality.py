"""The equality profile of the quarter's referrals, as shares of all of them."""

from __future__ import annotations

from referrals import metrics as referral_figures

from ..charts import Table
from . import wording
from .figures import Figures
from .model import Panel
from .tables import table_panel


def equality_panel(f: Figures) -> Panel:
    whole = f.received(f.quarter)
    rows = []
    for key, name in wording.EQUALITY_NAMES.items():
        cells = f.view.of_table(f.release.equality[key])
        for value, label in referral_figures.EQUALITY_FIELDS[key].choices:
            cell = cells.items[value]
            share = f.disclosure.share(cell, whole)
            rows.append([name, str(label), cell.display, share.display])
    table = Table(
        caption=f"Equality profile of referrals received in {f.quarter}",
        headers=["Characteristic", "Group", "Referrals", "Percentage"],
        rows=rows,
        numeric_columns=frozenset({2, 3}),
    )
    return table_panel(
        slug="equality",
        words=wording.EQUALITY,
        table=table,
        notes=wording.equality_notes(exact=f.exact),
    )
