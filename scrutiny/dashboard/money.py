"""Panels of money: contracts' funding splits and grant allocations, for the quarter's year."""

from __future__ import annotations

from commissioning import metrics as commissioning_figures
from partnership.calendar import FinancialYear
from partnership.disclosure import NOT_APPLICABLE
from partnership.templatetags.money import format_pence

from ..charts import Table
from .figures import Figures
from .model import Panel
from .tables import percent, rows_of


def _contract_ids(f: Figures) -> list[int] | None:
    if f.service is None:
        return None
    return list(f.service.contracts.values_list("pk", flat=True))


def funding_panel(f: Figures) -> Panel:
    year = FinancialYear(f.quarter.start_year)
    contracts = commissioning_figures.funding_overview(year, contract_ids=_contract_ids(f))
    rows = []
    for contract in contracts:
        for recon in contract.years:
            name = f"{contract.reference} {contract.title}"
            value = format_pence(recon.annual_value_pence)
            shares = recon.shares or [None]
            for share in shares:
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
    return Panel(
        slug="funding",
        title="Contract funding splits",
        intro=(
            f"Who pays for each contract in {year}, and whether the contributions add up to "
            "the contract's value."
        ),
        tables=[table] if rows else [],
        notes=problems or [f"Every contract's contributions for {year} add up."]
        if rows
        else [f"No contract has a value recorded for {year}."],
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )


def grants_panel(f: Figures) -> Panel:
    year = FinancialYear(f.quarter.start_year)
    grants = commissioning_figures.grant_allocations(year)
    rows = []
    for grant in grants:
        lines = grant.lines or [None]
        for line in lines:
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
    return Panel(
        slug="grants",
        title="Grant allocations",
        intro=f"How each grant for {year} is shared between recipients.",
        tables=[table] if rows else [],
        notes=problems
        or (
            ["Every grant's allocations add up to its total."]
            if rows
            else [f"No grant is recorded for {year}."]
        ),
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )
