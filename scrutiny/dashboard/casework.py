"""Panels of the casework: repeat referrals and addresses, outcomes at closure, caseloads."""

from __future__ import annotations

from django.conf import settings

from partnership.disclosure import Disclosed
from referrals import metrics as referral_figures
from referrals.constants import ClosureReason, Outcome
from referrals.metrics import Caseload

from ..charts import Table, bar_chart
from ..release import PART
from .figures import Figures
from .model import Panel
from .tables import number, rows_of


def repeats_panel(f: Figures) -> Panel:
    repeats = f.view.of_table(f.release.repeats)
    addresses = f.disclosure.count(f.groups.repeat_addresses)
    households = f.disclosure.count(f.groups.households)
    assert repeats.total is not None
    rows = [
        [
            "Repeat referrals",
            repeats.items[PART].display,
            repeats.total.display,
            f.repeat_rate.display,
        ],
        [
            "Repeat addresses (households)",
            addresses.display,
            households.display,
            f.disclosure.share(addresses, households).display,
        ],
    ]
    table = Table(
        caption=f"Repeat referrals and repeat addresses, {f.quarter}",
        headers=["Measure", "Number", "Out of", "Percentage"],
        rows=rows,
        numeric_columns=frozenset({1, 2, 3}),
    )
    months = settings.REPEAT_WINDOW_MONTHS
    return Panel(
        slug="repeats",
        title="Repeat referrals and repeat addresses",
        intro=(
            f"Referrals of someone referred before within {months} months, and households "
            "referred again, as numbers and shares."
        ),
        tables=[table],
        notes=[
            f"A repeat referral is of a person referred to any service in the {months} "
            "months before. A repeat address is a household among the quarter's referrals "
            f"with an earlier referral within {months} months."
        ],
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )


def outcomes_panel(f: Figures) -> Panel:
    r = f.release
    reasons = f.view.of_table(r.closures)
    rows = [
        ["Reason for closing", label, reasons.items[value].display]
        for value, label in ClosureReason.choices
    ]
    assert reasons.total is not None
    rows.append(["Reason for closing", "All closed in the quarter", reasons.total.display])
    rows += [
        ["Outcome met at closure", label, f.view.of_series(r.outcomes[value]).display]
        for value, label in Outcome.choices
    ]
    rows.append(
        [
            "Signposted",
            "Signposted to another service in the quarter",
            f.view.of_series(r.signposted).display,
        ]
    )
    table = Table(
        caption=f"Outcomes of referrals closed in {f.quarter}, and signposting",
        headers=["Group", "Outcome", "Referrals"],
        rows=rows,
        numeric_columns=frozenset({2}),
    )
    return Panel(
        slug="outcomes",
        title="Outcomes at closure and signposting",
        intro=(
            "Why referrals were closed in the quarter, the outcome measures they met, and "
            "how many were signposted to another service."
        ),
        tables=[table],
        notes=[
            "A closed referral can meet several outcome measures, so the outcomes do not "
            "add up to the number closed."
        ],
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )


def caseload_panel(f: Figures) -> Panel:
    caseloads = referral_figures.caseloads(f.quarter, service_ids=f.service_ids)
    rows, figures = [], []
    for c in caseloads:
        cell = f.disclosure.count(c.open_cases)
        figure = f.disclosure.rate(cell, c.fte, per=1)
        figures.append(figure)
        position = _position(figure, c)
        rows.append(
            [
                c.service,
                cell.display,
                number(c.fte),
                figure.display,
                f"{number(c.band_low)} to {number(c.band_high)}",
                f"{position.capitalize()} the range" if position else figure.display,
            ]
        )
    table = Table(
        caption=f"Open cases per caseworker, end of {f.quarter}",
        headers=[
            "Service",
            "Open cases at quarter end",
            "Caseworker FTE",
            "Open cases per FTE",
            "Benchmark range",
            "Compared with the range",
        ],
        rows=rows,
        numeric_columns=frozenset({1, 2, 3}),
    )
    charts = []
    bands = {(c.band_low, c.band_high) for c in caseloads}
    if caseloads:
        band = next(iter(bands)) if len(bands) == 1 else None
        charts.append(
            bar_chart(
                id="caseload-per-fte",
                title="Open cases per caseworker FTE, by service",
                description=(
                    f"Open cases at the end of {f.quarter} for each full-time-equivalent "
                    "caseworker, by service" + (", against the benchmark range." if band else ".")
                ),
                categories=[c.service for c in caseloads],
                values=figures,
                value_label="Open cases per FTE",
                category_label="Service",
                band=(float(band[0]), float(band[1])) if band else None,
            )
        )
    notes = [
        "Open cases are referrals received and not yet closed, declined or signposted "
        "elsewhere, including those on a waiting list.",
    ]
    if not caseloads:
        notes.append(f"No service has a caseworker FTE figure for {f.quarter}.")
    return Panel(
        slug="caseload",
        title="Caseload per caseworker",
        intro=(
            "Open cases per full-time-equivalent caseworker at the end of the quarter, "
            "against each service's benchmark range."
        ),
        charts=charts,
        tables=[table] if caseloads else [],
        notes=notes,
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )


def _position(figure: Disclosed, caseload: Caseload) -> str | None:
    """Where the per-FTE figure as shown falls against the benchmark band."""
    if figure.value is None:
        return None
    if figure.value < caseload.band_low:
        return "below"
    if figure.value > caseload.band_high:
        return "above"
    return "within"
