from datetime import date

import pytest

from commissioning.constants import ServiceType
from commissioning.models import CommissionedService, add_months
from partnership.calendar import FinancialYear
from tests.factories import CaseworkerCapacityFactory, ContractFactory

SAFE = {
    ServiceType.REFUGE,
    ServiceType.DISPERSED_SAFE_ACCOMMODATION,
    ServiceType.SANCTUARY_SCHEME,
    ServiceType.MOVE_ON_ACCOMMODATION,
    ServiceType.OTHER_SAFE_ACCOMMODATION,
}


@pytest.mark.parametrize("service_type", list(ServiceType))
def test_safe_accommodation_follows_part_4_of_the_act_including_sanctuary_schemes(service_type):
    service = CommissionedService(service_type=service_type)
    assert service.is_safe_accommodation is (service_type in SAFE)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2020, 9, 30), 24, date(2022, 9, 30)),
        (date(2020, 9, 30), 6, date(2021, 3, 31)),  # a month's end stays a month's end
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2020, 5, 15), 1, date(2020, 6, 15)),
        (date(2020, 5, 15), -5, date(2019, 12, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.django_db
def test_a_contract_runs_in_every_financial_year_it_touches():
    contract = ContractFactory(start_date=date(2018, 10, 1), end_date=date(2021, 9, 30))
    assert contract.financial_years() == [FinancialYear(y) for y in range(2018, 2022)]


@pytest.mark.django_db
def test_caseworker_capacity_knows_its_quarter():
    row = CaseworkerCapacityFactory(quarter_index=2020 * 4 + 3)
    assert str(row.quarter) == "2020/21 Q4"
