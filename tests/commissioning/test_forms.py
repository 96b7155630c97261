from datetime import date
from decimal import Decimal

import pytest

from commissioning.constants import AllocationMethod, ServiceType
from commissioning.forms import (
    CapacityForm,
    ContractForm,
    ContractYearForm,
    ExtensionForm,
    FundingStreamForm,
    ServiceForm,
    allocation_formset,
    contribution_formset,
    error_summary_items,
)
from partnership.calendar import FinancialQuarter
from tests.factories import (
    AreaFactory,
    ContractFactory,
    ContractYearFactory,
    FundingStreamFactory,
    OrganisationFactory,
)

# Services and capacity -------------------------------------------------------------------------


@pytest.mark.django_db
def test_bed_spaces_on_a_service_that_is_not_accommodation_are_refused():
    form = ServiceForm(
        {
            "name": "Helpline",
            "provider": OrganisationFactory().pk,
            "service_type": ServiceType.HELPLINE,
            "client_group": "victims",
            "bed_spaces": "4",
            "first_contact_target_percent": "95",
            "oversight_target_percent": "95",
        }
    )
    assert not form.is_valid()
    assert "only for accommodation services" in form.errors["bed_spaces"][0]


@pytest.mark.django_db
def test_a_service_form_with_nothing_filled_in_names_each_missing_answer():
    form = ServiceForm({})
    assert not form.is_valid()
    assert form.errors["name"] == ["Enter the service name"]
    assert form.errors["service_type"] == ["Choose the type of service"]
    assert form.errors["provider"] == ["Choose the provider"]


def test_capacity_quarter_must_be_written_as_a_financial_quarter():
    form = CapacityForm({"quarter": "Q1 2021", "fte": "3"})
    assert not form.is_valid()
    assert "write it like '2020/21 Q4'" in form.errors["quarter"][0]
    form = CapacityForm({"quarter": "2021/22 Q1", "fte": "6.5"})
    assert form.is_valid()
    assert form.cleaned_data["quarter"] == FinancialQuarter(2021, 1)


# Contracts -------------------------------------------------------------------------------------


def _contract_data(**overrides):
    data = {
        "reference": "C-1",
        "title": "Joint",
        "provider": OrganisationFactory().pk,
        "lead_commissioner": OrganisationFactory().pk,
        "start_date_0": "1",
        "start_date_1": "10",
        "start_date_2": "2018",
        "end_date_0": "30",
        "end_date_1": "9",
        "end_date_2": "2021",
    }
    return data | overrides


@pytest.mark.django_db
def test_a_contract_ending_before_it_starts_is_refused_with_how_to_fix_it():
    form = ContractForm(_contract_data(end_date_2="2018", end_date_1="9"))
    assert not form.is_valid()
    assert form.errors["end_date"] == [
        "The end date must be after the start date (1 October 2018). "
        "Check the day, month and year of both dates."
    ]


@pytest.mark.django_db
def test_an_impossible_date_is_refused_with_an_example():
    form = ContractForm(_contract_data(start_date_0="31", start_date_1="2"))
    assert not form.is_valid()
    assert "must be a real date" in form.errors["start_date"][0]


