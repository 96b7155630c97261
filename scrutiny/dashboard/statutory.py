"""Panels for the partnership's statutory duties and sector figures: safe accommodation under Part
4 of the Domestic Abuse Act 2021, Marac as SafeLives asks for it, and children counted once.
The Marac and children figures are released in `scrutiny.statutory_release`."""

from __future__ import annotations

from commissioning import metrics as commissioning_figures
from commissioning.constants import SAFE_ACCOMMODATION_TYPES
from commissioning.models import CommissionedService
from partnership.disclosure import NOT_APPLICABLE
from referrals.constants import MaracReferralSource
from referrals.marac import PROFILE

from ..charts import Table
from ..statutory_release import NOT_RECORDED, MaracRelease
from . import wording
from .figures import Figures
from .model import Panel
from .tables import number, table_panel

SOURCE_NAMES = {**dict(MaracReferralSource.choices), NOT_RECORDED: wording.MARAC_NOT_RECORDED}
MARAC_CSV_HEADER = [
    "Table",
    "Measure",
    "Period",
    "Number",
    "Percentage or rate",
    "SafeLives recommends",
    "Not known",
]


def safe_accommodation_panel(f: Figures) -> Panel:
    services = CommissionedService.objects.filter(
        is_active=True, service_type__in=SAFE_ACCOMMODATION_TYPES
    ).order_by("service_type", "name")
    capacity = commissioning_figures.safe_accommodation_capacity()
    rows = [
        [
            s.name,
            s.get_service_type_display(),
            NOT_APPLICABLE if s.bed_spaces is None else f"{s.bed_spaces:,}",
            NOT_APPLICABLE if s.units is None else f"{s.units:,}",
        ]
        for s in services
    ]
    rows.append(
        [
            wording.SAFE_ACCOMMODATION_TOTAL,
            f"{capacity.services} services",
            f"{capacity.bed_spaces:,}",
            f"{capacity.units:,}",
        ]
    )
    table = Table(
        caption="Safe accommodation in use: bed spaces and units by type",
        headers=["Service", "Type", "Bed spaces", "Units"],
        rows=rows,
        numeric_columns=frozenset({2, 3}),
    )
    return table_panel(
        slug="safe-accommodation",
        words=wording.SAFE_ACCOMMODATION,
        table=table,
        notes=wording.SAFE_ACCOMMODATION_NOTES,
    )


# Marac -------------------------------------------------------------------------------------


def _recommended(period: MaracRelease) -> str:
    rate = f"{number(period.recommended_rate)} per 10,000"
    if period.recommended_cases is None:
        return rate
    return f"{rate} ({period.recommended_cases:,} cases)"


def _case_rows(periods: list[MaracRelease]) -> list[list[str]]:
    rows = []
    for p in periods:
        rows += [
            ["Cases", p.label, p.cases.display, p.rate.display, _recommended(p)],
            ["Repeat cases", p.label, p.repeats.display, p.repeat_rate.display, NOT_APPLICABLE],
            ["Children in the households", p.label, p.children.display] + [NOT_APPLICABLE] * 2,
            [
                "Heard at Marac, hearing date not recorded (in no figure)",
                p.label,
                p.not_recorded.display,
            ]
            + [NOT_APPLICABLE] * 2,
        ]
    return rows


def _area_rows(periods: list[MaracRelease]) -> list[list[str]]:
    rows = []
    for p in periods:
        rows += [[a.name, p.label, a.cases.display, a.rate.display] for a in p.by_area]
        rows.append([wording.MARAC_ALL_AREAS, p.label, p.cases.display, p.rate.display])
    return rows


def _source_rows(periods: list[MaracRelease]) -> list[list[str]]:
    rows = []
    for p in periods:
        rows += [
            [SOURCE_NAMES[key], p.label, cell.display, p.source_shares[key].display]
            for key, cell in p.by_source.items()
        ]
        rows.append([wording.MARAC_ALL_CASES, p.label, p.cases.display, NOT_APPLICABLE])
        rows.append(
            [wording.MARAC_PARTNER_AGENCIES, p.label, NOT_APPLICABLE, p.partner_share.display]
        )
    return rows


