"""The faster ways of working out the dashboard's figures give the figures the old ways gave.

- Waiting times: medians and 90th percentiles taken by PostgreSQL (percentile_disc) equal
  those taken in Python, for groups of every size; on SQLite both names reach Python.
- Households and repeat households: one grouped pass equals two distinct counts.
- The whole committee dashboard built on the demo data is the same, panel for panel, with the
  old ways put back in.

Run on SQLite by `make test` and on PostgreSQL by its second layer (.ci/with-servers.sh).
"""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from referrals import metrics, stored_figures
from referrals.constants import RiskLevel
from referrals.models import Referral
from scrutiny.dashboard.build import build_dashboard
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=200)


def started(waits: dict[str, list[float]]):
    """Referrals whose support started, waiting the given days, by risk level."""
    for level, days in waits.items():
        for n, waited in enumerate(days):
            received = START + timedelta(hours=n)
            began = received + timedelta(days=waited)
            ReferralFactory(
                received_at=received,
                risk_level=level,
                status="in_support",
                first_contact_at=received,
                support_started_at=began,
            )
    return Referral.objects.filter(support_started_at__isnull=False)


def test_medians_are_the_middle_value_or_the_mean_of_the_two_middle_values():
    rows = metrics.waiting_times(
        started({"high": [1, 2, 3, 10], "medium": [5, 1, 3], "standard": []})
    )
    by_level = {row.risk_level: row for row in rows}

    assert (by_level["high"].count, by_level["high"].median_days) == (4, Decimal("2.5"))
    assert by_level["high"].p90_days == Decimal("10.0")  # nearest rank: the 4th of 4
    assert (by_level["medium"].median_days, by_level["medium"].p90_days) == (
        Decimal("3.0"),
        Decimal("5.0"),
    )
    assert (by_level["standard"].count, by_level["standard"].median_days) == (0, None)
    assert (by_level["all"].count, by_level["all"].median_days) == (7, Decimal("3.0"))
    assert [row.risk_level for row in rows] == [*RiskLevel.values, "all"]


def test_a_period_in_which_no_support_started_has_empty_rows():
    rows = metrics.waiting_times(started({}))

    assert [(row.count, row.median_days, row.p90_days) for row in rows] == [(0, None, None)] * (
        len(RiskLevel.values) + 1
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's")
@pytest.mark.parametrize("seed", range(6))
def test_the_database_and_python_agree_on_waiting_times_of_any_group_size(seed):
    rng = random.Random(seed)
    queryset = started(
        {
            level: [round(rng.uniform(0, 90), 4) for _ in range(rng.randrange(0, 40))]
            for level in RiskLevel.values
        }
    )
    assert metrics.waiting_times(queryset) == metrics.waiting_times_in_python(queryset)


def households_counted_twice(referrals) -> tuple[int, int]:
    """The old way: distinct addresses, then distinct addresses among repeat addresses."""

    def distinct(rows):
        return rows.exclude(address_key="").values("address_key").distinct().order_by().count()

    return distinct(referrals), distinct(referrals.filter(is_repeat_address=True))


def test_one_pass_counts_households_and_repeat_households_as_two_did(demo):
    for quarter in FinancialQuarter.last_complete().quarters_back(12):
        received = Referral.objects.filter(
            received_at__gte=quarter.start_datetime(), received_at__lt=quarter.end_datetime()
        )
        assert metrics.households_and_repeats(received) == households_counted_twice(received)


def test_no_dashboard_figure_changes_with_the_old_ways_put_back(demo, monkeypatch):
    quarter = FinancialQuarter.last_complete()
    services = [None, demo.extra["services"][0].pk]
    new = [build_dashboard(quarter=quarter, service_id=s, today=demo.today) for s in services]

    monkeypatch.setattr(metrics, "waiting_times", metrics.waiting_times_in_python)
    monkeypatch.setattr(metrics, "households_and_repeats", households_counted_twice)
    # Counted again, not read from the figures the first builds stored.
    monkeypatch.setattr(stored_figures, "stored", lambda kind, *, count, **_: count())
    old = [build_dashboard(quarter=quarter, service_id=s, today=demo.today) for s in services]

    for before, after in zip(old, new, strict=True):
        assert before.headlines == after.headlines
        assert before.panels == after.panels
