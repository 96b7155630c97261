"""Fictional commissioning demo data for Eastshire, shaped like the committee papers in context/.

- A victim and perpetrator contract commissioned jointly by the county council, the police and
  crime commissioner (lead) and the integrated care board, split 31% / 47% / 22% in most years.
  In 2020/21 it carries the amounts a committee was once told (context/001), which add up to
  £73,970 more than the £2,157,000 annual value, so the reconciliation flag shows.
- Two extensions exercised and a further one to decide; a safe accommodation contract ending
  within six months with an extension decision due.
- A £194,000 safe accommodation grant split equally across the six district councils each year
  (context/000), and a fund split by district population.
- Refuge, dispersed accommodation and sanctuary scheme services with bed spaces and units; KPI
  targets; caseworker FTE every quarter from 2019/20 Q1 to the current quarter.
- Directory listings for four services (one a draft) and the joint contract published as open
  data (`opendata/demo.py`).

Everything is written through services.py, so the History lists have entries from the start.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.constants import OrganisationKind
from partnership.models import Organisation

from . import services
from .allocation import split_by_percentages, split_by_population, split_equally
from .constants import ClientGroup, ExtensionStatus, ServiceType
from .models import CaseworkerCapacity, Contract, add_months
from .opendata.demo import seed_directory

COUNTY = "Eastshire County Council"
PCC = "Office of the Eastshire Police and Crime Commissioner"
ICB = "Eastshire Integrated Care Board"
GRANT_FUNDER = "Department for Safe Homes (demo)"

# name, provider, type, client group, bed spaces, units, starting caseworker FTE
SERVICES = [
    (
        "Harbour Lights IDVA and Outreach",
        "Harbour Lights Domestic Abuse Service",
        ServiceType.IDVA_OUTREACH,
        ClientGroup.VICTIMS,
        None,
        None,
        Decimal("14"),
    ),
    (
        "Harbour Lights Helpline",
        "Harbour Lights Domestic Abuse Service",
        ServiceType.HELPLINE,
        ClientGroup.VICTIMS,
        None,
        None,
        Decimal("4"),
    ),
    (
        "Turning Point Change Programme",
        "Turning Point Behaviour Change",
        ServiceType.PERPETRATOR_PROGRAMME,
        ClientGroup.PERPETRATORS,
        None,
        None,
        Decimal("6"),
    ),
    (
        "Little Oaks Children and Young People's Service",
        "Little Oaks Children's Support",
        ServiceType.CHILDREN_YOUNG_PEOPLE,
        ClientGroup.CHILDREN_YOUNG_PEOPLE,
        None,
        None,
        Decimal("5"),
    ),
    (
        "Beacon House Refuge",
        "Beacon House Refuges",
        ServiceType.REFUGE,
        ClientGroup.WHOLE_FAMILY,
        24,
        10,
        None,
    ),
    (
        "Beacon House Dispersed Accommodation",
        "Beacon House Refuges",
        ServiceType.DISPERSED_SAFE_ACCOMMODATION,
        ClientGroup.WHOLE_FAMILY,
        31,
        14,
        None,
    ),
    (
        "Eastshire Sanctuary Scheme",
        COUNTY,
        ServiceType.SANCTUARY_SCHEME,
        ClientGroup.VICTIMS,
        None,
        40,
        None,
    ),
]

JOINT_SPLIT = [(COUNTY, Decimal(31)), (PCC, Decimal(47)), (ICB, Decimal(22))]
# What the committee was told in context/001; they add up to £2,230,970, not £2,157,000.
AS_TOLD = [(COUNTY, 67_049_000, 31), (PCC, 101_548_300, 47), (ICB, 54_499_700, 22)]
AS_TOLD_YEAR = 2020


def seed(ctx) -> None:
    by = ctx.users["commissioner"]
    orgs = ctx.organisations
    orgs[GRANT_FUNDER] = Organisation.objects.create(name=GRANT_FUNDER, kind=OrganisationKind.OTHER)
    areas = list(ctx.areas.values())

    made = {}
    for name, provider, kind, group, beds, units, _fte in SERVICES:
        made[name] = services.service_create(
            by=by,
            name=name,
            provider=orgs[provider],
            service_type=kind,
            client_group=group,
            areas=areas,
            bed_spaces=beds,
            units=units,
        )
    _seed_capacity(ctx, made)
    ctx.extra["services"] = list(made.values())

    contracts = {
        contract.reference: contract
        for contract in (
            _seed_joint_contract(ctx, by, made),
            _seed_children_contract(ctx, by, made),
            _seed_accommodation_contract(ctx, by, made),
        )
    }
    _seed_grants(ctx, by)
    listed = seed_directory(by, made, contracts)
    ctx.log.append(f"{len(made)} commissioned services, 3 contracts, grants for the districts")
    ctx.log.append(f"{len(listed)} services and 1 contract published as open data")


def _seed_capacity(ctx, made) -> None:
    """Caseworker FTE for every quarter from 2019/20 Q1 to the current quarter."""
    first = FinancialQuarter(2019, 1).index
    last = FinancialQuarter.containing(ctx.today).index
    rows = []
    for name, *_rest, start_fte in SERVICES:
        if start_fte is None:
            continue
        fte = start_fte
        for index in range(first, last + 1):
            step = Decimal(ctx.rng.choice([-1, 0, 0, 0, 1, 1])) / 2
            fte = max(Decimal(1), fte + step)
            rows.append(CaseworkerCapacity(service=made[name], quarter_index=index, fte=fte))
    CaseworkerCapacity.objects.bulk_create(rows)


def _next_end_of_september(on_or_after: date) -> date:
    candidate = date(on_or_after.year, 9, 30)
    return candidate if candidate >= on_or_after else date(on_or_after.year + 1, 9, 30)


def _seed_joint_contract(ctx, by, made) -> Contract:
    orgs = ctx.organisations
    contract = services.contract_create(
        by=by,
        reference="ESX-DA-2018-01",
        title="Victim and perpetrator domestic abuse services",
        provider=orgs["Harbour Lights Domestic Abuse Service"],
        lead_commissioner=orgs[PCC],
        start_date=date(2018, 10, 1),
        end_date=date(2021, 9, 30),
        services=[
            made["Harbour Lights IDVA and Outreach"],
            made["Harbour Lights Helpline"],
            made["Turning Point Change Programme"],
        ],
    )
    services.extension_create(
        by=by,
        contract=contract,
        period_months=24,
        status=ExtensionStatus.EXERCISED,
        decision_due=date(2021, 3, 31),
        decided_on=date(2021, 3, 15),
    )
    # Extended again so that the contract is still running at the demo's date.
    second_end = max(_next_end_of_september(add_months(ctx.today, 7)), date(2024, 9, 30))
    services.extension_create(
        by=by,
        contract=contract,
        period_months=(second_end.year - 2023) * 12,
        status=ExtensionStatus.EXERCISED,
        decision_due=date(2023, 3, 31),
        decided_on=date(2023, 3, 14),
    )
    services.extension_create(
        by=by,
        contract=contract,
        period_months=24,
        status=ExtensionStatus.AVAILABLE,
        decision_due=add_months(second_end, -9),
    )
    contract.refresh_from_db()
    for year in contract.financial_years():
        if year.start_year == 2018:
            value = 107_850_000  # October to March: half of £2,157,000
        elif year.start_year < 2022:
            value = 215_700_000
        else:
            value = 224_328_000  # a 4% uplift from 2022/23
        if year.start_year == AS_TOLD_YEAR:
            contributions = [
                services.ContributionInput(orgs[name], pence, Decimal(stated))
                for name, pence, stated in AS_TOLD
            ]
        else:
            amounts = split_by_percentages(value, [share for _name, share in JOINT_SPLIT])
            contributions = [
                services.ContributionInput(orgs[name], pence, share)
                for (name, share), pence in zip(JOINT_SPLIT, amounts, strict=True)
            ]
        services.contract_year_save(
            by=by,
            contract=contract,
            financial_year=year.start_year,
            annual_value_pence=value,
            contributions=contributions,
        )
    return contract


def _seed_children_contract(ctx, by, made) -> Contract:
    orgs = ctx.organisations
    end = FinancialYear.containing(ctx.today).next().end
    contract = services.contract_create(
        by=by,
        reference="ESX-CYP-2020-02",
        title="Children and young people's domestic abuse support",
        provider=orgs["Little Oaks Children's Support"],
        lead_commissioner=orgs[COUNTY],
        start_date=date(2020, 4, 1),
        end_date=end,
        services=[made["Little Oaks Children and Young People's Service"]],
    )
    for year in contract.financial_years():
        value = 38_000_000 + 1_000_000 * (year.start_year - 2020)
        county, icb = split_by_percentages(value, [Decimal(60), Decimal(40)])
        services.contract_year_save(
            by=by,
            contract=contract,
            financial_year=year.start_year,
            annual_value_pence=value,
            contributions=[
                services.ContributionInput(orgs[COUNTY], county),
                services.ContributionInput(orgs[ICB], icb),
            ],
        )
    return contract


def _seed_accommodation_contract(ctx, by, made) -> Contract:
    """Ends within six months of the demo date, with an extension still to decide."""
    orgs = ctx.organisations
    # The last day of the month four months on: inside the six-month warning.
    end = add_months(date(ctx.today.year, ctx.today.month, 1), 5) - timedelta(days=1)
    end = max(end, date(2022, 3, 31))
    contract = services.contract_create(
        by=by,
        reference="ESX-SA-2021-03",
        title="Refuge and dispersed safe accommodation",
        provider=orgs["Beacon House Refuges"],
        lead_commissioner=orgs[COUNTY],
        start_date=date(2021, 10, 1),
        end_date=end,
        services=[made["Beacon House Refuge"], made["Beacon House Dispersed Accommodation"]],
    )
    services.extension_create(
        by=by,
        contract=contract,
        period_months=12,
        status=ExtensionStatus.AVAILABLE,
        decision_due=add_months(ctx.today, 1),
    )
    for year in contract.financial_years():
        value = 41_500_000 if year.start_year > 2021 else 20_750_000
        services.contract_year_save(
            by=by,
            contract=contract,
            financial_year=year.start_year,
            annual_value_pence=value,
            contributions=[services.ContributionInput(orgs[COUNTY], value)],
        )
    return contract


def _seed_grants(ctx, by) -> None:
    orgs = ctx.organisations
    districts = sorted(ctx.areas.values(), key=lambda area: area.name)
    councils = [orgs[f"{area.name} District Council"] for area in districts]
    current = FinancialYear.containing(ctx.today).start_year
    for start_year in range(2021, current + 1):
        stream = services.funding_stream_create(
            by=by,
            name="Safe accommodation grant: district councils",
            funder=orgs[GRANT_FUNDER],
            financial_year=start_year,
            total_pence=19_400_000,
        )
        amounts = split_equally(stream.total_pence, len(councils))
        services.allocations_set(
            by=by,
            stream=stream,
            allocations=[
                services.AllocationInput(council, pence, area=area)
                for council, area, pence in zip(councils, districts, amounts, strict=True)
            ],
        )
    fund = services.funding_stream_create(
        by=by,
        name="Community domestic abuse fund",
        funder=orgs[PCC],
        financial_year=current,
        total_pence=12_000_000,
    )
    amounts = split_by_population(fund.total_pence, [area.population for area in districts])
    services.allocations_set(
        by=by,
        stream=fund,
        allocations=[
            services.AllocationInput(council, pence, area=area)
            for council, area, pence in zip(councils, districts, amounts, strict=True)
        ],
    )
