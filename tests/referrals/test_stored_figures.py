"""Figures stored between changes (referrals.stored_figures): the dashboard is the same from the
store as counted; every way a referral changes makes its quarter's figures counted again; a
change elsewhere does not; a count that began before a write committed is never kept.

Run on SQLite by `make test` and on PostgreSQL by its second layer (.ci/with-servers.sh).
"""

import re
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter
from partnership.celery import app
from referrals import children, marac, metrics, stored_figures
from referrals.marac_cases import link_marac_cases
from referrals.models import FigureChange, Referral, StoredFigures
from referrals.tasks import rebuild_referral_summary
from scrutiny.dashboard.build import build_dashboard
from scrutiny.retention.models import Anonymisation
from scrutiny.retention.services import retention_run
from scrutiny.tasks import count_dashboard_figures
from tests.factories import (
    CommissionedServiceFactory,
    ReferralFactory,
    ServiceDefinitionFactory,
)

pytestmark = pytest.mark.django_db

Q = FinancialQuarter(2025, 2)  # July to September 2025
IN_Q = timezone.make_aware(datetime(2025, 8, 4, 10))
LATER_Q = timezone.make_aware(datetime(2025, 11, 3, 10))


def kept(quarter=Q, service_ids=None):
    """Every stored kind for the quarter, through the store."""
    return (
        metrics.stored_group_figures(quarter, service_ids=service_ids),
        children.stored_children_figures(quarter, service_ids=service_ids),
        marac.marac_figures(quarter, kept=True),
    )


def counted(quarter=Q, service_ids=None):
    """The same figures counted from the rows now."""
    return (
        metrics.group_figures(quarter, service_ids=service_ids),
        children.children_figures(quarter, service_ids=service_ids),
        marac.marac_figures(quarter),
    )


