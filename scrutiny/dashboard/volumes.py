"""Panels of referral volumes: by quarter, by district (with rates), by service, by source and
by subject."""

from __future__ import annotations

from partnership.disclosure import NOT_APPLICABLE, DisclosedSeries
from referrals.constants import ReferralSource, Subject

from ..charts import Series, Table, bar_chart, line_chart
from .figures import Figures
from .model import Panel
from .periods import TREND_QUARTERS
from .tables import rows_of


def trend_panel(f: Figures) -> Panel:
    q, last_year = f.quarter, f.last_year
    chart = line_chart(
        id="referrals-by-quarter",
        title="Referrals by quarter",
        description=(
            f"Referrals received in each of the {TREND_QUARTERS} quarters to {q}, with "
            f"{q} and the same quarter last year, {last_year}, marked."
        ),
        x_labels=[quarter.label for quarter in f.trend_quarters],
        series=[Series("Referrals", [f.received(x) for x in f.trend_quarters])],
        y_label="Referrals",
        highlights={last_year.label: "Same quarter last year", q.label: "This quarter"},
    )
    return Panel(
        slug="referrals-by-quarter",
        title="Referrals by quarter",
        intro=(
            f"How many referrals were received in each of the last {TREND_QUARTERS} "
            "quarters, with the same quarter last year marked."
        ),
        charts=[chart],
        csv_header=list(chart.table.headers),
        csv_rows=rows_of(chart.table),
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
    rows.append(["All districts and out of area", cells.total.display, NOT_APPLICABLE])
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
                title="Referrals per 10,000 population, by district",
                description=(
                    f"Referrals received in {f.quarter} from residents of each district, "
                    "per 10,000 people living there."
                ),
                categories=names,
                values=rates,
                value_label="Referrals per 10,000 population",
                category_label="District",
            )
        )
    return Panel(
        slug="districts",
        title="Referrals by district",
        intro=(
            "Referrals by the district the person lives in, as a count and as a rate per "
            "10,000 population, so that districts of different sizes can be compared."
        ),
        charts=charts,
        tables=[table],
        notes=[
            "Out-of-area referrals have no rate: there is no population to divide by.",
            *([] if f.exact else ["Rates are worked out from the rounded counts shown."]),
        ],
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )


def _series_panel(
    f: Figures,
    *,
    slug: str,
    title: str,
    intro: str,
    label: str,
    cells: DisclosedSeries,
    names: dict,
) -> Panel:
    """A panel of one breakdown of the quarter's referrals: a bar chart and its table."""
    keys = list(cells.items)
    assert cells.total is not None
    header = [label, "Referrals"]
    charts = []
    if keys:
        charts.append(
            bar_chart(
                id=slug,
                title=title,
                description=f"Referrals received in {f.quarter}, by {label.lower()}.",
                categories=[names[k] for k in keys],
                values=[cells.items[k] for k in keys],
                value_label="Referrals",
                category_label=label,
            )
        )
    rows = [[names[k], cells.items[k].display] for k in keys]
    return Panel(
        slug=slug,
        title=title,
        intro=intro,
        charts=charts,
        notes=[] if keys else [f"There is nothing to show by {label.lower()} yet."],
        csv_header=header,
        csv_rows=rows + [["All referrals", cells.total.display]],
    )


def service_panel(f: Figures) -> Panel:
    received = f.volumes(f.quarter).received
    if f.service is not None:
        own = received.items[f.service.pk]
        received = DisclosedSeries(items={f.service.pk: own}, total=own)
    return _series_panel(
        f,
        slug="services",
        title="Referrals by service",
        intro="Referrals received by each commissioned service.",
        label="Service",
        cells=received,
        names={s.pk: s.name for s in f.shown_services},
    )


def source_panel(f: Figures) -> Panel:
    return _series_panel(
        f,
        slug="sources",
        title="Referrals by source",
        intro="Who made the referrals: the police, the person themselves, other agencies.",
        label="Referral source",
        cells=f.view.of_table(f.release.sources),
        names=dict(ReferralSource.choices),
    )


def subject_panel(f: Figures) -> Panel:
    return _series_panel(
        f,
        slug="subjects",
        title="Referrals by subject",
        intro=(
            "Whom the referrals were about: victim-survivors, perpetrators, and children "
            "and young people."
        ),
        label="Subject",
        cells=f.view.of_table(f.release.subjects),
        names=dict(Subject.choices),
    )
