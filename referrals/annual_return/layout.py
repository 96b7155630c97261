"""The return laid out as tables: what the page shows and the XLSX holds, cell for cell.

`annual_return(year)` works out the figures (`figures.return_figures`, for all safe
accommodation services and for each), reconciles them with the dashboard (`reconciliation`)
and lays them out as `Table`s. A run keeps `AnnualReturn.as_json()`, so its page and its file
always show the figures as they were made, whatever changes later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.calendar import FinancialYear

from ..constants import ACCOMMODATION_OF_SERVICE_TYPE as CAPACITY_TYPE
from ..constants import AccommodationType, ReturnList
from .figures import (
    ENDING_GROUPS,
    NOT_RECORDED,
    TYPE_NOT_RECORDED,
    ReturnFigures,
    categories,
    return_figures,
)
from .reconciliation import Difference, ReconciledFigure, Reconciliation, reconcile

UNCONFIRMED = (
    "MHCLG's return form and guidance were not available when this layout was made: the "
    "tables follow what the published statistics report (Support in domestic abuse safe "
    "accommodation, 2023-24 and 2024-25). Check the layout against the form before uploading.",
    "Values of the lists marked 'not confirmed' are not confirmed as the return's categories; "
    "a performance lead chooses which are in use.",
    "What counts as 'supported' (a minimum contact, cases carried over) is not confirmed: here, "
    "every household in support at any time in the year.",
)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)

    def value(self, row_label: str, column: str):
        """The cell in the row starting `row_label` and the column headed `column`."""
        row = next(row for row in self.rows if row[0] == row_label)
        return row[self.header.index(column)]


@dataclass(frozen=True)
class AnnualReturn:
    year: str
    authority: str
    made_at: str
    tables: list[Table]
    reconciliations: list[Reconciliation]
    unconfirmed: list[str] = field(default_factory=lambda: list(UNCONFIRMED))

    @property
    def balances(self) -> bool:
        return all(r.balances for r in self.reconciliations)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> AnnualReturn:
        return cls(
            year=data["year"],
            authority=data["authority"],
            made_at=data["made_at"],
            tables=[Table(**table) for table in data["tables"]],
            reconciliations=[
                Reconciliation(
                    services=r["services"],
                    lines=tuple(
                        ReconciledFigure(
                            **{k: v for k, v in line.items() if k != "differences"},
                            differences=tuple(Difference(**d) for d in line["differences"]),
                        )
                        for line in r["lines"]
                    ),
                )
                for r in data["reconciliations"]
            ],
            unconfirmed=data["unconfirmed"],
        )


def _label(category) -> str:
    if category is None:
        return NOT_RECORDED
    return category.label if category.confirmed else f"{category.label} (not confirmed)"


def _supported(figures: ReturnFigures) -> Table:
    header = [
        "Accommodation",
        "Households",
        "Women",
        "Men",
        "Trans adults",
        "Children",
        "People",
        "Households with people not recorded",
    ]
    rows = []
    kinds = [(kind.label, kind.value) for kind in AccommodationType] + [(NOT_RECORDED, "")]
    for label, kind in kinds:
        people = figures.by_type[kind]
        if kind == "" and not people.households:
            continue
        rows.append(_people_row(label, people))
    rows.append(_people_row("All safe accommodation (each household once)", figures.total))
    return Table(
        "supported",
        "Households and people supported, by type of accommodation",
        header,
        rows,
        [
            "A household supported in two types of accommodation in the year is in both rows "
            "and once in the last.",
            "People are those of the household's latest support in the year.",
        ],
    )


def _people_row(label: str, people) -> list:
    return [
        label,
        people.households,
        people.women,
        people.men,
        people.trans_adults,
        people.children,
        people.individuals,
        people.not_described,
    ]


def _characteristics(figures: ReturnFigures) -> Table:
    rows = [
        [_label(c), figures.characteristics.get(c.pk, 0)]
        for c in categories(ReturnList.CHARACTERISTIC, figures.characteristics)
        if c is not None
    ]
    rows.append(["At least one specialist characteristic", figures.with_characteristic])
    rows.append([NOT_RECORDED, figures.characteristics_not_recorded])
    return Table(
        "characteristics",
        "People supported with specialist characteristics",
        ["Specialist characteristic", "People"],
        rows,
        ["Of the person referred, one per household supported. A person can have several."],
    )


def _counted(kind: str, counts: dict, title: str, header: str, key: str, total: str) -> Table:
    rows = [[_label(c), counts.get(c.pk if c else None, 0)] for c in categories(kind, counts)]
    rows.append([total, sum(counts.values())])
    return Table(key, title, [header, "Households"], rows)


def _ended(figures: ReturnFigures) -> Table:
    used = {reason for group in figures.ended.values() for reason in group}
    groups = list(ENDING_GROUPS)
    rows = []
    for category in categories(ReturnList.SUPPORT_ENDED, used):
        pk = category.pk if category else None
        counts = [figures.ended[group].get(pk, 0) for group in groups]
        rows.append([_label(category), *counts, sum(counts)])
    totals = [sum(figures.ended[group].values()) for group in groups]
    rows.append(["All households whose support ended", *totals, sum(totals)])
    return Table(
        "ended",
        "Households whose support ended, by why",
        ["Why support ended", *ENDING_GROUPS.values(), "All"],
        rows,
    )


def _capacity() -> Table:
    rows = []
    services = CommissionedService.objects.filter(
        is_active=True, service_type__in=list(CAPACITY_TYPE)
    )
    for kind in AccommodationType:
        found = [s for s in services if CAPACITY_TYPE[s.service_type] == kind]
        rows.append(
            [
                kind.label,
                len(found),
                sum(s.bed_spaces or 0 for s in found),
                sum(s.units or 0 for s in found),
            ]
        )
    rows.append(["All", *(sum(row[i] for row in rows) for i in (1, 2, 3))])
    return Table(
        "capacity",
        "Commissioned capacity (running services, as recorded now)",
        ["Accommodation", "Services", "Bed spaces", "Units"],
        rows,
        ["Refuge bed spaces and sanctuary scheme units, as each service records them."],
    )


def _by_service(per_service: list[tuple[str, ReturnFigures]]) -> Table:
    return Table(
        "services",
        "By service",
        [
            "Service",
            "Households supported",
            "People supported",
            "Households unable to be supported",
            "Households whose support ended",
        ],
        [
            [
                name,
                f.households_supported,
                f.total.individuals,
                f.households_unable,
                f.households_ended,
            ]
            for name, f in per_service
        ],
        ["A household supported by two services is counted by each."],
    )


def _data_quality(figures: ReturnFigures) -> Table:
    return Table(
        "data_quality",
        "Records without what the return needs",
        ["What is not recorded", "Households"],
        [
            ["Accommodation type of a household supported", figures.by_type[""].households],
            ["People in a household supported", figures.total.not_described],
            [
                "Specialist characteristics of a household supported",
                figures.characteristics_not_recorded,
            ],
            [
                "Why support ended",
                sum(group.get(None, 0) for group in figures.ended.values()),
            ],
            [
                "Where a household moved on to (not a sanctuary scheme)",
                figures.destinations.get(None, 0),
            ],
            [
                "Accommodation type of a household whose support ended",
                sum(figures.ended[TYPE_NOT_RECORDED].values()),
            ],
        ],
        [
            "Referrals recorded before these questions were asked have them not recorded; "
            "nothing is guessed. An officer can record the details while support goes on."
        ],
    )


def annual_return(year: FinancialYear, *, now: datetime | None = None) -> AnnualReturn:
    """The whole return for a financial year: tables and reconciliations."""
    now = now or timezone.now()
    total = return_figures(year)
    names = dict(
        CommissionedService.objects.filter(pk__in=total.service_ids).values_list("pk", "name")
    )
    per_service = [(names[pk], return_figures(year, [pk])) for pk in total.service_ids]
    tables = [
        _supported(total),
        _characteristics(total),
        _counted(
            ReturnList.UNABLE_TO_SUPPORT,
            total.unable,
            "Households that could not be supported, by why",
            "Why the household could not be supported",
            "unable",
            "All households that could not be supported",
        ),
        _ended(total),
        _counted(
            ReturnList.MOVE_ON,
            total.destinations,
            "Where households moved on to (accommodation other than sanctuary schemes)",
            "Move-on destination",
            "move_on",
            "All households that moved on",
        ),
        _capacity(),
        _by_service(per_service),
        _data_quality(total),
    ]
    reconciliations = [reconcile(total, "All safe accommodation services")]
    reconciliations += [reconcile(figures, name) for name, figures in per_service]
    return AnnualReturn(
        year=year.label,
        authority=settings.COUNCIL_NAME,
        made_at=timezone.localtime(now).isoformat(timespec="seconds"),
        tables=tables,
        reconciliations=reconciliations,
    )
