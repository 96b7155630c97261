from datetime import date
from decimal import Decimal

import pytest

from commissioning import metrics, services
from commissioning.constants import ExtensionStatus, ServiceType
from partnership.calendar import FinancialQuarter
from tests.factories import (
    AreaFactory,
    CaseworkerCapacityFactory,
    CommissionedServiceFactory,
    ContractExtensionFactory,
    ContractFactory,
    ContractYearFactory,
    FundingContributionFactory,
    FundingStreamFactory,
    GrantAllocationFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


# Reconciliation: the context/001 case, with exactly the numbers the committee was told --------


def test_context_001_contributions_add_up_to_2230970_not_the_2157000_value(year_001):
    r = metrics.contract_year_reconciliation(year_001)
    assert r.annual_value_pence == 215_700_000
    assert r.total_pence == 223_097_000
    assert r.difference_pence == 7_397_000  # +£73,970 over the value
    assert not r.adds_up
    assert r.is_flagged
    assert r.status == "Does not add up"


def test_context_001_shares_are_derived_from_the_amounts_to_a_tenth_of_a_percent(year_001):
    shares = {s.funder: s for s in metrics.contract_year_reconciliation(year_001).shares}
    city = shares["Test City Council"]
    assert city.share_of_value_percent == Decimal("25.3")
    assert city.share_of_total_percent == Decimal("24.4")
    county = shares["Test County Council"]
    assert county.share_of_value_percent == Decimal("31.1")
    assert county.share_of_total_percent == Decimal("30.1")
    pcc = shares["Test Police and Crime Commissioner"]
    assert pcc.share_of_value_percent == Decimal("47.1")
    assert pcc.share_of_total_percent == Decimal("45.5")


def test_context_001_stated_22_percent_is_flagged_and_31_and_47_are_not(year_001):
    r = metrics.contract_year_reconciliation(year_001)
    assert [s.funder for s in r.stated_mismatches] == ["Test City Council"]
    city = r.stated_mismatches[0]
    assert city.stated_percent == Decimal(22)
    assert city.stated_gap_points == Decimal("-3.3")


def test_context_001_problems_name_every_number_that_disagrees(year_001):
    problems = metrics.contract_year_reconciliation(year_001).problems
    assert problems == (
        "The contributions add up to £2,230,970.00, which is £73,970.00 more than the annual "
        "value of £2,157,000.00.",
        "Test City Council is stated as 22%, but £544,997.00 is 25.3% of the annual value "
        "(24.4% of the total contributed).",
    )


def test_shares_are_listed_largest_amount_first(year_001):
    shares = metrics.contract_year_reconciliation(year_001).shares
    assert [s.amount_pence for s in shares] == [101_548_300, 67_049_000, 54_499_700]


def test_a_year_whose_contributions_add_up_is_not_flagged(contract, funders, commissioner):
    year = services.contract_year_save(
        by=commissioner,
        contract=contract,
        financial_year=2021,
        annual_value_pence=215_700_000,
        contributions=[
            services.ContributionInput(funders[0], 66_867_000, Decimal(31)),
            services.ContributionInput(funders[1], 101_379_000, Decimal(47)),
            services.ContributionInput(funders[2], 47_454_000, Decimal(22)),
        ],
    )
    r = metrics.contract_year_reconciliation(year)
    assert r.adds_up and not r.is_flagged
    assert r.status == "Adds up"
    assert r.problems == ()
    assert [s.share_of_value_percent for s in r.shares] == [Decimal(47), Decimal(31), Decimal(22)]


def test_a_stated_share_half_a_point_away_is_not_flagged_but_more_is():
    year = ContractYearFactory(annual_value_pence=1_000)
    FundingContributionFactory(contract_year=year, amount_pence=315, stated_percent=Decimal(31))
    FundingContributionFactory(contract_year=year, amount_pence=685, stated_percent=Decimal(68))
    r = metrics.contract_year_reconciliation(year)
    by_amount = {s.amount_pence: s for s in r.shares}
    assert not by_amount[315].stated_differs  # 31.5% vs 31: exactly 0.5 points
    assert by_amount[685].stated_differs is False  # 68.5% vs 68: 0.5 points
    FundingContributionFactory(contract_year=year, amount_pence=0, stated_percent=Decimal("0.6"))
    r = metrics.contract_year_reconciliation(year)
    assert [s.stated_percent for s in r.stated_mismatches] == [Decimal("0.6")]
    assert r.status == "Stated percentage differs"


def test_a_year_with_contributions_short_of_the_value_says_how_much_less():
    year = ContractYearFactory(annual_value_pence=1_000_00)
    FundingContributionFactory(contract_year=year, amount_pence=900_00)
    r = metrics.contract_year_reconciliation(year)
    assert r.difference_pence == -100_00
    assert "£100.00 less than the annual value of £1,000.00" in r.problems[0]


def test_a_year_with_no_contributions_is_flagged_as_unfunded():
    year = ContractYearFactory(annual_value_pence=50_000_00)
    r = metrics.contract_year_reconciliation(year)
    assert r.is_flagged
    assert r.problems == ("No contributions are recorded against the annual value of £50,000.00.",)


def test_percent_of_rounds_half_up_to_one_decimal_place():
    assert metrics.percent_of(1, 8) == Decimal("12.5")
    assert metrics.percent_of(1, 16) == Decimal("6.3")  # 6.25 rounds up
    assert metrics.percent_of(2, 3) == Decimal("66.7")
    assert metrics.percent_of(5, 0) is None


def test_funding_overview_gives_every_contract_its_years_in_order(year_001, contract):
    ContractYearFactory(contract=contract, financial_year=2019)
    other = ContractFactory(reference="AAA-1")
    overview = metrics.funding_overview()
    assert [c.reference for c in overview] == ["AAA-1", "JOINT-1"]
    joint = overview[1]
    assert [y.financial_year for y in joint.years] == ["2019/20", "2020/21"]
    assert [y.financial_year for y in joint.flagged_years] == ["2019/20", "2020/21"]
    assert overview[0].contract_id == other.pk and overview[0].years == ()


def test_funding_overview_for_one_year_leaves_out_contracts_without_it(year_001, contract):
    ContractFactory(reference="AAA-1")
    ContractYearFactory(contract=contract, financial_year=2019)
    overview = metrics.funding_overview("2020/21")
    assert [(c.reference, [y.financial_year for y in c.years]) for c in overview] == [
        ("JOINT-1", ["2020/21"])
    ]
    assert metrics.funding_overview(2020) == overview


# Grants --------------------------------------------------------------------------------------


def test_a_grant_allocated_in_full_adds_up():
    stream = FundingStreamFactory(total_pence=19_400_000)
    GrantAllocationFactory(stream=stream, amount_pence=9_700_000, stated_percent=Decimal(50))
    GrantAllocationFactory(stream=stream, amount_pence=9_700_000)
    grant = metrics.grant_summary(stream)
    assert grant.adds_up and not grant.is_flagged
    assert grant.allocated_pence == 19_400_000
    assert [line.share_percent for line in grant.lines] == [Decimal(50), Decimal(50)]


def test_a_grant_short_of_its_total_is_flagged_with_the_gap():
    stream = FundingStreamFactory(total_pence=19_400_000)
    GrantAllocationFactory(stream=stream, amount_pence=19_399_998)
    grant = metrics.grant_summary(stream)
    assert grant.unallocated_pence == 2
    assert grant.status == "Does not add up"
    assert grant.problems == (
        "The allocations add up to £193,999.98, £0.02 less than the grant of £194,000.00.",
    )


def test_a_grant_with_no_allocations_is_flagged_as_not_allocated():
    grant = metrics.grant_summary(FundingStreamFactory(total_pence=100))
    assert grant.status == "Not allocated" and grant.is_flagged


def test_grant_allocations_filters_by_financial_year():
    FundingStreamFactory(name="Old", financial_year=2020)
    FundingStreamFactory(name="New", financial_year=2021)
    assert [g.name for g in metrics.grant_allocations("2021/22")] == ["New"]
    assert [g.name for g in metrics.grant_allocations()] == ["New", "Old"]


# Timeline ------------------------------------------------------------------------------------


def test_contract_end_counts_exercised_extensions_only():
    contract = ContractFactory(end_date=date(2020, 9, 30))
    ContractExtensionFactory(
        contract=contract,
        period_months=24,
        status=ExtensionStatus.EXERCISED,
        decided_on=date(2020, 3, 1),
    )
    ContractExtensionFactory(contract=contract, period_months=12)
    ContractExtensionFactory(
        contract=contract,
        period_months=6,
        status=ExtensionStatus.DECLINED,
        decided_on=date(2022, 1, 1),
    )
    t = metrics.contract_timeline(contract, today=date(2022, 6, 1))
    assert t.end_date == date(2022, 9, 30)
    assert t.days_to_end == 121
    assert t.ending_soon
    assert [d.period_months for d in t.decisions_due] == [12]


def test_a_contract_ending_more_than_six_months_away_is_not_ending_soon():
    contract = ContractFactory(start_date=date(2020, 1, 1), end_date=date(2023, 1, 1))
    assert not metrics.contract_timeline(contract, today=date(2022, 6, 30)).ending_soon
    assert metrics.contract_timeline(contract, today=date(2022, 7, 1)).ending_soon


def test_an_ended_contract_has_negative_days_and_no_decisions_due():
    contract = ContractFactory(end_date=date(2021, 9, 30))
    ContractExtensionFactory(contract=contract, decision_due=date(2021, 3, 31))
    t = metrics.contract_timeline(contract, today=date(2021, 10, 2))
    assert t.ended and t.days_to_end == -2
    assert not t.ending_soon
    assert t.decisions_due == ()


def test_an_extension_decision_past_its_due_date_is_overdue():
    contract = ContractFactory(end_date=date(2021, 9, 30))
    ContractExtensionFactory(contract=contract, decision_due=date(2021, 3, 31))
    (decision,) = metrics.contract_timeline(contract, today=date(2021, 4, 2)).decisions_due
    assert decision.overdue and decision.days_until_due == -2


# Capacity and caseloads ----------------------------------------------------------------------


def test_caseworker_fte_gives_each_service_with_a_figure_for_that_quarter():
    quarter = FinancialQuarter(2021, 2)
    a = CaseworkerCapacityFactory(quarter_index=quarter.index, fte=Decimal("6.5")).service
    b = CaseworkerCapacityFactory(quarter_index=quarter.index, fte=Decimal("3")).service
    CaseworkerCapacityFactory(service=a, quarter_index=quarter.index + 1, fte=Decimal("9"))
    none = CommissionedServiceFactory()
    assert metrics.caseworker_fte(None, quarter) == {a.pk: Decimal("6.5"), b.pk: Decimal("3")}
    assert metrics.caseworker_fte([a.pk, none.pk], quarter.index) == {a.pk: Decimal("6.5")}


def test_safe_accommodation_capacity_counts_active_accommodation_services_only():
    CommissionedServiceFactory(service_type=ServiceType.REFUGE, bed_spaces=24, units=10)
    CommissionedServiceFactory(service_type=ServiceType.SANCTUARY_SCHEME, units=40)
    CommissionedServiceFactory(service_type=ServiceType.REFUGE, bed_spaces=5, is_active=False)
    CommissionedServiceFactory(service_type=ServiceType.HELPLINE)
    capacity = metrics.safe_accommodation_capacity()
    assert (capacity.services, capacity.bed_spaces, capacity.units) == (2, 24, 50)


def test_commissioning_overview_lists_flagged_years_grants_and_dates(year_001):
    FundingStreamFactory(total_pence=100)
    overview = metrics.commissioning_overview(today=date(2021, 6, 1))
    assert [y.financial_year for y in overview.flagged_years] == ["2020/21"]
    assert len(overview.flagged_grants) == 1
    assert [t.reference for t in overview.ending_soon] == ["JOINT-1"]  # ends 30 September 2021
    assert overview.contracts == 1


# Rules the mutation tests found unguarded ---------------------------------------------------


def test_a_stated_share_of_nothing_contributed_shows_a_dash_for_the_share_of_the_total():
    year = ContractYearFactory(annual_value_pence=100_000)
    FundingContributionFactory(contract_year=year, amount_pence=0, stated_percent=Decimal(31))
    problem = metrics.contract_year_reconciliation(year).problems[-1]
    assert problem.endswith("is 0% of the annual value (– of the total contributed).")


def test_contract_funding_is_the_funding_of_that_contract(year_001, contract):
    other = ContractFactory(reference="AAA-FIRST")
    ContractYearFactory(contract=other, financial_year=2019)
    assert metrics.contract_funding(contract).reference == contract.reference
    assert metrics.contract_funding(other).reference == "AAA-FIRST"


def test_contract_timelines_read_every_contract_in_two_queries(django_assert_num_queries):
    for n in range(3):
        contract = ContractFactory(reference=f"C-{n}")
        ContractExtensionFactory(contract=contract)
    with django_assert_num_queries(2):  # contracts with providers, then their extensions
        timelines = metrics.contract_timelines(date(2021, 6, 1))
        assert [t.provider for t in timelines] and [t.extensions for t in timelines]


def test_the_overview_lists_decisions_due_soonest_first_with_undated_ones_last():
    early = ContractFactory(reference="B-EARLY", end_date=date(2023, 3, 31))
    late = ContractFactory(reference="A-LATE", end_date=date(2023, 3, 31))
    ContractExtensionFactory(contract=late, period_months=12, decision_due=date(2022, 9, 30))
    ContractExtensionFactory(contract=early, period_months=6, decision_due=date(2022, 1, 31))
    ContractExtensionFactory(contract=late, period_months=24, decision_due=None)
    overview = metrics.commissioning_overview(today=date(2021, 6, 1))
    due = [(timeline.reference, d.period_months) for timeline, d in overview.decisions_due]
    assert due == [("B-EARLY", 6), ("A-LATE", 12), ("A-LATE", 24)]


def test_the_overview_counts_active_services_and_safe_accommodation():
    CommissionedServiceFactory(service_type=ServiceType.REFUGE, bed_spaces=24, units=10)
    CommissionedServiceFactory(service_type=ServiceType.HELPLINE)
    CommissionedServiceFactory(service_type=ServiceType.REFUGE, bed_spaces=5, is_active=False)
    overview = metrics.commissioning_overview(today=date(2021, 6, 1))
    assert overview.active_services == 2
    assert overview.safe_accommodation == metrics.SafeAccommodationCapacity(1, 24, 10)


def test_a_grant_line_names_its_recipient_and_area_and_checks_the_stated_share_of_the_grant():
    # £194,000 from the commissioner: £116,400 is 60% of it, stated as 55% (5 points off, so
    # flagged); £77,600 is 40%, stated as 40%. The two add up to the grant.
    stream = FundingStreamFactory(
        name="Safe accommodation duty",
        funder=OrganisationFactory(name="Test Police and Crime Commissioner"),
        financial_year=2021,
        total_pence=19_400_000,
    )
    refuge = GrantAllocationFactory(
        stream=stream,
        recipient=OrganisationFactory(name="Northvale Refuge"),
        area=AreaFactory(name="Northvale"),
        amount_pence=11_640_000,
        stated_percent=Decimal(55),
    )
    idva = GrantAllocationFactory(
        stream=stream,
        recipient=OrganisationFactory(name="Southmere IDVA"),
        amount_pence=7_760_000,
        stated_percent=Decimal(40),
    )
    grant = metrics.grant_summary(stream)
    assert (grant.stream_id, grant.name, grant.funder) == (
        stream.pk,
        "Safe accommodation duty",
        "Test Police and Crime Commissioner",
    )
    assert (grant.financial_year, grant.start_year) == ("2021/22", 2021)
    assert (grant.total_pence, grant.allocated_pence, grant.adds_up) == (
        19_400_000,
        19_400_000,
        True,
    )
    assert [
        (
            line.recipient_id,
            line.recipient,
            line.area,
            line.amount_pence,
            line.share_percent,
            line.stated_percent,
            line.stated_gap_points,
        )
        for line in grant.lines
    ] == [
        (refuge.recipient_id, "Northvale Refuge", "Northvale", 11_640_000, 60, 55, Decimal(-5)),
        (idva.recipient_id, "Southmere IDVA", None, 7_760_000, 40, 40, Decimal(0)),
    ]
    assert grant.status == "Stated percentage differs"
    assert grant.problems == (
        "Northvale Refuge is stated as 55%, but £116,400.00 is 60% of the grant.",
    )


def test_grant_summary_is_the_summary_of_that_grant_not_the_newest():
    older = FundingStreamFactory(name="Older grant", financial_year=2020)
    FundingStreamFactory(name="Newer grant", financial_year=2021)
    assert metrics.grant_summary(older).name == "Older grant"


def test_no_safe_accommodation_has_no_bed_spaces_and_no_units():
    CommissionedServiceFactory(service_type=ServiceType.HELPLINE)
    assert metrics.safe_accommodation_capacity() == metrics.SafeAccommodationCapacity(0, 0, 0)


def test_grant_allocations_are_newest_year_first_then_by_name():
    FundingStreamFactory(name="A grant", financial_year=2020)
    FundingStreamFactory(name="Zeta grant", financial_year=2021)
    FundingStreamFactory(name="Beta grant", financial_year=2021)
    assert [g.name for g in metrics.grant_allocations()] == ["Beta grant", "Zeta grant", "A grant"]


def test_grant_allocations_read_every_grant_in_two_queries(django_assert_num_queries):
    for n in range(3):
        stream = FundingStreamFactory(name=f"Grant {n}")
        GrantAllocationFactory(stream=stream, area=AreaFactory(name=f"District {n}"))
        GrantAllocationFactory(stream=stream, amount_pence=0)
    with django_assert_num_queries(2):  # grants with funders, then allocations with recipients
        grants = metrics.grant_allocations()
        assert [(g.funder, [(line.recipient, line.area) for line in g.lines]) for g in grants]


def test_funding_overview_reads_every_contract_in_three_queries(django_assert_num_queries):
    for n in range(3):
        year = ContractYearFactory(contract=ContractFactory(reference=f"C-{n}"))
        FundingContributionFactory(contract_year=year)
        FundingContributionFactory(contract_year=year, amount_pence=0)
    # Contracts with their provider and lead, their years, the years' contributions with funders.
    with django_assert_num_queries(3):
        overview = metrics.funding_overview()
        assert [share.funder for c in overview for y in c.years for share in y.shares]


def test_a_contract_timeline_carries_its_dates_and_each_extension_decision():
    # Initial term 1 October 2018 to 30 September 2021; 24 months exercised move the end to
    # 30 September 2023. On that last day it has 0 days to run: ending soon, not ended, and
    # the 12-month extension due on 31 March 2023 is 183 days overdue.
    contract = ContractFactory(
        title="Refuge and outreach",
        provider=OrganisationFactory(name="Test Refuge Provider"),
        start_date=date(2018, 10, 1),
        end_date=date(2021, 9, 30),
    )
    exercised = ContractExtensionFactory(
        contract=contract,
        period_months=24,
        status=ExtensionStatus.EXERCISED,
        decided_on=date(2021, 3, 1),
    )
    available = ContractExtensionFactory(
        contract=contract, period_months=12, decision_due=date(2023, 3, 31)
    )
    t = metrics.contract_timeline(contract, today=date(2023, 9, 30))
    assert (t.contract_id, t.reference, t.title, t.provider) == (
        contract.pk,
        contract.reference,
        "Refuge and outreach",
        "Test Refuge Provider",
    )
    assert (t.start_date, t.initial_end_date, t.end_date) == (
        date(2018, 10, 1),
        date(2021, 9, 30),
        date(2023, 9, 30),
    )
    assert (t.days_to_end, t.ended, t.ending_soon) == (0, False, True)
    assert [
        (e.extension_id, e.period_months, e.status, e.decision_due, e.decided_on, e.days_until_due)
        for e in t.extensions
    ] == [
        (exercised.pk, 24, "Exercised", None, date(2021, 3, 1), None),
        (available.pk, 12, "Available", date(2023, 3, 31), None, -183),
    ]
    assert [e.extension_id for e in t.decisions_due] == [available.pk]


def test_a_contracts_funding_names_its_provider_lead_and_each_funder(year_001, contract, funders):
    funding = metrics.contract_funding(contract)
    assert (funding.contract_id, funding.reference, funding.title) == (
        contract.pk,
        "JOINT-1",
        "Victim and perpetrator services",
    )
    assert (funding.provider, funding.lead_commissioner) == (
        contract.provider.name,
        contract.lead_commissioner.name,
    )
    assert contract.provider.name != contract.lead_commissioner.name
    (year,) = funding.years
    assert {(s.funder_id, s.funder) for s in year.shares} == {(f.pk, f.name) for f in funders}
    assert (year.contract_year_id, year.contract_id, year.start_year) == (
        year_001.pk,
        contract.pk,
        2020,
    )
    assert (year.contract_reference, year.contract_title, year.financial_year) == (
        "JOINT-1",
        "Victim and perpetrator services",
        "2020/21",
    )
    assert year.anchor == f"year-{contract.pk}-2020"


def test_percent_of_rounds_down_below_half_a_tenth():
    # 1 of 30 is 3.333...%: a third of a tenth left over rounds down.
    assert metrics.percent_of(1, 30) == Decimal("3.3")
    assert metrics.percent_of(1, 6) == Decimal("16.7")  # 16.666...: two thirds round up
