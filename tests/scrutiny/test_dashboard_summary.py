"""The monthly referral summary behind the dashboard's speed gives the same figures as counting
the referral rows: on the demo data set, on hand-made edge cases, after every kind of write.

Run on SQLite by `make test` and on PostgreSQL by its second layer (.ci/with-servers.sh).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from partnership.demo import seed_demo
from referrals import metrics, services, summary
from referrals.constants import ClosureReason
from referrals.models import Referral, ReferralSummary
from tests.factories import (
    AreaFactory,
    CaseworkerCapacityFactory,
    CommissionedServiceFactory,
    ServiceDefinitionFactory,
)
from tests.scrutiny import test_dashboard

world = test_dashboard.world  # the dashboard's hand-counted fixture

TODAY = timezone.localdate()
THIS_QUARTER = FinancialQuarter.containing(TODAY)


def both(function, *args, **kwargs):
    return (
        function(*args, **kwargs, use_summary=True),
        function(*args, **kwargs, use_summary=False),
    )


def assert_same_figures(quarters, service_sets):
    as_of = timezone.now()
    for quarter in quarters:
        for service_ids in service_sets:
            from_summary, from_rows = both(
                metrics.referral_metrics, quarter, service_ids=service_ids, as_of=as_of
            )
            assert from_summary == from_rows, (quarter, service_ids)
            assert both(metrics.equality_profile, quarter, service_ids=service_ids) == tuple(
                [metrics.equality_profile(quarter, service_ids=service_ids, use_summary=False)] * 2
            )
            summary_response, rows_response = both(
                metrics.response_by_service, quarter, service_ids=service_ids, as_of=as_of
            )
            assert summary_response == rows_response, (quarter, service_ids)
            if service_ids:
                by_summary, by_rows = both(
                    metrics.counts_by_service, quarter, service_ids, as_of=as_of
                )
                assert by_summary == by_rows, (quarter, service_ids)
    for group_by in (None, "area", "service", metrics.SERVICE_AREA):
        for service_ids in service_sets:
            assert metrics.referrals_by_quarter(
                quarters, group_by=group_by, service_ids=service_ids, use_summary=True
            ) == metrics.referrals_by_quarter(
                quarters, group_by=group_by, service_ids=service_ids, use_summary=False
            ), (group_by, service_ids)


@pytest.mark.django_db
def test_the_summary_and_the_rows_agree_on_every_quarter_of_the_demo_data():
    ctx = seed_demo(referrals=3000, seed=11)
    services_made = ctx.extra["services"]
    quarters = THIS_QUARTER.quarters_back(30)

    assert ReferralSummary.objects.exists()
    assert_same_figures(quarters, [None, [services_made[0].pk], [s.pk for s in services_made[:3]]])


def test_the_summary_and_the_rows_agree_on_the_hand_counted_fixture(world):
    quarters = test_dashboard.Q.quarters_back(8)

    assert_same_figures(quarters, [None, [world["idva"].pk], [world["refuge"].pk]])


def test_every_kind_of_write_keeps_the_summary_in_step(officer, db):
    area = AreaFactory(name="Testvale", population=80_000)
    service = CommissionedServiceFactory(name="Test IDVA", provider=officer.organisation)
    # Every open case counts toward its caseload: the count read from the summary's spells.
    ServiceDefinitionFactory(service=service, caseload_counts="all_open")
    other = CommissionedServiceFactory(name="Test helpline")
    now = timezone.now()
    quarter = FinancialQuarter.containing(now - timedelta(days=100))
    CaseworkerCapacityFactory(service=service, quarter_index=quarter.index, fte=2)
    received = quarter.start_datetime() + timedelta(days=20, hours=10)

    def log(n, **fields):
        return services.referral_create(
            by=officer,
            service=service,
            received_at=received + timedelta(minutes=n),
            source="police",
            subject="victim_survivor",
            area=area,
            risk_level="medium",
            heard_at_marac=False,
            children_in_household=0,
            age_band="25_34",
            gender="woman",
            ethnic_group="white_british",
            disability="no",
            sexual_orientation="not_known",
            no_recourse_to_public_funds="no",
            person_key=f"{n:064d}",
            **fields,
        )

    first, second, third, fourth = (log(n) for n in range(4))
    at = received + timedelta(hours=2)
    services.referral_record_contact(referral=first, by=officer, contacted_at=at)
    services.referral_record_oversight(referral=first, by=officer, oversight_at=at)
    services.referral_add_to_waiting_list(referral=first, by=officer, at=at + timedelta(hours=1))
    services.referral_record_contact(
        referral=second, by=officer, contacted_at=at + timedelta(days=9)
    )
    services.referral_signpost(
        referral=second, by=officer, at=at + timedelta(days=10), to_service=other
    )
    services.referral_decline(
        referral=third, by=officer, at=at + timedelta(days=2), reason="person_declined"
    )
    services.referral_close(
        referral=fourth,
        by=officer,
        closed_at=at + timedelta(days=3),
        reason=ClosureReason.SUPPORT_COMPLETED,
        outcomes=["feels_safer", "risk_reduced"],
    )
    counted = list(ReferralSummary.objects.order_by("pk").values_list(*SUMMARY_FIELDS))

    summary.rebuild_summary()

    assert sorted(counted) == sorted(ReferralSummary.objects.values_list(*SUMMARY_FIELDS))
    assert_same_figures([quarter, quarter.next()], [None, [service.pk]])
    figures = metrics.referral_metrics(quarter, use_summary=True)
    assert (figures.received, figures.waiting_list_at_end) == (4, 1)
    assert [c.open_cases for c in figures.caseloads] == [1]
    assert (figures.closed, figures.outcomes["feels_safer"], figures.signposted) == (1, 1, 1)


SUMMARY_FIELDS = (
    "month",
    "service_id",
    "dimension",
    "value",
    "referrals",
    "first_contact_met",
    "oversight_met",
    "repeats",
)


def test_a_quarter_still_within_its_deadlines_counts_first_contact_from_the_rows(world):
    quarter = THIS_QUARTER
    test_dashboard.refer(quarter, 2, area=world["north"], service=world["idva"], contacted=False)
    as_of = min(timezone.now(), Referral.objects.latest("received_at").first_contact_due_at)

    from_summary = metrics.referral_metrics(quarter, as_of=as_of, use_summary=True)

    assert from_summary == metrics.referral_metrics(quarter, as_of=as_of, use_summary=False)


def test_filters_the_summary_cannot_answer_are_refused_when_it_is_asked_for(world):
    with pytest.raises(ValueError, match="summary"):
        metrics.referral_metrics(test_dashboard.Q, source="police", use_summary=True)


def test_the_nightly_task_recounts_a_summary_changed_behind_its_back(world):
    from referrals.tasks import rebuild_referral_summary

    counted = sorted(ReferralSummary.objects.values_list(*SUMMARY_FIELDS))
    ReferralSummary.objects.filter(dimension="area").delete()

    rebuild_referral_summary.delay()

    assert sorted(ReferralSummary.objects.values_list(*SUMMARY_FIELDS)) == counted