@pytest.mark.django_db
def test_a_good_contract_form_gives_dates():
    form = ContractForm(_contract_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == date(2018, 10, 1)


def test_an_exercised_extension_without_a_decision_date_is_refused():
    form = ExtensionForm({"period_months": "24", "status": "exercised"})
    assert not form.is_valid()
    assert form.errors["decided_on"] == [
        "Enter the date the extension was exercised, like 15 3 2021"
    ]


def test_an_available_extension_with_a_decision_date_is_refused():
    form = ExtensionForm(
        {
            "period_months": "24",
            "status": "available",
            "decided_on_0": "1",
            "decided_on_1": "3",
            "decided_on_2": "2021",
        }
    )
    assert not form.is_valid()
    assert "still available has no decision date" in form.errors["decided_on"][0]


def test_an_extension_of_no_months_is_refused():
    form = ExtensionForm({"period_months": "0", "status": "available"})
    assert not form.is_valid()
    assert "of 1 or more" in form.errors["period_months"][0]


# Contract years and contributions --------------------------------------------------------------


def _formset_data(rows, initial=0):
    data = {
        "contributions-TOTAL_FORMS": str(len(rows)),
        "contributions-INITIAL_FORMS": str(initial),
        "contributions-MIN_NUM_FORMS": "0",
        "contributions-MAX_NUM_FORMS": "30",
    }
    for i, (funder, amount, stated) in enumerate(rows):
        data[f"contributions-{i}-funder"] = funder
        data[f"contributions-{i}-amount"] = amount
        data[f"contributions-{i}-stated_percent"] = stated
    return data


@pytest.mark.django_db
def test_the_year_form_offers_only_years_the_contract_runs_without_figures():
    contract = ContractFactory(start_date=date(2018, 10, 1), end_date=date(2021, 9, 30))
    ContractYearFactory(contract=contract, financial_year=2019)
    form = ContractYearForm(contract=contract)
    assert [label for _, label in form.fields["financial_year"].choices] == [
        "Choose a year",
        "2018/19",
        "2020/21",
        "2021/22",
    ]


@pytest.mark.django_db
def test_a_funder_listed_twice_in_one_year_is_refused_on_the_second_row():
    funder = OrganisationFactory(name="Test County Council")
    formset = contribution_formset(
        _formset_data([(funder.pk, "100", ""), (funder.pk, "200", ""), ("", "", "")]),
        year_label="2020/21",
    )
    assert not formset.is_valid()
    assert formset.forms[1].errors["funder"] == [
        "Test County Council is listed twice for 2020/21. Put its whole contribution on one row "
        "and clear the other."
    ]


@pytest.mark.django_db
def test_a_row_with_an_amount_but_no_funder_asks_for_the_funder():
    formset = contribution_formset(_formset_data([("", "100", "")]))
    assert not formset.is_valid()
    assert formset.forms[0].errors["funder"] == ["Choose the funder who pays this amount"]


@pytest.mark.django_db
def test_a_row_with_a_funder_but_no_amount_asks_for_that_funders_amount():
    funder = OrganisationFactory(name="Test ICB")
    formset = contribution_formset(_formset_data([(funder.pk, "", "22")]))
    assert not formset.is_valid()
    assert formset.forms[0].errors["amount"] == [
        "Enter the amount Test ICB contributes, like £670,490"
    ]


@pytest.mark.django_db
def test_blank_rows_are_ignored_and_cleared_rows_removed():
    funder = OrganisationFactory()
    formset = contribution_formset(
        _formset_data([("", "", ""), (funder.pk, "£1,000", "31"), ("", "", "")], initial=1)
    )
    assert formset.is_valid(), formset.errors
    (contribution,) = formset.contributions()
    assert contribution.amount_pence == 100_000
    assert contribution.stated_percent == Decimal(31)


@pytest.mark.django_db
def test_a_negative_contribution_is_refused_on_its_row():
    funder = OrganisationFactory()
    formset = contribution_formset(_formset_data([(funder.pk, "-670490", "")]))
    assert not formset.is_valid()
    assert "cannot be negative" in formset.forms[0].errors["amount"][0]


# Grants ----------------------------------------------------------------------------------------


def _allocation_data(rows):
    data = {
        "allocations-TOTAL_FORMS": str(len(rows)),
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "60",
    }
    for i, (recipient, area, amount, stated) in enumerate(rows):
        data[f"allocations-{i}-recipient"] = recipient
        data[f"allocations-{i}-area"] = area
        data[f"allocations-{i}-amount"] = amount
        data[f"allocations-{i}-stated_percent"] = stated
    return data


@pytest.mark.django_db
def test_an_equal_split_of_194000_across_six_councils_is_exact():
    stream = FundingStreamFactory(total_pence=19_400_000)
    councils = [OrganisationFactory() for _ in range(6)]
    formset = allocation_formset(
        _allocation_data([(c.pk, "", "", "") for c in councils]), stream=stream
    )
    assert formset.is_valid(), formset.errors
    allocations = formset.allocations(AllocationMethod.EQUAL)
    assert sum(a.amount_pence for a in allocations) == 19_400_000


@pytest.mark.django_db
def test_percentages_that_do_not_add_up_to_100_are_refused_with_the_sum():
    stream = FundingStreamFactory(total_pence=100_00)
    a, b = OrganisationFactory(), OrganisationFactory()
    formset = allocation_formset(
        _allocation_data([(a.pk, "", "", "50"), (b.pk, "", "", "48.5")]), stream=stream
    )
    assert formset.is_valid()
    assert formset.allocations(AllocationMethod.PERCENTAGES) is None
    assert formset.non_form_errors() == [
        "The percentages add up to 98.5%, not 100%. Change the percentages so they add up to "
        "exactly 100."
    ]


@pytest.mark.django_db
def test_a_population_split_needs_an_area_on_every_row():
    stream = FundingStreamFactory(total_pence=100_00)
    area = AreaFactory(population=1000)
    a = OrganisationFactory()
    b = OrganisationFactory(name="Kingsford District Council")
    formset = allocation_formset(
        _allocation_data([(a.pk, area.pk, "", ""), (b.pk, "", "", "")]), stream=stream
    )
    assert formset.is_valid()
    assert formset.allocations(AllocationMethod.POPULATION) is None
    assert formset.forms[1].errors["area"] == [
        "Choose the area whose population sets Kingsford District Council's share"
    ]


@pytest.mark.django_db
def test_amounts_entered_need_an_amount_on_every_row():
    stream = FundingStreamFactory(total_pence=100_00)
    a = OrganisationFactory(name="Ashdown District Council")
    formset = allocation_formset(_allocation_data([(a.pk, "", "", "")]), stream=stream)
    assert formset.is_valid()
    assert formset.allocations(AllocationMethod.AMOUNTS) is None
    assert formset.forms[0].errors["amount"] == [
        "Enter the amount for Ashdown District Council, like £32,333.33"
    ]


@pytest.mark.django_db
def test_an_allocation_form_with_no_recipients_asks_for_one():
    stream = FundingStreamFactory()
    formset = allocation_formset(_allocation_data([("", "", "", "")]), stream=stream)
    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Add at least one recipient, with the split you want."]


def test_the_grant_year_must_be_written_as_a_financial_year():
    form = FundingStreamForm({"name": "Grant", "financial_year": "2021/23", "total": "1"})
    assert not form.is_valid()
    assert "is written 2021/22" in form.errors["financial_year"][0]


# The error summary -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_error_summary_links_each_error_to_its_input():
    form = ServiceForm({"name": ""})
    form.is_valid()
    items = {item["href"]: item["text"] for item in error_summary_items(form)}
    assert items["#id_name"] == "Enter the service name"
    assert items["#id_service_type_1"] == "Choose the type of service"
    contract_form = ContractForm({})
    contract_form.is_valid()
    hrefs = [item["href"] for item in error_summary_items(contract_form)]
    assert "#id_start_date_0" in hrefs