@pytest.fixture
def counts(monkeypatch):
    """How many times each kind was counted from the rows (not read from the store)."""
    calls = {"groups": 0, "children": 0, "marac": 0}
    originals = {
        "groups": (metrics, "group_figures"),
        "children": (children, "children_figures"),
        "marac": (marac, "_cases"),
    }
    for kind, (module, name) in originals.items():
        function = getattr(module, name)

        def counting(*args, _kind=kind, _function=function, **kwargs):
            calls[_kind] += 1
            return _function(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    return calls


def victim(**fields):
    defaults = {"received_at": IN_Q, "subject": "victim_survivor", "children_in_household": 1}
    return ReferralFactory(**{**defaults, **fields})


def test_stored_figures_are_read_again_until_their_quarter_changes(counts):
    victim(address_key="A", person_key="p1")
    first = kept()
    assert counts == {"groups": 1, "children": 1, "marac": 2}  # Marac: quarter and 12 months

    assert kept() == first == counted()
    assert counts == {"groups": 2, "children": 2, "marac": 4}  # counted() only
    assert StoredFigures.objects.count() == 4


def test_a_new_referral_in_the_quarter_is_counted(counts):
    victim(address_key="A", person_key="p1")
    before = kept()
    victim(address_key="B", person_key="p2", children_in_household=3)

    after = kept()
    assert after == counted()
    assert after[1].children_in_households == before[1].children_in_households + 3
    assert after[0].households == before[0].households + 1


def test_a_changed_or_deleted_referral_is_counted(counts):
    referral = victim(address_key="A", person_key="p1", children_in_household=1)
    kept()
    referral.children_in_household = 4
    referral.save()
    assert kept()[1].children_in_households == 4

    referral.delete()
    assert kept() == counted()
    assert kept()[1].households == 0


def test_support_started_in_the_quarter_changes_its_waiting_times(counts):
    referral = ReferralFactory(received_at=IN_Q - timedelta(days=40))  # the quarter before
    kept()
    referral.support_started_at = IN_Q
    referral.waiting_time = timedelta(days=40)
    referral.status = "in_support"
    referral.save()

    waits = {w.risk_level: w for w in kept()[0].waiting_times}
    assert waits["all"].count == 1 and waits["all"].median_days == 40


def test_a_referral_moved_out_of_the_quarter_leaves_its_figures(counts):
    referral = victim(address_key="A", person_key="p1")
    kept()
    kept(FinancialQuarter.containing(LATER_Q))
    referral.received_at = LATER_Q
    referral.save()

    assert kept()[1].households == 0
    assert kept(FinancialQuarter.containing(LATER_Q))[1].households == 1


def test_marac_links_stored_without_saving_are_counted(counts):
    # Two cases of one victim, the second within 12 months of the first: a repeat once linked.
    for referred in (date(2025, 1, 6), date(2025, 8, 1)):
        victim(
            person_key="p1",
            heard_at_marac=True,
            marac_referred_on=referred,
            marac_heard_on=referred + timedelta(days=7),
            received_at=timezone.make_aware(datetime.combine(referred, datetime.min.time())),
        )
    Referral.objects.update(marac_repeat=False, marac_case=None)  # as if never linked
    assert kept()[2].quarter.repeats.numerator == 0

    assert link_marac_cases(people=["p1"]) == 1  # an update(), not a save()

    assert kept()[2].quarter.repeats.numerator == 1
    assert kept() == counted()


def test_a_change_to_another_quarter_or_service_keeps_what_it_does_not_touch(counts):
    one, other = CommissionedServiceFactory(), CommissionedServiceFactory()
    victim(service=one, address_key="A", person_key="p1")
    kept()
    kept(service_ids=[one.pk])
    counted_before = dict(counts)

    victim(service=other, address_key="B", person_key="p2", received_at=LATER_Q)
    kept()
    kept(service_ids=[one.pk])
    assert counts == counted_before  # another quarter: nothing counted again

    victim(service=other, address_key="C", person_key="p3")
    kept(service_ids=[one.pk])
    # Another service: the service's own figures stand (Marac's are the partnership's).
    assert (counts["groups"], counts["children"]) == (
        counted_before["groups"],
        counted_before["children"],
    )
    kept()
    assert counts["children"] == counted_before["children"] + 1  # but not all services'


def test_a_count_begun_before_a_write_commits_is_not_kept(
    counts, django_capture_on_commit_callbacks
):
    victim(address_key="A", person_key="p1")
    kept()
    with django_capture_on_commit_callbacks(execute=True):
        victim(address_key="B", person_key="p2")
        # Counted and stored after the write's first mark, before its commit: in production
        # another process counting now could not see the uncommitted referral.
        kept()
    assert counts["children"] == 2
    last_change = FigureChange.objects.filter(quarter=Q.index).aggregate(Max("changed_at"))
    assert last_change["changed_at__max"] > (
        StoredFigures.objects.get(kind="children", services="").counted_at
    )

    kept()
    assert counts["children"] == 3  # the mark made after the commit sets that count aside


def test_a_change_at_the_same_instant_as_a_count_counts_as_changed(counts, monkeypatch):
    # On SQLite every time is _clock's, so the change and the count are at one instant. (On
    # PostgreSQL a change is dated by its own statement, later than `instant`: recounted too.)
    instant = timezone.now()
    monkeypatch.setattr(stored_figures, "_clock", lambda: instant)
    victim(address_key="A", person_key="p1")
    kept()
    kept()
    assert counts["children"] == 2  # the count's time is the change's: not trusted


def test_anonymising_marks_the_quarter_changed(counts):
    old = timezone.make_aware(datetime(2019, 8, 5, 10))
    victim(address_key="A", person_key="p1", received_at=old, status="closed", closed_at=old)
    quarter = FinancialQuarter.containing(old)
    kept(quarter)

    run = retention_run(today=date(2026, 1, 1))

    assert Anonymisation.objects.filter(run=run).count() == 1
    kept(quarter)
    assert counts["children"] == 2  # counted again (and the same: anonymising changes nothing)
    assert kept(quarter) == counted(quarter)


def test_cases_in_support_at_a_quarters_end_are_counted_again_when_one_closes():
    # Received and in support since the quarter before: only that quarter is marked changed.
    started = ReferralFactory(
        received_at=IN_Q - timedelta(days=60),
        support_started_at=IN_Q - timedelta(days=50),
        status="in_support",
    )
    service = [started.service_id]
    assert metrics._stored_in_support(Q, service) == {started.service_id: 1}
    ReferralFactory(service=started.service, received_at=LATER_Q, support_started_at=LATER_Q)
    assert StoredFigures.objects.filter(kind="in support").count() == 1
    assert metrics._stored_in_support(Q, service) == {started.service_id: 1}

    started.closed_at = IN_Q + timedelta(days=3)
    started.status = "closed"
    started.closure_reason = "support_completed"
    started.save()

    assert metrics._stored_in_support(Q, service) == {}


def test_support_started_by_risk_is_counted_again_when_the_risk_changes():
    referral = ReferralFactory(received_at=IN_Q, support_started_at=IN_Q, status="in_support")
    service = referral.service_id
    assert metrics._started_by_risk(Q, [service]) == {service: {"standard": 1}}

    referral.risk_level = "high"
    referral.save()

    assert metrics._started_by_risk(Q, [service]) == {service: {"high": 1}}


def test_oversight_is_counted_again_under_a_changed_definition():
    referral = ReferralFactory(received_at=IN_Q, oversight_at=IN_Q + timedelta(hours=1))
    service = referral.service
    definition = ServiceDefinitionFactory(service=service, oversight_applies=True)
    assert metrics.counts_by_service(Q, [service.pk])[service.pk].oversight == (
        metrics.Percentage(1, 1)
    )

    definition.oversight_applies = False  # a definition changed, not a referral
    definition.save()

    assert metrics.counts_by_service(Q, [service.pk])[service.pk].oversight == (
        metrics.Percentage(0, 0)
    )


def test_a_write_that_changes_no_counted_column_keeps_the_figures(counts):
    referral = victim(address_key="A", person_key="p1")
    kept()
    referral.first_contact_at = IN_Q + timedelta(hours=3)
    referral.status = "contacted"
    referral.save()

    kept()
    assert counts == {"groups": 1, "children": 1, "marac": 2}  # nothing counted again


def test_every_column_a_stored_count_reads_is_watched():
    """A column read by a count but not in WATCHED_COLUMNS could change unseen: the figures
    would stand when they should not. Each count's SQL names its columns."""
    service = CommissionedServiceFactory()
    ServiceDefinitionFactory(service=service, oversight_applies=True)
    first = FinancialQuarter.from_index(Q.index - 3)
    counts = [
        lambda: metrics.group_figures(Q, service_ids=None),
        lambda: children.children_figures(Q),
        lambda: marac._cases(first.start, Q.end),
        lambda: metrics._count_started_by_risk(Q),
        lambda: metrics._count_in_support(Q.end_datetime(), [service.pk]),
        lambda: metrics._oversight_by_service(
            Referral.objects.filter(received_at__gte=Q.start_datetime()), timezone.now()
        ),
    ]
    read = set()
    for count in counts:
        with CaptureQueriesContext(connection) as queries:
            count()
        for query in queries:
            read |= set(re.findall(r'"referrals_referral"\."(\w+)"', query["sql"]))
    assert "children_in_household" in read and "marac_case" in read  # the pattern finds them
    assert read - {"id"} <= set(stored_figures.WATCHED_COLUMNS)


def test_the_nightly_rebuild_empties_the_store():
    victim(address_key="A", person_key="p1")
    kept()
    assert StoredFigures.objects.exists()

    rebuild_referral_summary()

    assert not StoredFigures.objects.exists()


def test_a_date_no_quarter_can_hold_marks_nothing():
    assert (
        stored_figures.quarters_of(
            [{"service_id": 1, "received_at": date(1, 1, 1), "support_started_at": None}]
        )
        == set()
    )


def test_the_dashboard_is_the_same_from_the_store_as_counted(demo, monkeypatch, counts):
    quarter = FinancialQuarter.last_complete()
    services = [None, demo.extra["services"][0].pk]

    def build():
        return [build_dashboard(quarter=quarter, service_id=s, today=demo.today) for s in services]

    first = build()  # counted, and stored (Marac's once: the same in every service's view)
    assert counts == {"groups": 2, "children": 2, "marac": 2}
    from_store = build()
    assert counts == {"groups": 2, "children": 2, "marac": 2}  # nothing counted again

    with monkeypatch.context() as m:
        m.setattr(stored_figures, "stored", lambda kind, *, count, **_: count())
        without_store = build()

    for a, b, c in zip(first, from_store, without_store, strict=True):
        assert a.headlines == b.headlines == c.headlines
        assert a.panels == b.panels == c.panels


def test_migrating_empties_the_store():
    victim(address_key="A", person_key="p1")
    kept()

    call_command("migrate", verbosity=0)

    assert not StoredFigures.objects.exists()


def test_the_nightly_task_counts_the_last_complete_quarters_figures_for_every_view():
    quarter = FinancialQuarter.last_complete()
    referral = victim(received_at=quarter.start_datetime() + timedelta(days=3))
    closed = CommissionedServiceFactory(is_active=False)  # no referrals, not running: no view
    running = CommissionedService.objects.filter(is_active=True).count()

    assert count_dashboard_figures() == 1 + running  # all services, and each running one

    children_for = StoredFigures.objects.filter(kind="children").values_list("services", flat=True)
    assert {"", str(referral.service_id)} <= set(children_for)
    assert str(closed.pk) not in set(children_for)
    assert "scrutiny.count_dashboard_figures" in {
        entry["task"] for entry in app.conf.beat_schedule.values()
    }
