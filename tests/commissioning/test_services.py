from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commissioning import services
from commissioning.constants import ClientGroup, ExtensionStatus, ServiceType
from commissioning.models import (
    CaseworkerCapacity,
    CommissionedService,
    Contract,
    ContractYear,
    FundingContribution,
    GrantAllocation,
)
from commissioning.selectors import history_for
from partnership.calendar import FinancialQuarter
from partnership.constants import AuditAction
from partnership.models import AuditEvent
from tests.factories import (
    AreaFactory,
    CommissionedServiceFactory,
    ContractExtensionFactory,
    ContractFactory,
    ContractYearFactory,
    FundingStreamFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _events(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))


# Services ----------------------------------------------------------------------------------


def test_service_create_saves_the_service_and_audits_who_and_what(commissioner):
    area = AreaFactory(name="Northvale")
    service = services.service_create(
        by=commissioner,
        name="Refuge",
        provider=OrganisationFactory(name="Beacon"),
        service_type=ServiceType.REFUGE,
        client_group=ClientGroup.WHOLE_FAMILY,
        areas=[area],
        bed_spaces=24,
    )
    assert service.is_safe_accommodation
    assert list(service.areas.all()) == [area]
    (event,) = _events(service)
    assert event.user == commissioner and event.action == AuditAction.CREATE
    assert event.detail["changes"]["Bed spaces"] == ["", "24"]
    assert event.detail["changes"]["Areas"] == ["", "Northvale"]


def test_service_update_records_only_what_changed(commissioner):
    service = CommissionedServiceFactory(name="Helpline")
    services.service_update(
        by=commissioner, service=service, name="Helpline", oversight_target_percent=Decimal("90")
    )
    (event,) = _events(service)
    assert event.detail["changes"] == {"Oversight target percent": ["95.00", "90"]} or event.detail[
        "changes"
    ].keys() == {"Oversight target percent"}


def test_service_update_with_no_change_writes_no_audit_row(commissioner):
    service = CommissionedServiceFactory()
    services.service_update(by=commissioner, service=service, name=service.name)
    assert not _events(service).exists()


def test_service_with_a_target_over_100_percent_is_refused_and_not_saved(commissioner):
    with pytest.raises(ValidationError):
        services.service_create(
            by=commissioner,
            name="IDVA",
            provider=OrganisationFactory(),
            service_type=ServiceType.IDVA_OUTREACH,
            client_group=ClientGroup.VICTIMS,
            first_contact_target_percent=Decimal(101),
        )
    assert not CommissionedService.objects.exists()


def test_a_provider_cannot_have_two_services_with_the_same_name(commissioner):
    existing = CommissionedServiceFactory(name="Outreach")
    with pytest.raises(ValidationError, match="already has a service with this name"):
        services.service_create(
            by=commissioner,
            name="Outreach",
            provider=existing.provider,
            service_type=ServiceType.IDVA_OUTREACH,
            client_group=ClientGroup.VICTIMS,
        )


def test_service_update_refuses_fields_it_does_not_own(commissioner):
    with pytest.raises(TypeError):
        services.service_update(by=commissioner, service=CommissionedServiceFactory(), pk=7)


def test_capacity_set_records_changes_and_removes_a_figure(commissioner):
    service = CommissionedServiceFactory()
    quarter = FinancialQuarter(2021, 1)
    services.capacity_set(by=commissioner, service=service, quarter=quarter, fte=Decimal("6.5"))
    services.capacity_set(by=commissioner, service=service, quarter=quarter, fte=Decimal("7"))
    row = CaseworkerCapacity.objects.get(service=service)
    assert row.quarter == quarter and row.fte == Decimal("7")
    services.capacity_set(by=commissioner, service=service, quarter=quarter, fte=None)
    assert not CaseworkerCapacity.objects.exists()
    changes = [e.detail["changes"] for e in _events(service).order_by("pk")]
    assert changes == [
        {"Caseworker FTE 2021/22 Q1": ["", "6.5"]},
        {"Caseworker FTE 2021/22 Q1": ["6.5", "7"]},
        {"Caseworker FTE 2021/22 Q1": ["7", ""]},
    ]


def test_negative_fte_is_refused(commissioner):
    with pytest.raises(ValidationError):
        services.capacity_set(
            by=commissioner,
            service=CommissionedServiceFactory(),
            quarter=FinancialQuarter(2021, 1),
            fte=Decimal("-1"),
        )


# Contracts ---------------------------------------------------------------------------------


def _contract_kwargs(**overrides):
    return {
        "reference": "C-1",
        "title": "Joint contract",
        "provider": OrganisationFactory(),
        "lead_commissioner": OrganisationFactory(),
        "start_date": date(2018, 10, 1),
        "end_date": date(2021, 9, 30),
    } | overrides


