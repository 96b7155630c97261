"""The equality profile of the quarter's referrals."""

from __future__ import annotations

from referrals import metrics as referral_figures

from ..charts import Table
from .figures import Figures
from .model import Panel
from .tables import rows_of
from .wording import EQUALITY_NAMES


def equality_panel(f: Figures) -> Panel:
    whole = f.received(f.quarter)
    rows = []
    for key, name in EQUALITY_NAMES.items():
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
    return Panel(
        slug="equality",
        title="Equality profile",
        intro=(
            "Who was referred in the quarter, by gender, age band, ethnic group, disability, "
            "sexual orientation and no recourse to public funds."
        ),
        tables=[table],
        notes=[
            "Ethnic groups are the 19 groups of the 2021 Census. Percentages are of all "
            "referrals in the quarter"
            + ("." if f.exact else ", worked out from the rounded counts shown.")
        ],
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )
