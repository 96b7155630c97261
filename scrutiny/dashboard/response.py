"""Panels of how quickly people were helped: response against targets, waiting list and waits."""

from __future__ import annotations

from django.conf import settings

from partnership.disclosure import MIN_GROUP, NOT_APPLICABLE
from referrals.constants import RiskLevel

from ..charts import Table
from ..release import View
from .figures import Figures, released_share
from .model import Panel
from .tables import against_target, percent, rows_of
from .wording import ALL_SERVICES, WAITING_LIST


def _response_row(f: Figures, name: str, view: View, targets: tuple) -> list[str]:
    contact_target, oversight_target = targets
    contact, oversight = (
        released_share(f.disclosure, view.of_table(table), band=True)
        for table in (f.release.first_contact, f.release.oversight)
    )
    return [
        name,
        contact.display,
        percent(contact_target),
        against_target(contact, contact_target),
        oversight.display,
        percent(oversight_target),
        against_target(oversight, oversight_target),
    ]


def response_panel(f: Figures) -> Panel:
    rows = [
        _response_row(
            f, s.name, View(s.pk), (s.first_contact_target_percent, s.oversight_target_percent)
        )
        for s in f.shown_services
    ]
    if f.service is None:
        rows.append(_response_row(f, ALL_SERVICES, f.view, f.targets))
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
    notes = [
        "A referral counts once its deadline has passed or it has been contacted (or "
        "overseen); one never contacted counts as not contacted in time.",
        "One working day means by the end of the next working day after receipt, "
        "leaving out weekends and bank holidays.",
    ]
    if not f.exact:
        notes.append(
            "Percentages are worked out from the rounded counts, and compared with the target "
            "as shown. Where from 1 to "
            f"{settings.DISCLOSURE_THRESHOLD} referrals missed the target, the percentage "
            "is shown as a band (for example “over 94%”) that any such number fits, so that "
            "the number cannot be worked out."
        )
    return Panel(
        slug="response",
        title="Response times against targets",
        intro=(
            "The share of referrals contacted within one working day, and the share with "
            "managerial oversight within 24 hours of receipt, against each service's target."
        ),
        tables=[table],
        notes=notes,
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )


def waiting_panel(f: Figures) -> Panel:
    times = {row.risk_level: row for row in f.groups.waiting_times}
    cells = f.view.of_table(f.release.started)
    assert cells.total is not None
    groups = [(label, cells.items[level], times[level]) for level, label in RiskLevel.choices]
    groups.append(("All risk levels", cells.total, times["all"]))
    rows = [
        [
            label,
            cell.display,
            f.disclosure.statistic(waits.median_days, cell).display,
            f.disclosure.statistic(waits.p90_days, cell).display,
        ]
        for label, cell, waits in groups
    ]
    table = Table(
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
    waiting = f.view.of_series(f.release.waiting_list)
    list_table = Table(
        caption=f"Waiting list at the end of {f.quarter}",
        headers=["Measure", "On the waiting list at quarter end"],
        rows=[["Referrals on a waiting list", waiting.display]],
        numeric_columns=frozenset({1}),
    )
    return Panel(
        slug="waiting",
        title="Waiting list and waiting times",
        intro=(
            "How many people were waiting for support at the end of the quarter, and how "
            "long those who started support in the quarter had waited, by risk level."
        ),
        tables=[list_table, table],
        notes=[
            "The median is the middle wait; the 90th percentile is the wait that 9 in 10 "
            "people did not exceed.",
            f"Waits are shown only for a group of at least {MIN_GROUP} as shown: in a smaller "
            "group they are one or two people's own waits.",
        ],
        # Both tables, so that the download holds everything the panel shows.
        csv_header=["Measure", "Risk level", "Referrals", *table.headers[2:]],
        csv_rows=[["Started support in the quarter", *row] for row in table.rows]
        + [[WAITING_LIST, "All risk levels", waiting.display, NOT_APPLICABLE, NOT_APPLICABLE]],
    )
