"""Time the committee dashboard at a large volume of referrals, and print the figures.

    bash .ci/with-servers.sh uv run python manage.py benchmark_dashboard

Seeds the demo data set with --referrals referrals (1,000,000 by default) into an empty
database, or reuses one that already holds at least that many, then prints:

- the median server time of build_dashboard (every panel, suppressed, all services, the last
  complete quarter) over --repeat runs, and of one service's dashboard; and of the first build
  after a change, with every figure of `referrals.stored_figures` counted afresh;
- the time of each metric function the dashboard calls, and of each SQL query, in one run;
- the median time of the whole page, requested through Django's test client as a committee
  member (templates and SVG included);
- for comparison, the same count by quarter and district read from the referral rows instead of
  the monthly summary;
- beside the dashboard's time, a plain SQL anchor (`dashboard_anchor`): hand-written queries
  for the same referral figures (the quarter's counts, the trends, waiting list and open cases
  from the summary, waiting-time percentiles and households from the rows), and the ratio.

A benchmark, not a test: nothing is asserted. It is meant for PostgreSQL (DATABASE_URL) and
refuses SQLite unless --allow-sqlite is given. Seeding a million referrals takes some minutes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
from functools import wraps

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse

from commissioning import metrics as commissioning_metrics
from partnership.benchmarking import compared, median_time, signed_in_client, sql_anchor
from partnership.calendar import FinancialQuarter
from partnership.constants import Role
from partnership.demo import demo_data_exists, seed_demo
from partnership.models import User
from referrals import children as referral_children
from referrals import marac as referral_marac
from referrals import metrics as referral_metrics
from referrals import summary
from referrals.models import Referral
from referrals.stored_figures import forget_stored_figures
from scrutiny import metrics as scrutiny_metrics
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.panels import PANELS

# The metric functions the dashboard calls, timed one by one.
TIMED = {
    referral_metrics: [
        "counts_by_service",
        "stored_group_figures",
        "group_figures",
        "caseloads",
        "referrals_by_quarter",
        "response_by_service",
        "first_quarter_with_referrals",
    ],
    commissioning_metrics: [
        "funding_overview",
        "grant_allocations",
        "safe_accommodation_capacity",
    ],
    scrutiny_metrics: ["actions_by_rag"],
    referral_marac: ["marac_figures"],
    referral_children: ["stored_children_figures", "children_figures"],
}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


@contextmanager
def _timed_functions(totals: dict[str, list[float]]):
    originals = []
    for module, names in TIMED.items():
        for name in names:
            function = getattr(module, name, None)
            if function is None:
                continue

            def timed(*args, _function=function, _name=name, **kwargs):
                started = time.perf_counter()
                try:
                    return _function(*args, **kwargs)
                finally:
                    totals[_name].append(time.perf_counter() - started)

            originals.append((module, name, function))
            setattr(module, name, wraps(function)(timed))
    try:
        yield
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


@contextmanager
def _timed_queries(queries: list[tuple[float, str]]):
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(wrapper):
        yield


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=9, help="timed runs of each measure")
        parser.add_argument(
            "--allow-sqlite", action="store_true", help="run on SQLite (for trying it out)"
        )

    def handle(self, *args, referrals, repeat, allow_sqlite, **options):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "The benchmark is for PostgreSQL: set DATABASE_URL (e.g. run it through "
                "bash .ci/with-servers.sh), or give --allow-sqlite to try it out."
            )
        self._ensure_data(referrals)
        count = Referral.objects.count()
        quarter = FinancialQuarter.last_complete()
        self.stdout.write(
            f"{count:,} referrals on {connection.vendor}; dashboard for {quarter}, "
            f"median of {repeat} runs after one warm-up.\n"
        )

        board, board_times = median_time(lambda: build_dashboard(quarter=quarter), repeat)
        service = Referral.objects.order_by().values_list("service_id", flat=True).first()
        one, _ = median_time(lambda: build_dashboard(quarter=quarter, service_id=service), repeat)
        self.stdout.write(f"build_dashboard (all {len(PANELS)} panels, suppressed):")
        if connection.vendor == "postgresql":  # the anchor's SQL is PostgreSQL's
            anchor, _ = median_time(sql_anchor(dashboard_anchor(quarter)), repeat)
            self.stdout.write(compared("all services", board, anchor))
        else:
            self.stdout.write(f"  all services        {_ms(board)}")
        self.stdout.write(f"    (runs: {self._list(board_times)})")
        self.stdout.write(f"  one service         {_ms(one)}")

        def afresh():
            forget_stored_figures()
            build_dashboard(quarter=quarter)

        cold, _ = median_time(afresh, max(1, repeat // 3))
        self.stdout.write(
            f"  all services, every stored figure counted afresh (as after a change) {_ms(cold)}"
        )

        functions: dict[str, list[float]] = defaultdict(list)
        queries: list[tuple[float, str]] = []
        with _timed_functions(functions), _timed_queries(queries):
            build_dashboard(quarter=quarter)
        self.stdout.write("\nMetric functions in one run (calls, total time):")
        for name, times in sorted(functions.items(), key=lambda item: -sum(item[1])):
            self.stdout.write(f"  {name:<30} {len(times):>3}  {_ms(sum(times))}")
        self.stdout.write(
            f"\nSQL queries in one run: {len(queries)}, {_ms(sum(t for t, _ in queries)).strip()}"
            " in all; each:"
        )
        for seconds, sql in sorted(queries, key=lambda item: -item[0]):
            self.stdout.write(f"  {_ms(seconds)}  {' '.join(sql.split())[:110]}")

        page = self._page_time(quarter, repeat)
        self.stdout.write(
            f"\nWhole page as a committee member (test client): {_ms(page)}, "
            f"{self.page_size / 1000:.0f} KB"
        )

        rows, _ = median_time(
            lambda: referral_metrics.referrals_by_quarter(
                quarter.quarters_back(12), group_by="area", use_summary=False
            ),
            max(1, repeat // 3),
        )
        summary, _ = median_time(
            lambda: referral_metrics.referrals_by_quarter(
                quarter.quarters_back(12), group_by="area", use_summary=True
            ),
            repeat,
        )
        self.stdout.write("\nReferrals by quarter and district, 12 quarters:")
        self.stdout.write(f"  from the referral rows   {_ms(rows)}")
        self.stdout.write(f"  from the monthly summary {_ms(summary)}")

    def _list(self, times: list[float]) -> str:
        return ", ".join(f"{t * 1000:.0f}" for t in times) + " ms"

    def _ensure_data(self, wanted: int) -> None:
        have = Referral.objects.count()
        if have >= wanted:
            return
        if demo_data_exists():
            raise CommandError(
                f"The database has {have:,} referrals, fewer than {wanted:,}, and other data: "
                "run the benchmark on an empty database (it seeds one) or ask for fewer."
            )
        self.stdout.write(f"Seeding {wanted:,} demo referrals (this takes some minutes)…")
        started = time.perf_counter()
        ctx = seed_demo(referrals=wanted)
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Seeded in {time.perf_counter() - started:.0f} s.\n")

    def _page_time(self, quarter: FinancialQuarter, repeat: int) -> float:
        user = User.objects.filter(groups__name=Role.COMMITTEE_MEMBER, is_active=True).first()
        if user is None:
            raise CommandError("No committee member to request the page as.")
        client = signed_in_client(user)
        url = reverse("scrutiny:dashboard")

        sizes = []

        def request():
            response = client.get(url, {"quarter": quarter.label}, secure=True)
            if response.status_code != 200:
                raise CommandError(f"The dashboard answered {response.status_code}.")
            sizes.append(len(response.content))

        median, _ = median_time(request, repeat)
        self.page_size = sizes[-1]
        return median


def dashboard_anchor(quarter: FinancialQuarter) -> list[tuple[str, list]]:
    """Hand-written SQL for the dashboard's referral figures, all services: what a person
    writing the queries by hand would send for the same panels."""
    first = summary.month_index(quarter.start_datetime())
    end = first + 3
    trend_from = first - 3 * 30  # every quarter back to the first, at most 30
    start, finish = quarter.start_datetime(), quarter.end_datetime()
    return [
        (
            "SELECT dimension, value, SUM(referrals), SUM(first_contact_met), "
            "SUM(oversight_met), SUM(repeats) FROM referrals_referralsummary "
            "WHERE month >= %s AND month < %s GROUP BY dimension, value",
            [first, end],
        ),
        (
            "SELECT month, dimension, value, service_id, SUM(referrals) "
            "FROM referrals_referralsummary WHERE dimension IN ('all', 'area') "
            "AND month >= %s AND month < %s GROUP BY 1, 2, 3, 4",
            [trend_from, end],
        ),
        (
            "SELECT dimension, service_id, value, SUM(referrals) FROM referrals_referralsummary "
            "WHERE dimension IN ('waiting_list', 'ended') AND month < %s GROUP BY 1, 2, 3",
            [end],
        ),
        (
            "SELECT risk_level, COUNT(*), percentile_disc(ARRAY[0.5, 0.500000001, 0.9]) "
            "WITHIN GROUP (ORDER BY waiting_time) FROM referrals_referral "
            "WHERE support_started_at >= %s AND support_started_at < %s "
            "GROUP BY ROLLUP (risk_level)",
            [start, finish],
        ),
        (
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE repeat) FROM (SELECT address_key, "
            "bool_or(is_repeat_address) AS repeat FROM referrals_referral "
            "WHERE received_at >= %s AND received_at < %s AND address_key <> '' "
            "GROUP BY address_key) AS households",
            [start, finish],
        ),
    ]
