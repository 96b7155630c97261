"""Fixtures for commissioning tests: the three funders and the contract year of context/001."""

from decimal import Decimal

import pytest

from commissioning import services
from partnership.constants import OrganisationKind
from tests.factories import ContractFactory, OrganisationFactory

# A committee was told: annual value £2,157,000, funded £670,490 (31%), £1,015,483 (47%) and
# £544,997 (22%). Those amounts add up to £2,230,970.
VALUE_001 = 215_700_000
AS_TOLD_001 = [(67_049_000, Decimal(31)), (101_548_300, Decimal(47)), (54_499_700, Decimal(22))]


@pytest.fixture
def funders(db):
    return [
        OrganisationFactory(name="Test County Council", kind=OrganisationKind.COUNTY_COUNCIL),
        OrganisationFactory(name="Test Police and Crime Commissioner", kind=OrganisationKind.PCC),
        OrganisationFactory(name="Test City Council", kind=OrganisationKind.COUNTY_COUNCIL),
    ]


@pytest.fixture
def contract(db):
    return ContractFactory(reference="JOINT-1", title="Victim and perpetrator services")


@pytest.fixture
def year_001(contract, funders, commissioner):
    """The 2020/21 year of `contract`, recorded exactly as the committee was told it."""
    return services.contract_year_save(
        by=commissioner,
        contract=contract,
        financial_year=2020,
        annual_value_pence=VALUE_001,
        contributions=[
            services.ContributionInput(funder, pence, stated)
            for funder, (pence, stated) in zip(funders, AS_TOLD_001, strict=True)
        ],
    )
