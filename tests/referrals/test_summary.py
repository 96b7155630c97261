"""The monthly summary kept in step by adding and subtracting each write's own contribution
(referrals.summary) always equals a rebuild from scratch.

A Hypothesis state machine logs referrals and takes them through random steps (contact,
oversight, waiting list, support, signposting, declining, closing with outcomes, outcomes
added and removed on their own, referrals deleted), at times that cross month ends, and after
every step compares the summary with `rebuild_summary()`. Run on SQLite by `make test` and on
PostgreSQL by its second layer, where the rebuild is the SQL one.
"""

import contextlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from referrals import services, summary
from referrals.constants import ClosureReason, DeclineReason, Outcome, Status
from referrals.models import Referral, ReferralOutcome, ReferralSummary
from tests.factories import AreaFactory, CommissionedServiceFactory, UserFactory

ROWS = ("month", "service_id", "dimension", "value", *summary.COUNT_COLUMNS)


def summary_rows() -> list[tuple]:
    return sorted(ReferralSummary.objects.values_list(*ROWS))


def rebuilt_rows() -> list[tuple]:
    """The summary a rebuild writes, leaving the table as it was."""
    with transaction.atomic():
        summary.rebuild_summary()
        rows = summary_rows()
        transaction.set_rollback(True)
    return rows


class SummaryMachine(RuleBasedStateMachine):
    """Random writes through the service layer (and outcome rows saved and deleted directly)."""

    referrals = Bundle("referrals")

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.now = timezone.now()
        # Four months back, so that receipts and later steps fall in different months.
        self.start = self.now - timedelta(days=120)

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize()
    def world(self):
        self.services = [CommissionedServiceFactory(name=f"Service {n}") for n in range(2)]
        self.areas = [AreaFactory(name=f"District {n}", population=50_000) for n in range(2)]
        self.user = UserFactory()

    def _later(self, referral: Referral, hours: int):
        """A moment after the referral's last change (never in the future)."""
        referral.refresh_from_db()
        return min(referral.status_changed_at + timedelta(hours=hours), self.now)

    def _step(self, step, referral: Referral, **arguments):
        # A step the referral's status or times do not allow changes nothing.
        with contextlib.suppress(ValidationError):
            step(referral=referral, by=self.user, **arguments)

    @rule(
        target=referrals,
        days=st.integers(0, 119),
        hour=st.integers(0, 23),
        service=st.integers(0, 1),
        area=st.sampled_from([0, 1, None]),
        risk=st.sampled_from(["standard", "medium", "high"]),
        person=st.integers(0, 3),
    )
    def log(self, days, hour, service, area, risk, person):
        return services.referral_create(
            by=self.user,
            service=self.services[service],
            received_at=self.start + timedelta(days=days, hours=hour),
            source="police",
            subject="victim_survivor",
            area=None if area is None else self.areas[area],
            risk_level=risk,
            heard_at_marac=False,
            children_in_household=0,
            age_band="25_34",
            gender="woman",
            ethnic_group="white_british",
            disability="no",
            sexual_orientation="not_known",
            no_recourse_to_public_funds="no",
            person_key=f"{person:064d}",
            address_key=f"{person % 2:064d}",
        )

    @rule(referral=referrals, hours=st.integers(1, 72))
    def contact(self, referral, hours):
        at = self._later(referral, hours)
        self._step(services.referral_record_contact, referral, contacted_at=at)

    @rule(referral=referrals, hours=st.integers(1, 72))
    def unable_to_contact(self, referral, hours):
        at = self._later(referral, hours)
        self._step(services.referral_record_unable_to_contact, referral, at=at)

    @rule(referral=referrals, hours=st.integers(1, 48))
    def oversight(self, referral, hours):
        at = self._later(referral, hours)
        self._step(services.referral_record_oversight, referral, oversight_at=at)

    @rule(referral=referrals, hours=st.integers(1, 24 * 40))
    def waiting_list(self, referral, hours):
        at = self._later(referral, hours)
        self._step(services.referral_add_to_waiting_list, referral, at=at)

    @rule(referral=referrals, hours=st.integers(1, 24 * 40))
    def start_support(self, referral, hours):
        at = self._later(referral, hours)
        self._step(services.referral_start_support, referral, started_at=at)

    @rule(referral=referrals, hours=st.integers(1, 24 * 40))
    def signpost(self, referral, hours):
        at = self._later(referral, hours)
        target = next(s for s in self.services if s.pk != referral.service_id)
        self._step(services.referral_signpost, referral, at=at, to_service=target)

    @rule(referral=referrals, hours=st.integers(1, 24 * 40))
    def decline(self, referral, hours):
        at = self._later(referral, hours)
        reason = DeclineReason.values[0]
        self._step(services.referral_decline, referral, at=at, reason=reason)

    @rule(
        referral=referrals,
        hours=st.integers(1, 24 * 60),
        outcomes=st.sets(st.sampled_from(Outcome.values), max_size=3),
    )
    def close(self, referral, hours, outcomes):
        at = self._later(referral, hours)
        reason = ClosureReason.SUPPORT_COMPLETED
        self._step(
            services.referral_close, referral, closed_at=at, reason=reason, outcomes=outcomes
        )

    @rule(referral=referrals, outcome=st.sampled_from(Outcome.values))
    def add_outcome_row(self, referral, outcome):
        referral.refresh_from_db()
        if referral.status == Status.CLOSED and not referral.outcomes.filter(outcome=outcome):
            ReferralOutcome.objects.create(referral=referral, outcome=outcome)

    @rule(referral=referrals)
    def remove_outcome_row(self, referral):
        found = ReferralOutcome.objects.filter(referral=referral).first()
        if found is not None:
            found.delete()

    @rule(referral=consumes(referrals))
    def delete(self, referral):
        Referral.objects.filter(pk=referral.pk).delete()

    @invariant()
    def the_summary_equals_a_rebuild(self):
        assert summary_rows() == rebuilt_rows()


