"""Panels of money: contracts' funding splits and grant allocations, for the quarter's year.
Amounts of money are shown exactly (they are not counts of people)."""

from __future__ import annotations

from commissioning import metrics as commissioning_figures
from partnership.calendar import FinancialYear
from partnership.disclosure import NOT_APPLICABLE
from partnership.templatetags.money import format_pence

from ..charts import Table
from . import wording
from .figures import Figures
from .model import Panel
from .tables import percent, table_panel


def _contract_ids(f: Figures) -> list[int] | None:
    if f.service is None:
        return None
    return list(f.service.contracts.values_list("pk", flat=True))


def _funding_rows(contracts) -> list[list[str]]:
    """A row for each funder's share of each contract's year (one row when there is none)."""
    rows = []
    for contract in contracts:
        for recon in contract.years:
            name = f"{contract.reference} {contract.title}"
            value = format_pence(recon.annual_value_pence)
            for share in recon.shares or [None]:
                rows.append(
                    [
                        name,
                        value,
                        share.funder if share else NOT_APPLICABLE,
                        format_pence(share.amount_pence) if share else NOT_APPLICABLE,
                        percent(share.share_of_value_percent) if share else NOT_APPLICABLE,
                        percent(share.stated_percent) if share else NOT_APPLICABLE,
                        recon.status,
                    ]
                )
    return rows


def funding_panel(f: Figures) -> Panel:
    year = FinancialYear(f.quarter.start_year)
    contracts = commissioning_figures.funding_overview(year, contract_ids=_contract_ids(f))
    rows = _funding_rows(contracts)
    table = Table(
        caption=f"Funding split of each contract, {year}",
        headers=[
            "Contract",
            "Annual value",
            "Funder",
            "Contribution",
            "Share of the value",
            "Stated share",
            "Reconciliation",
        ],
        rows=rows,
        numeric_columns=frozenset({1, 3, 4, 5}),
    )
    problems = [
        f"{contract.reference}: {problem}"
        for contract in contracts
        for recon in contract.years
        for problem in recon.problems
    ]
    return table_panel(
        slug="funding",
        words=wording.funding_words(year),
        table=table,
        tables=[table] if rows else [],
        notes=wording.funding_notes(year, problems, any_rows=bool(rows)),
    )


def grants_panel(f: Figures) -> Panel:
    year = FinancialYear(f.quarter.start_year)
    grants = commissioning_figures.grant_allocations(year)
    rows = []
    for grant in grants:
        for line in grant.lines or [None]:
            rows.append(
                [
                    grant.name,
                    format_pence(grant.total_pence),
                    line.recipient if line else NOT_APPLICABLE,
                    format_pence(line.amount_pence) if line else NOT_APPLICABLE,
                    percent(line.share_percent) if line else NOT_APPLICABLE,
                    grant.status,
                ]
            )
    table = Table(
        caption=f"Grant allocations, {year}",
        headers=["Grant", "Total", "Recipient", "Allocation", "Share of the grant", "Status"],
        rows=rows,
        numeric_columns=frozenset({1, 3, 4}),
    )
    problems = [f"{grant.name}: {p}" for grant in grants for p in grant.problems]
    return table_panel(
        slug="grants",
        words=wording.grants_words(year),
        table=table,
        tables=[table] if rows else [],
        notes=wording.grants_notes(year, problems, any_rows=bool(rows)),
    )
