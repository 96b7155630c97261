"""A real Celery worker over Redis makes a quarterly report from the PostgreSQL test database.

Runs in the PostgreSQL/Redis layer: `bash .ci/with-servers.sh uv run pytest -m redis`.
"""

import time

import pytest

from partnership.calendar import FinancialQuarter
from partnership.demo import seed_demo
from scrutiny.models import ReportRun, RunStatus
from scrutiny.reports import services as report_services
from tests.partnership.conftest import celery_worker_process  # noqa: F401 (a fixture)
from tests.pdfutils import lines, page_numbers_printed, pdf_page_texts

pytestmark = pytest.mark.redis
WAIT_SECONDS = 120


def wait_for(run: ReportRun) -> ReportRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_pending:
            return run
        time.sleep(0.5)
    pytest.fail(f"The run was still {run.status} ({run.stage}) after {WAIT_SECONDS} s")


def test_a_real_worker_over_redis_makes_the_report_a_clerk_asked_for(celery_worker_process):  # noqa: F811
    ctx = seed_demo(referrals=300, seed=7)
    quarter = FinancialQuarter.last_complete(ctx.today)

    run = report_services.report_run_request(
        by=ctx.users["clerk"], quarter=quarter, committee=ctx.extra["scrutiny"]["committee"]
    )

    run = wait_for(run)
    assert run.status == RunStatus.READY, run.error
    pages = pdf_page_texts(run.pdf.open("rb").read())
    assert len(pages) == run.page_count
    assert page_numbers_printed(pages[-1]) == [(run.page_count, run.page_count)]
    assert f"quarterly performance report, {quarter}" in " ".join(lines(pages[0]))
