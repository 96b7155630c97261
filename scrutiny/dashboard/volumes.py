"""Panels of referral volumes: by quarter, by district (with rates), by service, by source and
by subject."""

from __future__ import annotations

from partnership.disclosure import NOT_APPLICABLE, DisclosedSeries
from referrals.constants import ReferralSource, Subject

from ..charts import Series, Table, bar_chart, line_chart
from . import wording
from .figures import Figures
from .model import Panel
from .tables import table_panel
from .wording import Words


def trend_panel(f: Figures) -> Panel:
    q, last_year = f.quarter, f.last_year
    chart = line_chart(
        id="referrals-by-quarter",
        title=wording.TREND.title,
        description=wording.trend_description(q, last_year),
        x_labels=[quarter.label for quarter in f.trend_quarters],
        series=[Series("Referrals", [f.received(x) for x in f.trend_quarters])],
        y_label="Referrals",
        highlights={last_year.label: "Same quarter last year", q.label: "This quarter"},
    )
    return table_panel(
        slug="referrals-by-quarter",
        words=wording.TREND,
        table=chart.table,
        tables=[],
        charts=[chart],
    )


def district_panel(f: Figures) -> Panel:
    cells = f.view.of_table(f.volumes(f.quarter).districts)
    rows, rates, names = [], [], []
    for area_id, name, population in f.areas:
        cell = cells.items[area_id]
        rate = f.disclosure.rate(cell, population, per=10_000)
        rows.append([name, cell.display, rate.display])
        if area_id is not None:
            names.append(name)
            rates.append(rate)
    assert cells.total is not None
    rows.append([wording.DISTRICT_TOTAL, cells.total.display, NOT_APPLICABLE])
    table = Table(
        caption=f"Referrals by district, {f.quarter}",
        headers=["District", "Referrals", "Referrals per 10,000 population"],
        rows=rows,
        numeric_columns=frozenset({1, 2}),
    )
    charts = []
    if names:
        charts.append(
            bar_chart(
                id="referrals-per-10000-by-district",
                title=wording.DISTRICT_RATES_TITLE,
                description=wording.district_rates_description(f.quarter),
                categories=names,
                values=rates,
                value_label="Referrals per 10,000 population",
                category_label="District",
            )
        )
    return table_panel(
        slug="districts",
        words=wording.DISTRICTS,
        table=table,
        charts=charts,
        notes=wording.district_notes(exact=f.exact),
    )


def _breakdown_panel(
    f: Figures, *, slug: str, words: Words, label: str, cells: DisclosedSeries, names: dict
) -> Panel:
    """A panel of one breakdown of the quarter's referrals: a bar chart and its table."""
    keys = list(cells.items)
    assert cells.total is not None
    charts = []
    if keys:
        charts.append(
            bar_chart(
                id=slug,
                title=words.title,
                description=wording.breakdown_description(f.quarter, label),
                categories=[names[k] for k in keys],
                values=[cells.items[k] for k in keys],
                value_label="Referrals",
                category_label=label,
            )
        )
    rows = [[names[k], cells.items[k].display] for k in keys]
    return Panel(
        slug=slug,
        title=words.title,
        intro=words.intro,
        charts=charts,
        notes=[] if keys else [wording.nothing_by(label)],
        csv_header=[label, "Referrals"],
        csv_rows=rows + [[wording.BREAKDOWN_TOTAL, cells.total.display]],
    )


def service_panel(f: Figures) -> Panel:
    received = f.volumes(f.quarter).received
    if f.service is not None:
        own = received.items[f.service.pk]
        received = DisclosedSeries(items={f.service.pk: own}, total=own)
    return _breakdown_panel(
        f,
        slug="services",
        words=wording.SERVICES,
        label="Service",
        cells=received,
        names={s.pk: s.name for s in f.shown_services},
    )


def source_panel(f: Figures) -> Panel:
    return _breakdown_panel(
        f,
        slug="sources",
        words=wording.SOURCES,
        label="Referral source",
        cells=f.view.of_table(f.release.sources),
        names=dict(ReferralSource.choices),
    )


def subject_panel(f: Figures) -> Panel:
    return _breakdown_panel(
        f,
        slug="subjects",
        words=wording.SUBJECTS,
        label="Subject",
        cells=f.view.of_table(f.release.subjects),
        names=dict(Subject.choices),
    )
