"""The benchmark command runs and prints its figures (on a tiny data set: it is not a test of
speed; `make test` never times anything)."""

import io

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.sqlite_only
@pytest.mark.django_db
def test_the_benchmark_seeds_an_empty_database_and_prints_each_timing(settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("covered by the SQLite run; seeding is the same")
    out = io.StringIO()

    call_command("benchmark_dashboard", referrals=300, repeat=1, allow_sqlite=True, stdout=out)

    printed = out.getvalue()
    assert "300 referrals on sqlite" in printed
    assert "build_dashboard (all 19 panels, suppressed):" in printed
    assert "every stored figure counted afresh" in printed
    assert "counts_by_service" in printed and "SQL queries in one run:" in printed
    assert "Whole page as a committee member (test client):" in printed
    assert "from the monthly summary" in printed


@pytest.mark.sqlite_only
@pytest.mark.django_db
def test_the_benchmark_is_meant_for_postgresql(settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("runs on PostgreSQL")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("benchmark_dashboard", referrals=300)


@pytest.mark.django_db
def test_the_referral_benchmark_prints_each_measure_and_changes_nothing(settings):
    from partnership.demo import seed_demo
    from referrals.models import Referral, ReferralSummary

    seed_demo(referrals=600, seed=4)
    before = (Referral.objects.count(), ReferralSummary.objects.count())
    out = io.StringIO()

    call_command("benchmark_referrals", repeat=1, allow_sqlite=True, stdout=out)

    printed = out.getvalue()
    assert "600 referrals on" in printed
    for measure in (
        "first page",
        "middle page",
        "last page",
        "search: a number",
        "export",
        "log a referral",
        "record first contact",
    ):
        assert measure in printed
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        assert "anchor" in printed and "x\n" in printed
    assert (Referral.objects.count(), ReferralSummary.objects.count()) == before
