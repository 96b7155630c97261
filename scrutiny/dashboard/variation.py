"""Normal variation or real change: an XmR chart for each district and each service."""

from __future__ import annotations

from collections.abc import Sequence

from partnership.calendar import FinancialQuarter
from partnership.disclosure import DisclosedSeries

from .. import spc
from ..charts import Table, xmr_chart
from .figures import Figures
from .model import Panel


def _xmr_panel(
    f: Figures,
    *,
    slug: str,
    title: str,
    intro: str,
    label: str,
    members: Sequence[tuple[object, str, str, str]],
    cells: dict[FinancialQuarter, DisclosedSeries],
) -> Panel:
    """One XmR chart per member (key, chart id, name, phrase), over every quarter."""
    labels = [q.label for q in f.xmr_quarters]
    charts, readings, csv_rows = [], [], []
    for key, chart_id, name, phrase in members:
        result = spc.xmr([cells[q].items[key] for q in f.xmr_quarters], labels)
        chart = xmr_chart(
            result,
            id=chart_id,
            title=f"{name}: referrals by quarter, with process limits",
            name_phrase=phrase,
        )
        charts.append(chart)
        readings.append([name, chart.reading])
        csv_rows += [[name, *row] for row in chart.table.rows]
    table = Table(
        caption=f"Reading of each chart, {f.quarter}",
        headers=[label, "Reading"],
        rows=readings,
    )
    return Panel(
        slug=slug,
        title=title,
        intro=intro,
        charts=charts,
        tables=[table] if readings else [],
        notes=[
            "Each chart is a statistical process control (XmR) chart, as in NHS England's "
            "'Making Data Count'. Points outside the process limits, runs of 7 quarters "
            "above or below the mean and trends of 7 rising or falling quarters are "
            "special-cause variation: a real change rather than normal fluctuation.",
            *(
                []
                if f.exact
                else [
                    "The charts use the rounded figures shown; a quarter too small to show "
                    "is a gap and is left out of the mean and the limits."
                ]
            ),
        ],
        csv_header=[label, "Quarter", "Referrals", "Moving range", "Special cause"],
        csv_rows=csv_rows,
    )


def district_variation_panel(f: Figures) -> Panel:
    members = [
        (pk, f"xmr-district-{pk}", name, f"Referrals from {name}")
        for pk, name, _population in f.areas
        if pk is not None
    ]
    return _xmr_panel(
        f,
        slug="variation-districts",
        title="Normal variation or real change: districts",
        intro=(
            "Whether each district's quarterly referrals moved beyond their normal "
            "variation, over every quarter with data."
        ),
        label="District",
        members=members,
        cells={q: f.view.of_table(f.volumes(q).districts) for q in f.xmr_quarters},
    )


def service_variation_panel(f: Figures) -> Panel:
    members = [
        (s.pk, f"xmr-service-{s.pk}", s.name, f"Referrals to {s.name}") for s in f.shown_services
    ]
    return _xmr_panel(
        f,
        slug="variation-services",
        title="Normal variation or real change: services",
        intro=(
            "Whether each service's quarterly referrals moved beyond their normal "
            "variation, over every quarter with data."
        ),
        label="Service",
        members=members,
        cells={q: f.volumes(q).received for q in f.xmr_quarters},
    )
