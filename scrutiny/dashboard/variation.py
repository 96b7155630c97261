"""Normal variation or real change: an XmR chart (scrutiny.spc) for each district and each
service, over every quarter with data.

The charts are computed on the figures the viewer may see. With suppression on, that is the
rounded counts, and a suppressed quarter is a gap (left out of the mean and the limits, and it
breaks runs and trends); a mean of exact counts would let a reader work out a suppressed quarter
from the shown ones. Rounding to 5 changes the limits very little at the volumes of a district
or a service.
"""

from __future__ import annotations

from collections.abc import Sequence

from partnership.calendar import FinancialQuarter
from partnership.disclosure import DisclosedSeries

from .. import spc
from ..charts import Table, xmr_chart
from . import wording
from .figures import Figures
from .model import Panel
from .wording import Words


def _xmr_panel(
    f: Figures,
    *,
    slug: str,
    words: Words,
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
            result, id=chart_id, title=wording.variation_chart_title(name), name_phrase=phrase
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
        title=words.title,
        intro=words.intro,
        charts=charts,
        tables=[table] if readings else [],
        notes=wording.variation_notes(exact=f.exact),
        csv_header=[label, "Quarter", "Referrals", "Moving range", "Special cause"],
        csv_rows=csv_rows,
    )


def district_variation_panel(f: Figures) -> Panel:
    members = [
        (pk, f"xmr-district-{pk}", name, wording.referrals_from(name))
        for pk, name, _population in f.areas
        if pk is not None
    ]
    return _xmr_panel(
        f,
        slug="variation-districts",
        words=wording.DISTRICT_VARIATION,
        label="District",
        members=members,
        cells={q: f.view.of_table(f.volumes(q).districts) for q in f.xmr_quarters},
    )


def service_variation_panel(f: Figures) -> Panel:
    members = [
        (s.pk, f"xmr-service-{s.pk}", s.name, wording.referrals_to(s.name))
        for s in f.shown_services
    ]
    return _xmr_panel(
        f,
        slug="variation-services",
        words=wording.SERVICE_VARIATION,
        label="Service",
        members=members,
        cells={q: f.volumes(q).received for q in f.xmr_quarters},
    )