def test_contract_create_audits_the_new_contract(commissioner):
    service = CommissionedServiceFactory(name="Outreach")
    contract = services.contract_create(by=commissioner, services=[service], **_contract_kwargs())
    (event,) = _events(contract)
    assert event.detail["changes"]["Start date"] == ["", "1 October 2018"]
    assert event.detail["changes"]["Services"] == ["", "Outreach"]


def test_a_contract_that_ends_before_it_starts_is_refused_with_how_to_fix_it(commissioner):
    with pytest.raises(ValidationError) as error:
        services.contract_create(by=commissioner, **_contract_kwargs(end_date=date(2018, 9, 30)))
    assert "must be after the start date (1 October 2018)" in str(error.value)
    assert not Contract.objects.exists()


def test_contract_dates_cannot_be_moved_to_leave_recorded_years_outside(commissioner):
    contract = ContractFactory(start_date=date(2018, 10, 1), end_date=date(2021, 9, 30))
    ContractYearFactory(contract=contract, financial_year=2021)
    with pytest.raises(ValidationError, match="it has figures for 2021/22"):
        services.contract_update(by=commissioner, contract=contract, end_date=date(2021, 3, 31))
    contract.refresh_from_db()
    assert contract.end_date == date(2021, 9, 30)


def test_an_exercised_extension_needs_the_date_it_was_decided(commissioner):
    with pytest.raises(ValidationError, match="Enter the date the extension was exercised"):
        services.extension_create(
            by=commissioner,
            contract=ContractFactory(),
            period_months=24,
            status=ExtensionStatus.EXERCISED,
        )


def test_exercising_an_extension_moves_the_end_and_is_audited_for_the_contract(commissioner):
    contract = ContractFactory(end_date=date(2021, 9, 30))
    extension = ContractExtensionFactory(contract=contract, period_months=24)
    services.extension_update(
        by=commissioner,
        extension=extension,
        status=ExtensionStatus.EXERCISED,
        decided_on=date(2021, 3, 15),
    )
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.effective_end_date == date(2023, 9, 30)
    (event,) = _events(extension)
    assert event.detail["contract"] == contract.pk
    assert event.detail["changes"]["Status"] == ["Available", "Exercised"]


def test_declining_an_extension_that_years_depend_on_is_refused_and_rolled_back(commissioner):
    contract = ContractFactory(end_date=date(2021, 9, 30))
    extension = ContractExtensionFactory(
        contract=contract,
        period_months=24,
        status=ExtensionStatus.EXERCISED,
        decided_on=date(2021, 3, 1),
    )
    ContractYearFactory(contract=contract, financial_year=2022)
    with pytest.raises(ValidationError, match="2022/23"):
        services.extension_update(
            by=commissioner, extension=extension, status=ExtensionStatus.DECLINED
        )
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.EXERCISED


# Contract years ----------------------------------------------------------------------------


def test_a_year_that_does_not_add_up_is_still_saved_so_it_can_be_flagged(year_001):
    assert year_001.contributions.count() == 3
    assert sum(c.amount_pence for c in year_001.contributions.all()) == 223_097_000


def test_contract_year_save_audits_amounts_in_pounds_with_stated_shares(year_001):
    (event,) = _events(year_001)
    assert event.action == AuditAction.CREATE
    assert event.detail["changes"]["Test City Council"] == ["", "£544,997.00 (stated 22%)"]
    assert event.detail["changes"]["Annual value"] == ["", "£2,157,000.00"]


def test_a_funder_listed_twice_in_a_year_is_refused_and_nothing_is_written(
    contract, funders, commissioner
):
    with pytest.raises(ValidationError, match="Test County Council is listed twice for 2020/21"):
        services.contract_year_save(
            by=commissioner,
            contract=contract,
            financial_year=2020,
            annual_value_pence=100,
            contributions=[
                services.ContributionInput(funders[0], 50),
                services.ContributionInput(funders[0], 50),
            ],
        )
    assert not ContractYear.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_negative_amount_is_refused(contract, funders, commissioner):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.contract_year_save(
            by=commissioner,
            contract=contract,
            financial_year=2020,
            annual_value_pence=100,
            contributions=[services.ContributionInput(funders[0], -5)],
        )


def test_a_year_outside_the_contract_is_refused_with_the_years_it_runs(
    contract, funders, commissioner
):
    with pytest.raises(ValidationError, match="runs from 2018/19 to 2021/22"):
        services.contract_year_save(
            by=commissioner,
            contract=contract,
            financial_year=2023,
            annual_value_pence=100,
            contributions=[],
        )


def test_the_same_year_cannot_be_added_twice(year_001, contract, commissioner):
    with pytest.raises(ValidationError, match="already has figures for that financial year"):
        services.contract_year_save(
            by=commissioner,
            contract=contract,
            financial_year=2020,
            annual_value_pence=100,
            contributions=[],
        )


