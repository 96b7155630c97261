"""A performance lead makes the safe accommodation return for the demo's last complete year in
Chromium (axe on each page), downloads the XLSX, and its figures reconcile with the dashboard's.

Without a broker, Celery runs the task in the request that asks for it, once the run is
committed, so the run's page is ready when the browser gets there.
"""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from partnership.calendar import FinancialYear
from partnership.constants import Role
from partnership.demo import seed_demo
from referrals.annual_return.figures import safe_accommodation_service_ids
from referrals.annual_return.workbook import RECONCILIATION_SHEET, SHEET_NAMES
from referrals.constants import DeclineReason
from referrals.metrics import referral_metrics
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def dashboard_figures(year: FinancialYear, service_ids: list[int]) -> tuple[int, int, int]:
    """Support started, declined as unable to support and closed, as the dashboard counts them
    for the year's quarters."""
    started = unable = closed = 0
    for quarter in year.quarters:
        figures = referral_metrics(quarter, service_ids=service_ids)
        started += next(w.count for w in figures.waiting_times if w.risk_level == "all")
        unable += figures.decline_reasons[DeclineReason.UNABLE_TO_SUPPORT]
        closed += figures.closed
    return started, unable, closed


def test_performance_lead_makes_the_return_and_it_reconciles_with_the_dashboard(
    page, sign_in, check_accessibility
):
    seed_demo(referrals=1500, seed=11)
    year = FinancialYear.containing(timezone.localdate()).previous()
    lead = UserFactory(username="lead.returns", roles=[Role.PERFORMANCE_LEAD])

    sign_in(page, lead)
    page.get_by_role("link", name="Annual return").first.click()
    expect(page.get_by_role("heading", name="Safe accommodation annual return")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_label("Financial year")).to_have_value(str(year.start_year))
    with page.expect_navigation():
        page.get_by_role("button", name="Make the return").click()
    expect(page.get_by_role("heading", name=year.label)).to_be_visible()
    expect(page.get_by_text("Every line balances")).to_be_visible()
    check_accessibility(page)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the return (XLSX)").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))

    # The whole return's reconciliation: the dashboard's figures, as the test counts them here.
    sheet = book[RECONCILIATION_SHEET]
    lines = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]]
    all_services = [row for row in lines if row[0] == "All safe accommodation services"]
    started, unable, closed = dashboard_figures(year, safe_accommodation_service_ids())
    assert [row[4] for row in all_services] == [started, unable, closed]
    assert all(row[7] == "Yes" for row in lines)
    supported = book[SHEET_NAMES["supported"]]
    total = next(
        row
        for row in supported.iter_rows(values_only=True)
        if row[0] and row[0].startswith("All safe")
    )
    assert total[1] == all_services[0][2] > 0

    page.get_by_role("link", name="See which values of the lists are in use").click()
    expect(page.get_by_role("heading", name="The return's lists")).to_be_visible()
    check_accessibility(page)