def _profile_rows(periods: list[MaracRelease]) -> list[list[str]]:
    return [
        [label, p.label, s.number.display, s.share.display, s.not_known.display]
        for p in periods
        for key, label in PROFILE
        for s in [p.profile[key]]
    ]


def marac_tables(periods: list[MaracRelease]) -> list[Table]:
    span = " and ".join(p.label for p in periods)
    return [
        Table(
            caption=f"Marac cases, {span}",
            headers=["Measure", "Period", "Number", "Percentage or rate", "SafeLives recommends"],
            rows=_case_rows(periods),
            numeric_columns=frozenset({2, 3}),
        ),
        Table(
            caption=f"Marac cases by district, {span}",
            headers=["District", "Period", "Number", "Cases per 10,000 adult women"],
            rows=_area_rows(periods),
            numeric_columns=frozenset({2, 3}),
        ),
        Table(
            caption=f"Marac cases by who referred them, {span}",
            headers=["Referred by", "Period", "Number", "Percentage of cases"],
            rows=_source_rows(periods),
            numeric_columns=frozenset({2, 3}),
        ),
        Table(
            caption=f"Victims' profile, {span}",
            headers=["Victims", "Period", "Number", "Percentage of cases", "Not known"],
            rows=_profile_rows(periods),
            numeric_columns=frozenset({2, 3, 4}),
        ),
    ]


def _marac_csv_rows(tables: list[Table]) -> list[list[str]]:
    """Every table's rows in MARAC_CSV_HEADER's columns ("–" where a table has none)."""
    rows = []
    for table, name in zip(tables, ["Cases", "District", "Referred by", "Profile"], strict=True):
        for row in table.rows:
            cells = dict(zip(table.headers, row, strict=True))
            rows.append(
                [
                    name,
                    row[0],
                    cells["Period"],
                    cells["Number"],
                    row[3],
                    cells.get("SafeLives recommends", NOT_APPLICABLE),
                    cells.get("Not known", NOT_APPLICABLE),
                ]
            )
    return rows


def _marac_notes(f: Figures) -> list[str]:
    figures, _released = f.marac
    notes = list(wording.MARAC_NOTES)
    if figures.rolling.population_sources:
        notes.append(wording.marac_population_note(figures.rolling.population_sources))
    if figures.quarter.adult_women is None:
        notes.append(wording.MARAC_NO_POPULATION)
    if not f.exact:
        notes.append(wording.ROUNDED_RATES)
    return notes


def marac_panel(f: Figures) -> Panel:
    """The quarter's and the 12 months' Marac figures, the same in every service's view."""
    tables = marac_tables(f.marac[1])
    return Panel(
        slug="marac",
        title=wording.MARAC.title,
        intro=wording.MARAC.intro,
        tables=tables,
        notes=_marac_notes(f),
        csv_header=list(MARAC_CSV_HEADER),
        csv_rows=_marac_csv_rows(tables),
    )


# Children ----------------------------------------------------------------------------------


def children_panel(f: Figures) -> Panel:
    released = f.children
    table = Table(
        caption=f"Children in the households of referrals received in {f.quarter}",
        headers=["Measure", "Number"],
        rows=[
            [wording.CHILDREN_IN_HOUSEHOLDS, released.children_in_households.display],
            [wording.CHILD_REFERRALS, released.child_referrals.display],
            [wording.CHILDREN_REFERRED, released.children_referred.display],
            [wording.CHILDREN_REACHED, released.children_reached.display],
        ],
        numeric_columns=frozenset({1}),
    )
    return table_panel(
        slug="children", words=wording.CHILDREN, table=table, notes=wording.CHILDREN_NOTES
    )
