"""Panels of how quickly people were helped: response against targets, waiting list and waits."""

from __future__ import annotations

from partnership.disclosure import NOT_APPLICABLE
from referrals.constants import RiskLevel

from ..charts import Table
from ..release import View
from . import wording
from .figures import Figures, released_share
from .model import Panel
from .tables import against_target, percent, table_panel


def _response_row(
    f: Figures, name: str, view: View, targets: tuple, *, oversight_applies: bool
) -> list[str]:
    contact_target, oversight_target = targets
    contact, oversight = (
        released_share(f.disclosure, view.of_table(table), band=True)
        for table in (f.release.first_contact, f.release.oversight)
    )
    row = [name, contact.display, percent(contact_target)]
    row.append(against_target(contact, contact_target))
    if not oversight_applies:
        # The service's definitions did not apply the standard: nothing was measured.
        return [*row, wording.DOES_NOT_APPLY, NOT_APPLICABLE, wording.DOES_NOT_APPLY]
    return [
        *row,
        oversight.display,
        percent(oversight_target),
        against_target(oversight, oversight_target),
    ]


def response_panel(f: Figures) -> Panel:
    definitions = f.definitions
    rows = [
        _response_row(
            f,
            s.name,
            View(s.pk),
            (s.first_contact_target_percent, s.oversight_target_percent),
            oversight_applies=definitions.oversight_applies(s.pk),
        )
        for s in f.shown_services
    ]
    if f.service is None:
        rows.append(
            _response_row(
                f,
                wording.ALL_SERVICES,
                f.view,
                f.targets,
                oversight_applies=definitions.oversight_applies_anywhere,
            )
        )
    table = Table(
        caption=f"Response against each service's targets, {f.quarter}",
        headers=[
            "Service",
            "First contact within one working day",
            "Target",
            "Compared with the target",
            "Managerial oversight within 24 hours",
            "Target",
            "Compared with the target",
        ],
        rows=rows,
        numeric_columns=frozenset({1, 2, 4, 5}),
    )
    return table_panel(
        slug="response",
        words=wording.RESPONSE,
        table=table,
        notes=wording.response_notes(
            exact=f.exact,
            first_contact=definitions.first_contact,
            oversight=definitions.oversight,
        ),
    )


def _waits_table(f: Figures) -> Table:
    """Waits by risk level, shown only for groups large enough (partnership.disclosure)."""
    times = {row.risk_level: row for row in f.groups.waiting_times}
    cells = f.view.of_table(f.release.started)
    assert cells.total is not None
    groups = [(label, cells.items[level], times[level]) for level, label in RiskLevel.choices]
    groups.append((wording.ALL_RISK_LEVELS, cells.total, times["all"]))
    rows = [
        [
            label,
            cell.display,
            f.disclosure.statistic(waits.median_days, cell).display,
            f.disclosure.statistic(waits.p90_days, cell).display,
        ]
        for label, cell, waits in groups
    ]
    return Table(
        caption=f"Waiting times from referral to the start of support, {f.quarter}",
        headers=[
            "Risk level",
            "Started support in the quarter",
            "Median wait (days)",
            "90th percentile wait (days)",
        ],
        rows=rows,
        numeric_columns=frozenset({1, 2, 3}),
    )


def waiting_panel(f: Figures) -> Panel:
    table = _waits_table(f)
    waiting = f.view.of_series(f.release.waiting_list)
    list_table = Table(
        caption=f"Waiting list at the end of {f.quarter}",
        headers=["Measure", "On the waiting list at quarter end"],
        rows=[[wording.WAITING_ROW, waiting.display]],
        numeric_columns=frozenset({1}),
    )
    waiting_row = [wording.ALL_RISK_LEVELS, waiting.display, NOT_APPLICABLE, NOT_APPLICABLE]
    return Panel(
        slug="waiting",
        title=wording.WAITING.title,
        intro=wording.WAITING.intro,
        tables=[list_table, table],
        notes=wording.waiting_notes(),
        # Both tables, so that the download holds everything the panel shows.
        csv_header=["Measure", "Risk level", "Referrals", *table.headers[2:]],
        csv_rows=[[wording.STARTED, *row] for row in table.rows]
        + [[wording.WAITING_LIST, *waiting_row]],
    )