def test_changing_a_year_replaces_its_contributions_in_one_go(
    year_001, contract, funders, commissioner
):
    services.contract_year_save(
        by=commissioner,
        contract=contract,
        contract_year=year_001,
        financial_year=2020,
        annual_value_pence=215_700_000,
        contributions=[
            services.ContributionInput(funders[0], 67_049_000, Decimal(31)),
            services.ContributionInput(funders[1], 148_651_000),
        ],
    )
    amounts = dict(
        FundingContribution.objects.filter(contract_year=year_001).values_list(
            "funder__name", "amount_pence"
        )
    )
    assert amounts == {
        "Test County Council": 67_049_000,
        "Test Police and Crime Commissioner": 148_651_000,
    }
    event = _events(year_001).order_by("-pk").first()
    assert event.action == AuditAction.UPDATE
    assert event.detail["changes"] == {
        "Test Police and Crime Commissioner": [
            "£1,015,483.00 (stated 47%)",
            "£1,486,510.00",
        ],
        "Test City Council": ["£544,997.00 (stated 22%)", ""],
    }


def test_a_failed_change_to_a_year_leaves_its_contributions_as_they_were(
    year_001, contract, funders, commissioner
):
    with pytest.raises(ValidationError):
        services.contract_year_save(
            by=commissioner,
            contract=contract,
            contract_year=year_001,
            financial_year=2020,
            annual_value_pence=1,
            contributions=[
                services.ContributionInput(funders[0], 1),
                services.ContributionInput(funders[0], 2),
            ],
        )
    year_001.refresh_from_db()
    assert year_001.annual_value_pence == 215_700_000
    assert year_001.contributions.count() == 3


# Grants ------------------------------------------------------------------------------------


def test_allocations_that_do_not_add_up_are_refused_and_the_old_ones_kept(commissioner):
    stream = FundingStreamFactory(total_pence=19_400_000)
    first, second = OrganisationFactory(), OrganisationFactory()
    services.allocations_set(
        by=commissioner,
        stream=stream,
        allocations=[services.AllocationInput(first, 19_400_000)],
    )
    with pytest.raises(ValidationError) as error:
        services.allocations_set(
            by=commissioner,
            stream=stream,
            allocations=[
                services.AllocationInput(first, 9_700_000),
                services.AllocationInput(second, 9_699_999),
            ],
        )
    assert "add up to £193,999.99 but the grant is £194,000.00: add £0.01" in str(error.value)
    assert list(GrantAllocation.objects.values_list("amount_pence", flat=True)) == [19_400_000]


def test_allocations_over_the_total_say_how_much_to_take_off(commissioner):
    stream = FundingStreamFactory(total_pence=100)
    with pytest.raises(ValidationError, match="take £0.50 off"):
        services.allocations_set(
            by=commissioner,
            stream=stream,
            allocations=[services.AllocationInput(OrganisationFactory(), 150)],
        )


def test_a_recipient_listed_twice_is_refused(commissioner):
    stream = FundingStreamFactory(total_pence=100)
    council = OrganisationFactory(name="Kingsford District Council")
    with pytest.raises(ValidationError, match="Kingsford District Council is listed twice"):
        services.allocations_set(
            by=commissioner,
            stream=stream,
            allocations=[
                services.AllocationInput(council, 50),
                services.AllocationInput(council, 50),
            ],
        )


def test_allocations_set_replaces_the_allocations_and_audits_the_grant(commissioner):
    stream = FundingStreamFactory(total_pence=100)
    area = AreaFactory(name="Ashdown")
    council = OrganisationFactory(name="Ashdown District Council")
    services.allocations_set(
        by=commissioner,
        stream=stream,
        allocations=[
            services.AllocationInput(council, 100, area=area, stated_percent=Decimal(100))
        ],
    )
    (event,) = _events(stream)
    assert event.detail["changes"] == {
        "Ashdown District Council": ["", "£1.00 for Ashdown (stated 100%)"]
    }


def test_changing_a_grant_total_is_allowed_and_audited(commissioner):
    stream = FundingStreamFactory(total_pence=100)
    services.funding_stream_update(by=commissioner, stream=stream, total_pence=250)
    (event,) = _events(stream)
    assert event.detail["changes"] == {"Total": ["£1.00", "£2.50"]}


def test_a_negative_grant_total_is_refused(commissioner):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.funding_stream_create(
            by=commissioner,
            name="Grant",
            funder=OrganisationFactory(),
            financial_year=2021,
            total_pence=-1,
        )


def test_an_export_is_audited_without_its_contents(commissioner):
    services.audited_export(by=commissioner, name="contributions.csv", rows=12)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"export": "contributions.csv", "rows": 12}


def test_history_lists_who_changed_what_newest_first(year_001, contract, commissioner):
    services.contract_update(by=commissioner, contract=contract, title="Renamed")
    history = history_for(contract, contract.years.all())
    assert [entry.action for entry in history] == ["Changed", "Created"]
    assert history[0].changes == [("Title", "Victim and perpetrator services", "Renamed")]
    assert history[1].who == commissioner.username
