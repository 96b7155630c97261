"""The strategy and delivery plan: who keeps it, each commitment's RAG from its milestones, and
the dashboard figure beside it."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnership.calendar import FinancialQuarter
from partnership.disclosure import Disclosed
from scrutiny import plans, services, services_plans
from scrutiny.constants import PlanMeasure, Rag, worst_rag
from scrutiny.models import Action, Commitment, Strategy
from tests.factories import OrganisationFactory

from .conftest import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("scrutiny.views_plans.timezone.localdate", lambda: TODAY)


@pytest.fixture
def strategy(commissioner):
    return services_plans.strategy_create(
        by=commissioner, title="Domestic Abuse Strategy", start_year=2022, end_year=2027, summary=""
    )


@pytest.fixture
def theme(commissioner, strategy):
    return services_plans.theme_create(
        by=commissioner, strategy=strategy, title="Support for victims", description=""
    )


@pytest.fixture
def commitment(commissioner, theme):
    return services_plans.commitment_create(
        by=commissioner,
        theme=theme,
        title="Contact every referral within one working day",
        description="",
        lead_organisation=OrganisationFactory(name="Harbour Lights"),
        owner=commissioner,
        measure=PlanMeasure.CONTACTED,
    )


def milestone(commissioner, commitment, days, **fields):
    return services.action_create(
        by=commissioner,
        commitment=commitment,
        description=f"Milestone due in {days} days",
        owner=commissioner,
        due_date=TODAY + timedelta(days=days),
        **fields,
    )


@dataclass
class FakeHeadlines:
    contacted_within_one_day: Disclosed
    contact_target: Decimal | None
    referrals: Disclosed = Disclosed(None, "*", suppressed=True)


HEADLINES = FakeHeadlines(Disclosed(Decimal("94.5"), "94.5%"), Decimal("95"))


def test_a_strategy_is_named_by_its_period(strategy):
    assert strategy.period == "2022–27"
    assert str(strategy) == "Domestic Abuse Strategy 2022–27"


def test_a_strategy_ends_after_it_starts(commissioner):
    with pytest.raises(ValidationError, match="later year than it starts"):
        services_plans.strategy_create(
            by=commissioner, title="X", start_year=2027, end_year=2022, summary=""
        )
    assert not Strategy.objects.exists()


def test_committee_members_and_clerks_read_plans_but_do_not_keep_them(
    committee_member, clerk, commissioner, performance_lead
):
    for reader in (committee_member, clerk):
        with pytest.raises(PermissionDenied):
            services_plans.strategy_create(
                by=reader, title="X", start_year=2022, end_year=2027, summary=""
            )
    services_plans.strategy_create(
        by=performance_lead, title="Y", start_year=2022, end_year=2027, summary=""
    )


def test_themes_and_commitments_are_numbered_in_order(commissioner, strategy, commitment):
    second = services_plans.commitment_create(
        by=commissioner,
        theme=commitment.theme,
        title="Second",
        description="",
        lead_organisation=commitment.lead_organisation,
        owner=commissioner,
        measure="",
    )
    assert (commitment.reference, second.reference) == ("1.1", "1.2")


def test_worst_rag_puts_red_before_amber_green_and_complete():
    assert worst_rag([Rag.GREEN, Rag.COMPLETE, Rag.AMBER]) == Rag.AMBER
    assert worst_rag(["complete", "red"]) == Rag.RED
    assert worst_rag([Rag.COMPLETE]) == Rag.COMPLETE
    assert worst_rag([]) is None


def progress_of(strategy, commitment, headlines=HEADLINES):
    progress = plans.plan_progress(strategy, today=TODAY, headlines=headlines)
    return next(entry for entry in progress.commitments if entry.commitment == commitment)


def test_a_commitments_rag_is_the_worst_of_its_milestones(commissioner, strategy, commitment):
    assert progress_of(strategy, commitment).rag is None
    milestone(commissioner, commitment, 40)
    assert progress_of(strategy, commitment).rag == Rag.GREEN
    soon = milestone(commissioner, commitment, 5)
    assert progress_of(strategy, commitment).rag == Rag.AMBER
    late = milestone(commissioner, commitment, -1)
    entry = progress_of(strategy, commitment)
    assert entry.rag == Rag.RED
    assert entry.next_milestone == late
    for action in (late, soon):
        services.action_complete(
            by=commissioner, action=action, today=TODAY, evidence_url="https://example.org/e"
        )
    assert progress_of(strategy, commitment).rag == Rag.GREEN


def test_the_rag_of_milestones_is_the_trackers_rag(commissioner, strategy, commitment):
    """One definition: plan_progress reads RAG from ActionQuerySet.with_rag."""
    made = [milestone(commissioner, commitment, days) for days in (-3, 0, 14, 15)]
    entry = progress_of(strategy, commitment)
    tracker = dict(Action.objects.with_rag(TODAY).values_list("pk", "rag"))
    assert [action.rag for action in entry.milestones] == [tracker[a.pk] for a in made]
    assert [action.rag for action in entry.milestones] == ["red", "amber", "amber", "green"]


def test_the_figure_beside_a_commitment_is_the_dashboards_with_its_target(strategy, commitment):
    figure = progress_of(strategy, commitment).figure
    assert figure.value.display == "94.5%"
    assert figure.target_display == "95%"
    assert figure.quarter == FinancialQuarter.last_complete(TODAY)
    assert figure.dashboard_url == (
        f"{reverse('scrutiny:dashboard')}?quarter=2025%2F26+Q2#panel-response"
    )


def test_a_commitment_without_a_measure_has_no_figure(commissioner, strategy, commitment):
    services_plans.commitment_update(by=commissioner, commitment=commitment, measure="")
    assert progress_of(strategy, commitment).figure is None


def test_the_dashboard_is_built_once_and_only_when_a_commitment_has_a_measure(
    commissioner, strategy, commitment, monkeypatch
):
    calls = []
    monkeypatch.setattr(plans, "_headlines", lambda q, t: calls.append(q) or HEADLINES)
    plans.plan_progress(strategy, today=TODAY)
    assert len(calls) == 1
    Commitment.objects.update(measure="")
    plans.plan_progress(strategy, today=TODAY)
    assert len(calls) == 1


def test_the_figure_is_the_same_cell_as_on_the_dashboard(strategy, commitment):
    """Built for real: the plan shows what committee members see on the dashboard."""
    from scrutiny.dashboard.build import build_dashboard

    services_plans.commitment_update(
        by=commitment.owner, commitment=commitment, measure=PlanMeasure.REFERRALS
    )
    quarter = FinancialQuarter.last_complete(TODAY)
    shown = plans.plan_progress(strategy, today=TODAY).commitments[0].figure.value
    assert shown == build_dashboard(quarter=quarter, exact=False, today=TODAY).headlines.referrals


def test_the_current_strategy_is_the_one_in_force_this_year(commissioner, strategy):
    services_plans.strategy_create(
        by=commissioner, title="Old", start_year=2015, end_year=2020, summary=""
    )
    assert plans.current_strategy(date(2025, 6, 1)) == strategy
    assert plans.current_strategy(date(2030, 6, 1)) is None


# Pages ------------------------------------------------------------------------------------------


def url(name, *args):
    return reverse(f"scrutiny:{name}", args=args)


def test_a_commissioner_builds_a_plan_through_the_pages(login, commissioner):
    client = login(commissioner)
    client.post(
        url("strategy_create"),
        {"title": "Safer Homes Strategy", "start_year": "2024", "end_year": "2029", "summary": ""},
    )
    strategy = Strategy.objects.get()
    client.post(url("theme_create", strategy.pk), {"title": "Prevention", "description": ""})
    theme = strategy.themes.get()
    lead = OrganisationFactory(name="Eastshire County Council")
    client.post(
        url("commitment_create", theme.pk),
        {
            "title": "Reach every secondary school",
            "description": "",
            "lead_organisation": lead.pk,
            "owner": commissioner.pk,
            "measure": PlanMeasure.REFERRALS,
        },
    )
    commitment = Commitment.objects.get()
    response = client.post(
        url("milestone_create", commitment.pk),
        {
            "description": "Programme commissioned",
            "owner": commissioner.pk,
            "due_date_0": "1",
            "due_date_1": "10",
            "due_date_2": "2025",
            "priority": "high",
        },
    )
    assert response.url == commitment.get_absolute_url()
    assert Action.objects.get().commitment == commitment
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert "1.1 Reach every secondary school" in page
    assert "app-rag--red" in page  # due 1 October 2025, before TODAY
    assert "Referrals received in the quarter" in page


def test_a_committee_member_reads_the_plan_without_links_to_change_it(
    login, committee_member, strategy, commitment
):
    page = login(committee_member).get(strategy.get_absolute_url()).content.decode()
    assert "Contact every referral within one working day" in page
    assert "Add a theme" not in page and "Add a commitment" not in page


def test_a_year_that_is_not_a_number_is_a_clear_error(login, commissioner):
    response = login(commissioner).post(
        url("strategy_create"), {"title": "X", "start_year": "twenty", "end_year": "2029"}
    )
    assert "Enter the year the strategy starts as a number" in response.content.decode()
    assert not Strategy.objects.exists()


# The quarterly report ---------------------------------------------------------------------------


def test_the_quarterly_report_has_the_plans_progress_with_the_reports_own_figures(
    strategy, commitment, commissioner
):
    from scrutiny.reports.content import quarterly_report_content
    from scrutiny.reports.rendering import render_report_body, report_contents

    milestone(commissioner, commitment, -2)
    quarter = FinancialQuarter.parse("2025/26 Q2")
    content = quarterly_report_content(quarter=quarter, committee=None, today=TODAY)
    [entry] = content.delivery_plan.commitments
    assert entry.rag == Rag.RED
    assert entry.figure.value == content.dashboard.headlines.contacted_within_one_day
    assert entry.figure.quarter == quarter
    assert ("delivery-plan", "Delivery plan progress") in [
        (e.anchor, e.title) for e in report_contents(content)
    ]
    body = str(render_report_body(content))
    assert "1.1 Contact every referral within one working day" in body
    assert "Commitments: 1 red" in body


def test_without_a_strategy_in_force_the_report_has_no_plan_section(db):
    from scrutiny.reports.content import quarterly_report_content
    from scrutiny.reports.rendering import report_contents

    content = quarterly_report_content(
        quarter=FinancialQuarter.parse("2025/26 Q2"), committee=None, today=TODAY
    )
    assert content.delivery_plan is None
    assert "delivery-plan" not in [entry.anchor for entry in report_contents(content)]
