import random
from datetime import date

import pytest

from commissioning import demo, metrics
from commissioning.models import CaseworkerCapacity, Contract
from partnership.calendar import FinancialQuarter
from partnership.demo import DemoContext, _seed_core

pytestmark = pytest.mark.django_db

TODAY = date(2025, 11, 20)


@pytest.fixture
def ctx():
    context = DemoContext(rng=random.Random(7), referrals=0, today=TODAY)
    _seed_core(context)
    demo.seed(context)
    return context


def test_demo_services_are_passed_on_for_the_referrals_demo(ctx):
    names = {service.name for service in ctx.extra["services"]}
    assert "Harbour Lights IDVA and Outreach" in names
    assert {s.service_type for s in ctx.extra["services"]} >= {
        "idva_outreach",
        "helpline",
        "perpetrator_programme",
        "children_young_people",
        "refuge",
        "dispersed_safe_accommodation",
        "sanctuary_scheme",
    }
    refuge = next(s for s in ctx.extra["services"] if s.service_type == "refuge")
    assert refuge.bed_spaces and refuge.provider.name == "Beacon House Refuges"


def test_the_joint_contract_has_three_funders_and_only_2020_21_does_not_add_up(ctx):
    (joint,) = [c for c in metrics.funding_overview() if c.reference == "ESX-DA-2018-01"]
    assert {len(year.shares) for year in joint.years} == {3}
    assert [year.financial_year for year in joint.flagged_years] == ["2020/21"]
    (flagged,) = joint.flagged_years
    assert flagged.difference_pence == 7_397_000


def test_the_joint_contract_has_an_extension_and_runs_past_the_demo_date(ctx):
    contract = Contract.objects.get(reference="ESX-DA-2018-01")
    timeline = metrics.contract_timeline(contract, TODAY)
    assert not timeline.ended
    assert any(e.status == "Exercised" for e in timeline.extensions)
    assert timeline.decisions_due


def test_a_demo_contract_ends_within_six_months_with_a_decision_due(ctx):
    overview = metrics.commissioning_overview(TODAY)
    assert [t.reference for t in overview.ending_soon] == ["ESX-SA-2021-03"]
    assert overview.decisions_due


def test_the_district_grant_is_194000_split_exactly_every_year(ctx):
    district = [g for g in metrics.grant_allocations() if g.name.endswith("district councils")]
    assert [g.financial_year for g in district] == [
        "2025/26",
        "2024/25",
        "2023/24",
        "2022/23",
        "2021/22",
    ]
    for grant in district:
        assert grant.allocated_pence == grant.total_pence == 19_400_000
        assert len(grant.lines) == 6
    assert not [g for g in metrics.grant_allocations() if g.is_flagged]


def test_casework_services_have_fte_for_every_quarter_from_2019_20_q1(ctx):
    quarters = FinancialQuarter.containing(TODAY).index - FinancialQuarter(2019, 1).index + 1
    assert CaseworkerCapacity.objects.count() == 4 * quarters
    assert (
        metrics.caseworker_fte(None, FinancialQuarter(2019, 1)).keys()
        == metrics.caseworker_fte(None, FinancialQuarter.containing(TODAY)).keys()
    )
