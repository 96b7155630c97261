"""Time the quarterly performance report on the data in the database: a benchmark, not a test.

    bash .ci/with-servers.sh sh -c 'uv run python manage.py migrate -v0 &&
        uv run python manage.py seed_demo --referrals 1000000 --seed 7 &&
        uv run python manage.py benchmark_report'

Prints the time to work out the figures (the committee dashboard, the summary and the action
tracker: the same service the Celery task runs) and the time to lay them out (the report's HTML,
then WeasyPrint's tagged PDF), for each of `--repeat` runs and their median, with the figures'
ratio to the dashboard's plain SQL anchor (benchmark_dashboard). Nothing is stored. The target
is under 7 s in all for the 56-page report at 1,000,000 referrals on PostgreSQL.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from partnership.benchmarking import compared, median_time, sql_anchor
from partnership.calendar import FinancialQuarter
from referrals.models import Referral
from scrutiny.management.commands.benchmark_dashboard import dashboard_anchor
from scrutiny.models import Committee
from scrutiny.reports.content import quarterly_report_content
from scrutiny.reports.covers import report_cover
from scrutiny.reports.rendering import render_quarterly_report

TARGET_SECONDS = 7


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--quarter", help='the financial quarter (default: the last complete one), "2024/25 Q4"'
        )
        parser.add_argument("--repeat", type=int, default=3, help="how many runs to time")

    def handle(self, *args, quarter, repeat, **options):
        try:
            period = FinancialQuarter.parse(quarter) if quarter else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        period = period or FinancialQuarter.last_complete()
        committee = Committee.objects.select_related("clerk").order_by("name").first()
        referrals = Referral.objects.count()
        if not referrals or committee is None:
            raise CommandError("No referrals or no committee in the database: run seed_demo first.")
        self.stdout.write(
            f"{connection.vendor}, {referrals:,} referrals, report for {period}, {committee}"
        )
        if connection.vendor != "postgresql":
            self.stdout.write(self.style.WARNING("The target is for PostgreSQL (DATABASE_URL)."))
        today = timezone.localdate()
        totals = []
        for run in range(1, repeat + 1):
            started = time.perf_counter()
            content = quarterly_report_content(quarter=period, committee=committee, today=today)
            figured = time.perf_counter()
            cover = report_cover(
                quarter=period,
                committee=committee,
                meeting=None,
                contact=committee.clerk,
                today=today,
            )
            made = render_quarterly_report(content, cover)
            finished = time.perf_counter()
            metrics, rendering = figured - started, finished - figured
            totals.append((metrics, rendering, finished - started))
            self.stdout.write(
                f"  run {run}: metrics {metrics:.2f} s, rendering {rendering:.2f} s "
                f"({made.page_count} pages), total {finished - started:.2f} s"
            )
        medians = [statistics.median(times) for times in zip(*totals, strict=True)]
        metrics, rendering, total = medians
        if connection.vendor == "postgresql":
            anchor, _ = median_time(sql_anchor(dashboard_anchor(period)), repeat)
            self.stdout.write(compared("metrics", metrics, anchor))
        verdict = "within" if total < TARGET_SECONDS else "OVER"
        style = self.style.SUCCESS if total < TARGET_SECONDS else self.style.ERROR
        self.stdout.write(
            style(
                f"Median: metrics {metrics:.2f} s, rendering {rendering:.2f} s, "
                f"total {total:.2f} s ({verdict} the {TARGET_SECONDS} s target)."
            )
        )