@pytest.mark.django_db
def test_any_sequence_of_writes_leaves_the_summary_equal_to_a_rebuild():
    run_state_machine_as_test(
        SummaryMachine,
        settings=settings(
            max_examples=40 if connection.vendor == "postgresql" else 60,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.mark.django_db
def test_the_python_count_and_the_rebuild_agree_on_the_demo_data():
    from partnership.demo import seed_demo

    seed_demo(referrals=2000, seed=5)
    counted = sorted(
        (*key, *counts) for key, counts in summary.count_in_python().items() if counts[0]
    )

    summary.rebuild_summary()

    assert summary_rows() == counted


@pytest.mark.django_db
def test_a_summary_changed_behind_the_apps_back_is_recounted_on_the_next_write(
    officer, log_referral, service
):
    referral = log_referral(by=officer, service=service)
    ReferralSummary.objects.filter(dimension=summary.ENDED).delete()

    services.referral_decline(
        referral=referral, by=officer, at=timezone.now(), reason=DeclineReason.values[0]
    )

    assert summary_rows() == rebuilt_rows()


@pytest.mark.django_db
def test_a_write_changes_its_own_summary_rows_without_counting_anything(
    officer, log_referral, service
):
    referral = log_referral(by=officer, service=service)
    for n in range(30):
        log_referral(by=officer, service=service, name=f"Person {n}")

    with CaptureQueriesContext(connection) as captured:
        services.referral_record_contact(referral=referral, by=officer, contacted_at=timezone.now())

    summary_sql = [q["sql"] for q in captured.captured_queries if "referralsummary" in q["sql"]]
    assert len(summary_sql) == 1
    assert summary_sql[0].startswith("INSERT") and "ON CONFLICT" in summary_sql[0]
    assert "COUNT(" not in " ".join(q["sql"].upper() for q in captured.captured_queries)
