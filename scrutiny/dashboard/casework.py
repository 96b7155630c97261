"""Panels of the casework: repeat referrals and addresses, outcomes at closure, caseloads."""

from __future__ import annotations

from django.conf import settings

from commissioning.constants import CaseloadCounts
from partnership.disclosure import Disclosed
from referrals import metrics as referral_figures
from referrals.constants import ClosureReason, Outcome
from referrals.metrics import Caseload

from ..charts import Chart, Table, bar_chart
from ..release import PART
from . import wording
from .figures import Figures
from .model import Panel
from .tables import number, table_panel


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
    return table_panel(
        slug="repeats",
        words=wording.repeats_words(months),
        table=table,
        notes=wording.repeats_notes(months),
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
    return table_panel(
        slug="outcomes", words=wording.OUTCOMES, table=table, notes=wording.OUTCOMES_NOTES
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
    return table_panel(
        slug="caseload",
        words=wording.CASELOAD,
        table=table,
        tables=[table] if caseloads else [],
        charts=[_caseload_chart(f, caseloads, figures)] if caseloads else [],
        notes=wording.caseload_notes(f.quarter, _counted(caseloads)),
    )


def _caseload_chart(f: Figures, caseloads: list[Caseload], figures: list[Disclosed]) -> Chart:
    """Open cases per FTE by service, with the benchmark band when every service shares one."""
    bands = {(c.band_low, c.band_high) for c in caseloads}
    band = next(iter(bands)) if len(bands) == 1 else None
    return bar_chart(
        id="caseload-per-fte",
        title=wording.CASELOAD_CHART_TITLE,
        description=wording.caseload_description(f.quarter, band=bool(band)),
        categories=[c.service for c in caseloads],
        values=figures,
        value_label="Open cases per FTE",
        category_label="Service",
        band=(float(band[0]), float(band[1])) if band else None,
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


def _counted(caseloads: list[Caseload]) -> dict[str, list[str]]:
    """What counted as an open case, by each service's definition at the quarter's end."""
    counted: dict[str, list[str]] = {}
    for c in caseloads:
        counted.setdefault(CaseloadCounts(c.counts).label, []).append(c.service)
    return counted
