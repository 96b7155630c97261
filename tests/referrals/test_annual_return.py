"""The safe accommodation return: hand-worked figures, their reconciliation with the dashboard,
the XLSX cell for cell, the Celery run and who may have it."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from commissioning.constants import ServiceType
from partnership.calendar import FinancialYear
from partnership.models import AuditEvent
from partnership.runs import RunStatus, runs_sweep
from referrals.annual_return import services as return_services
from referrals.annual_return.figures import return_figures
from referrals.annual_return.layout import AnnualReturn, annual_return
from referrals.annual_return.reconciliation import reconcile
from referrals.annual_return.workbook import RECONCILIATION_SHEET, SHEET_NAMES, workbook_bytes
from referrals.models import AnnualReturnRun, ReturnCategory
from tests.factories import CommissionedServiceFactory, ReferralFactory

YEAR = FinancialYear(2024)  # April 2024 to March 2025


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def category(kind: str, code: str) -> ReturnCategory:
    return ReturnCategory.objects.get(kind=kind, code=code)


@pytest.fixture
def world(db):
    refuge = CommissionedServiceFactory(name="Refuge", service_type=ServiceType.REFUGE)
    sanctuary = CommissionedServiceFactory(
        name="Sanctuary", service_type=ServiceType.SANCTUARY_SCHEME
    )
    idva = CommissionedServiceFactory(name="IDVA", service_type=ServiceType.IDVA_OUTREACH)
    ReturnCategory.objects.filter(kind="move_on", code="social_tenancy").update(is_active=True)

    def supported(service, household, started, closed=None, **fields):
        referral = ReferralFactory(
            service=service,
            address_key=household,
            received_at=started.replace(day=1),
            status="closed" if closed else "in_support",
            support_started_at=started,
            closed_at=closed,
            closure_reason="support_completed" if closed else "",
            **fields,
        )
        return referral

    def household(type_, women=0, men=0, children=0):
        return {
            "accommodation_type": type_,
            "adults_women": women,
            "adults_men": men,
            "adults_trans": 0,
            "children_supported": children,
            "characteristics_recorded": True,
        }

    r1 = supported(refuge, "H1", at(2024, 3, 5), **household("refuge", women=1, children=2))
    r1.specialist_characteristics.set([category("characteristic", "black_minoritised")])
    supported(
        refuge,
        "H2",
        at(2024, 6, 3),
        at(2024, 12, 2),
        **household("refuge", women=1),
        support_end_reason=category("support_ended", "moved_on"),
        move_on_destination=category("move_on", "social_tenancy"),
    )
    supported(refuge, "H2", at(2025, 1, 10), **household("refuge", women=1, children=1))
    r4 = supported(
        sanctuary,
        "H3",
        at(2024, 5, 2),
        at(2025, 2, 3),
        **household("sanctuary", men=1),
        support_end_reason=category("support_ended", "no_longer_needed"),
    )
    r4.specialist_characteristics.set(
        [category("characteristic", "disabled"), category("characteristic", "mental_health")]
    )
    for day, reason in ((at(2024, 7, 1), "capacity"), (at(2024, 9, 2), "needs_not_met")):
        ReferralFactory(
            service=refuge,
            address_key="H4",
            received_at=day.replace(day=1),
            status="declined",
            declined_at=day,
            decline_reason="unable_to_support",
            unable_to_support_reason=category("unable_to_support", reason),
        )
    ReferralFactory(
        service=refuge,
        address_key="H5",
        received_at=at(2024, 7, 20),
        status="closed",
        closed_at=at(2024, 8, 1),
        closure_reason="unable_to_contact",
    )
    supported(sanctuary, "H6", at(2024, 10, 1))  # nothing recorded
    supported(idva, "H7", at(2024, 10, 1))  # not safe accommodation
    return {"refuge": refuge, "sanctuary": sanctuary}


def test_the_figures_as_worked_by_hand(world):
    figures = return_figures(YEAR)
    assert (figures.supported_referrals, figures.started_in_year, figures.in_support_at_start) == (
        5,
        4,
        1,
    )
    assert figures.households_supported == 4  # H1, H2 (twice), H3, H6
    refuge = figures.by_type["refuge"]
    # H2's people are those of its latest support (one woman and a child).
    assert (refuge.households, refuge.women, refuge.children, refuge.individuals) == (2, 2, 3, 5)
    assert (figures.by_type["sanctuary"].households, figures.by_type["sanctuary"].men) == (1, 1)
    assert figures.by_type[""].households == 1 and figures.total.not_described == 1
    assert figures.total.individuals == 6
    assert figures.with_characteristic == 2 and figures.characteristics_not_recorded == 1
    assert figures.households_unable == 1 and figures.unable_referrals == 2
    assert figures.unable == {category("unable_to_support", "needs_not_met").pk: 1}
    assert figures.households_ended == 2 and figures.closed_without_support == 1
    assert figures.destinations == {category("move_on", "social_tenancy").pk: 1}


def test_every_figure_reconciles_with_the_dashboard_for_the_year_and_each_service(world):
    total = reconcile(return_figures(YEAR), "All")
    supported, unable, ended = total.lines
    assert (supported.returned, supported.dashboard) == (4, 4)
    assert [d.amount for d in supported.differences] == [1, -1]
    assert (unable.returned, unable.dashboard, [d.amount for d in unable.differences]) == (
        1,
        2,
        [-1],
    )
    assert (ended.returned, ended.dashboard, [d.amount for d in ended.differences]) == (
        2,
        3,
        [-1, 0],
    )
    assert total.balances
    for service in world.values():
        assert reconcile(return_figures(YEAR, [service.pk]), service.name).balances


def test_a_figure_that_does_not_match_the_dashboard_does_not_balance(world):
    figures = return_figures(YEAR)
    figures.started_in_year += 1  # as if the return counted a start the dashboard did not
    figures.supported_referrals += 1
    assert not reconcile(figures, "All").lines[0].balances


def test_the_workbook_holds_the_pages_figures_cell_for_cell(world):
    made = annual_return(YEAR)
    book = load_workbook(io.BytesIO(workbook_bytes(made)))
    assert book["Cover"]["B4"].value == "2024/25"
    for table in made.tables:
        sheet = book[SHEET_NAMES[table.key]]
        assert sheet["A1"].value == table.title
        assert [cell.value for cell in sheet[3]] == table.header
        for offset, row in enumerate(table.rows, start=4):
            assert [cell.value for cell in sheet[offset]][: len(row)] == row
    supported = made.table("supported")
    assert supported.value("All safe accommodation (each household once)", "Households") == 4
    assert book[SHEET_NAMES["supported"]]["B11"].value == 4
    assert book[RECONCILIATION_SHEET]["H4"].value == "Yes"
    assert (
        made.table("unable").value("The service could not meet the household's needs", "Households")
        == 1
    )


def test_the_figures_survive_the_run_and_come_back_the_same(world):
    made = annual_return(YEAR)
    assert AnnualReturn.from_json(made.as_json()) == made


def test_a_performance_lead_makes_the_return_and_downloads_it(
    world, performance_lead, login, django_capture_on_commit_callbacks
):
    client = login(performance_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("referrals:annual_return_list"), {"year": "2024"})
    run = AnnualReturnRun.objects.get()
    assert response.status_code == 302 and run.is_ready and run.sha256
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Every line balances" in page and "Download the return" in page
    download = client.get(reverse("referrals:annual_return_download", args=[run.pk]))
    data = b"".join(download.streaming_content)
    book = load_workbook(io.BytesIO(data))
    assert book[SHEET_NAMES["supported"]]["B11"].value == 4
    assert AuditEvent.objects.filter(action="export", object_id=str(run.pk)).exists()


def test_only_performance_leads_may_ask_and_only_for_a_year_that_has_begun(
    world, officer, performance_lead
):
    with pytest.raises(PermissionDenied):
        return_services.annual_return_request(by=officer, year=YEAR)
    next_year = FinancialYear.containing(timezone.localdate()).next()
    with pytest.raises(ValidationError):
        return_services.annual_return_request(by=performance_lead, year=next_year)
    assert not AnnualReturnRun.objects.exists()


def test_a_failed_run_keeps_its_error_and_no_file(world, performance_lead, monkeypatch):
    from referrals.annual_return import runs

    def broken(*args, **kwargs):
        raise RuntimeError("the figures could not be worked out")

    monkeypatch.setattr(runs, "annual_return", broken)
    run = AnnualReturnRun.objects.create(financial_year=2024, requested_by=performance_lead)
    run = runs.annual_return_execute(run.pk)
    assert run.is_failed and "could not be worked out" in run.error and not run.xlsx


# The return is a background run (partnership/runs.py); the rules themselves are tested in
# tests/partnership/test_runs.py, and with real Redis and workers in test_runs_faults.py.


def stored_returns() -> list[str]:
    return (
        default_storage.listdir("referrals/returns")[1]
        if default_storage.exists("referrals/returns")
        else []
    )


def test_a_return_asked_for_while_the_broker_is_down_is_saved_and_made_once_it_is_back(
    world, performance_lead, login, broker, django_capture_on_commit_callbacks
):
    client = login(performance_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("referrals:annual_return_list"), {"year": "2024"})

    run = AnnualReturnRun.objects.get()
    assert response.status_code == 302 and broker.state["refused"] == 1
    assert run.is_waiting_for_broker
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200 and "cannot be reached just now" in page.content.decode()

    broker.up()
    assert runs_sweep().sent == 1

    run.refresh_from_db()
    assert run.is_ready and run.attempts == 1 and len(stored_returns()) == 1
    assert AnnualReturnRun.objects.count() == 1


def test_a_return_whose_worker_died_is_made_again_by_the_sweep_once(
    world, performance_lead, login, broker
):
    run = AnnualReturnRun.objects.create(
        financial_year=2024,
        requested_by=performance_lead,
        status=RunStatus.RUNNING,
        attempts=1,
        sent_at=timezone.now(),
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    broker.up()

    assert runs_sweep().requeued == 1

    run.refresh_from_db()
    assert run.is_ready and run.attempts == 2 and len(stored_returns()) == 1
    assert (
        "Every line balances"
        in login(performance_lead).get(run.get_absolute_url()).content.decode()
    )


def test_a_return_queued_again_says_it_is_being_made_again(world, performance_lead, login):
    run = AnnualReturnRun.objects.create(
        financial_year=2024, requested_by=performance_lead, attempts=1, sent_at=timezone.now()
    )

    page = login(performance_lead).get(run.get_absolute_url()).content.decode()

    assert "making it again (attempt 2 of 3)" in page


def test_a_worker_given_up_for_dead_keeps_no_file_and_leaves_the_run_to_the_new_one(
    world, performance_lead, monkeypatch
):
    from referrals.annual_return import runs

    run = AnnualReturnRun.objects.create(financial_year=2024, requested_by=performance_lead)
    real_workbook_bytes = runs.workbook_bytes

    def taken_over_meanwhile(made):
        AnnualReturnRun.objects.filter(pk=run.pk).update(attempts=2)  # another worker took it
        return real_workbook_bytes(made)

    monkeypatch.setattr(runs, "workbook_bytes", taken_over_meanwhile)
    run = runs.annual_return_execute(run.pk)

    assert (run.status, run.attempts, run.xlsx.name) == (RunStatus.RUNNING, 2, "")
    assert stored_returns() == []
