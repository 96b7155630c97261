"""The project's own attacker against the demo data set (tests/scrutiny/adversary.py).

A committee member downloads every panel's CSV with figures about people (and the CSV of every
panel, which must say the same), for all services and for each service, for the last complete
quarter and the same quarter last year. The attacker solves everything those downloads say
(CP-SAT) for the smallest and largest value of every count. No count hidden as "*" may be
narrowed to one value from 1 to the threshold, and no rounded count may be pinned to one exact
value.

The demo data set is `seed_demo` with its own seed at DEMO_REFERRALS referrals: the default
demo's referrals per quarter and service are kept in proportion, but fewer, so that small
counts, and so suppressed cells, are many (the attacker has more to aim at), and the test runs
in about a minute on SQLite.

The second test plants the old rule (percentages and rates worked out from the exact counts, to
one decimal place) by monkeypatching the one line of partnership.disclosure that says what a
figure is made from, and shows the attacker recovers hidden counts from the same downloads (of
the last complete quarter only, which is enough).
"""

import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from commissioning.models import CommissionedService
from partnership import disclosure
from partnership.calendar import FinancialQuarter
from partnership.demo import seed_demo
from partnership.models import Area
from scrutiny.dashboard.panels import PANELS
from tests.scrutiny.adversary import PEOPLE_PANELS, attack, download

# Each test takes `db`, which makes pytest-django set up the test database before the module's
# data is made (a session without a `db` test would give the fixture the real database).
pytestmark = pytest.mark.django_db

DEMO_REFERRALS = 6000
Q = FinancialQuarter.last_complete()
QUARTERS = [Q, Q.same_quarter_last_year()]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, seeded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, "the demo data must go into the test database"
        started = time.process_time()
        ctx = seed_demo(referrals=DEMO_REFERRALS)
        print(f"demo data seeded in {time.process_time() - started:.1f} s of CPU")
        yield ctx
        transaction.set_rollback(True)


def downloads_of(login, ctx, quarters):
    client = login(ctx.users["councillor"])  # the demo's committee member
    services = list(CommissionedService.objects.order_by("pk").values_list("pk", flat=True))
    return download(client, quarters, services)


def populations():
    return {area.name: area.population for area in Area.objects.all()}


def adult_women():
    return {
        area.name: area.adult_female_population
        for area in Area.objects.all()
        if area.adult_female_population
    }


def run(login, ctx, quarters=QUARTERS):
    started = time.process_time()
    downloads = downloads_of(login, ctx, quarters)
    downloaded = time.process_time()
    result = attack(
        downloads,
        quarters=quarters,
        threshold=settings.DISCLOSURE_THRESHOLD,
        populations=populations(),
        adult_women=adult_women(),
    )
    print(  # shown with pytest -s: what the attacker did
        f"{len(downloads)} CSVs in {downloaded - started:.1f} s of CPU; {result.cells} counts "
        f"({result.suppressed} hidden, {result.rounded} rounded) bounded with {result.solves} "
        f"solves in {time.process_time() - downloaded:.1f} s; {len(result.recovered)} hidden "
        f"recovered, {len(result.pinned)} rounded pinned"
    )
    return result


def describe(findings) -> str:
    return "; ".join(f"{f.key} shown {f.shown!r} is {f.low}" for f in findings[:20])


def test_no_hidden_count_can_be_worked_out_from_everything_a_committee_member_downloads(
    demo, login
):
    result = run(login, demo)

    assert result.conflicts == []
    assert result.suppressed > 100, "the demo data should give the attacker hidden counts"
    assert result.rounded > 500
    assert result.recovered == [], describe(result.recovered)
    assert result.pinned == [], describe(result.pinned)


def test_the_attacker_recovers_hidden_counts_when_percentages_use_the_exact_counts(
    demo, login, monkeypatch
):
    monkeypatch.setattr(disclosure, "_operand", lambda cell: cell._exact)
    monkeypatch.setattr(disclosure, "PERCENT_PLACES", 1)

    result = run(login, demo, quarters=[Q])  # one quarter is enough to show it

    assert result.recovered or result.pinned
    assert len(result.pinned) > 10, describe(result.pinned)


def test_the_attacker_reads_every_panel_with_figures_about_people():
    about_money_places_or_actions = {"safe-accommodation", "funding", "grants", "actions"}

    assert set(PANELS) - about_money_places_or_actions == set(PEOPLE_PANELS)
