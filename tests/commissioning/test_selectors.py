"""Row reads for the commissioning pages."""

import pytest

from commissioning import selectors
from partnership.calendar import FinancialYear
from tests.factories import ContractYearFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


def test_the_funding_years_are_those_with_contract_funding_or_grants_newest_first():
    assert selectors.funding_years() == []
    ContractYearFactory(financial_year=2020)
    FundingStreamFactory(financial_year=2022)
    FundingStreamFactory(financial_year=2020)
    assert selectors.funding_years() == [FinancialYear(2022), FinancialYear(2020)]
