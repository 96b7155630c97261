"""Published contracts as Open Contracting Data Standard 1.1 release packages.

One contracting process (OCID `<OCDS_OCID_PREFIX>-<contract.open_data_id>`) per contract, one
compiled release each, built from the same reconciliation the commissioning pages show
(`metrics.contract_funding`):

- `planning.budget.budgetBreakdown` (the Budget Breakdown extension): one entry per contract
  year and funder, with the amount, the financial year as its period and the funder as its
  `sourceParty`; `planning.budget.amount` is their total.
- `contracts[0].value` is the sum of the annual values, and `planning.budget.financialYears`
  (a field of ours, documented on the open data page) gives each year's annual value, what the
  funders contribute, the difference, and the status and problems the app shows ("Adds up",
  "Does not add up", "Stated percentage differs"), so a year whose funding does not reconcile
  carries the same flag in the open data as on screen.

Amounts are pounds with pence, exactly as stored: integer pence become `Decimal`s with two
places, written as JSON numbers by `simplejson` (never through a float).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import simplejson
from django.conf import settings

from ..constants import ExtensionStatus
from ..metrics import ContractFunding, ContractTimeline, Reconciliation
from ..models import Contract, add_months
from .selectors import ocid_for

BUDGET_BREAKDOWN_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_budget_breakdown_extension/master/extension.json"
)
LONDON = ZoneInfo("Europe/London")


def pounds(pence: int) -> Decimal:
    """67,049,000 pence is Decimal("670490.00"): exact, two places."""
    return Decimal(pence).scaleb(-2)


def value(pence: int) -> dict[str, Any]:
    return {"amount": pounds(pence), "currency": "GBP"}


def _start(day: date) -> str:
    return datetime.combine(day, time.min, tzinfo=LONDON).isoformat()


def _end(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).isoformat()


def _year_period(year: Reconciliation) -> dict[str, str]:
    return {
        "startDate": _start(date(year.start_year, 4, 1)),
        "endDate": _end(date(year.start_year + 1, 3, 31)),
    }


def _party_ref(organisation_id: int, name: str) -> dict[str, str]:
    return {"id": f"org-{organisation_id}", "name": name}


def _parties(contract: Contract, funding: ContractFunding) -> list[dict[str, Any]]:
    roles: dict[int, tuple[str, list[str]]] = {}

    def add(org_id: int, name: str, *new: str) -> None:
        held = roles.setdefault(org_id, (name, []))[1]
        held.extend(role for role in new if role not in held)

    add(contract.lead_commissioner_id, contract.lead_commissioner.name, "buyer")
    add(contract.provider_id, contract.provider.name, "supplier")
    for year in funding.years:
        for share in year.shares:
            add(share.funder_id, share.funder, "funder", "sourceParty")
    return [_party_ref(pk, name) | {"roles": held} for pk, (name, held) in roles.items()]


def _breakdown(funding: ContractFunding) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{year.start_year}-org-{share.funder_id}",
            "description": f"{share.funder}'s contribution in {year.financial_year}",
            "amount": value(share.amount_pence),
            "period": _year_period(year),
            "sourceParty": _party_ref(share.funder_id, share.funder),
        }
        for year in funding.years
        for share in year.shares
    ]


def _financial_years(funding: ContractFunding) -> list[dict[str, Any]]:
    return [
        {
            "financialYear": year.financial_year,
            "period": _year_period(year),
            "annualValue": value(year.annual_value_pence),
            "contributed": value(year.total_pence),
            "difference": value(year.difference_pence),
            "addsUp": year.adds_up,
            "flagged": year.is_flagged,
            "status": year.status,
            "problems": list(year.problems),
        }
        for year in funding.years
    ]


def _budget(contract: Contract, funding: ContractFunding) -> dict[str, Any]:
    budget: dict[str, Any] = {
        "id": f"{contract.reference}-funding",
        "description": f"Who pays for {contract.title}, by financial year and funder.",
        "amount": value(sum(year.total_pence for year in funding.years)),
        "financialYears": _financial_years(funding),
    }
    breakdown = _breakdown(funding)
    if breakdown:  # the extension requires at least one entry when the array is there
        budget["budgetBreakdown"] = breakdown
    return budget


def _status(timeline: ContractTimeline, today: date) -> str:
    if today < timeline.start_date:
        return "pending"
    return "terminated" if timeline.ended else "active"


def _contract(contract: Contract, funding: ContractFunding, timeline: ContractTimeline, today):
    available = sum(
        e.period_months for e in contract.extensions.all() if e.status == ExtensionStatus.AVAILABLE
    )
    return {
        "id": contract.reference,
        "awardID": f"{contract.reference}-award",
        "title": contract.title,
        "status": _status(timeline, today),
        "period": {
            "startDate": _start(timeline.start_date),
            "endDate": _end(timeline.end_date),
            "maxExtentDate": _end(add_months(timeline.end_date, available)),
        },
        "value": value(sum(year.annual_value_pence for year in funding.years)),
    }


def release(
    contract: Contract,
    funding: ContractFunding,
    timeline: ContractTimeline,
    *,
    changed_at: datetime,
    today: date,
) -> dict[str, Any]:
    """The compiled release of one contract. Its id is a digest of its content, so it changes
    exactly when something published changes."""
    buyer = _party_ref(contract.lead_commissioner_id, contract.lead_commissioner.name)
    supplier = _party_ref(contract.provider_id, contract.provider.name)
    body = {
        "ocid": ocid_for(contract),
        "date": changed_at.astimezone(LONDON).isoformat(),
        "tag": ["planning", "contract"],
        "initiationType": "tender",
        "language": "en",
        "parties": _parties(contract, funding),
        "buyer": buyer,
        "planning": {"budget": _budget(contract, funding)},
        "awards": [
            {
                "id": f"{contract.reference}-award",
                "title": contract.title,
                "status": "active",
                "suppliers": [supplier],
            }
        ],
        "contracts": [_contract(contract, funding, timeline, today)],
    }
    digest = hashlib.sha256(simplejson.dumps(body, sort_keys=True).encode()).hexdigest()
    return {"ocid": body["ocid"], "id": f"{body['ocid']}-{digest[:12]}", **body}


def release_package(releases: list[dict[str, Any]], *, uri: str, policy_uri: str) -> dict[str, Any]:
    """A release package; `publishedDate` is the latest change to anything in it."""
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": [BUDGET_BREAKDOWN_EXTENSION],
        "publishedDate": max(r["date"] for r in releases),
        "publisher": {"name": settings.COUNCIL_NAME},
        "license": settings.OPEN_DATA_LICENCE_URL,
        "publicationPolicy": policy_uri,
        "releases": releases,
    }


def dumps(data: Any) -> str:
    """JSON with Decimals written as exact numbers (670490.00), never as floats or strings."""
    return simplejson.dumps(data, use_decimal=True, indent=2)
