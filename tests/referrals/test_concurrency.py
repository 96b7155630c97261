"""References stay unique when officers save at the same moment (PostgreSQL, real threads).

SQLite serialises every write with one database lock, so the race cannot happen there; the
suite's PostgreSQL run (.ci/with-servers.sh) runs this test.
"""

import threading

import pytest
from django.db import connection, connections

from referrals.models import ReferenceCounter, Referral

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officers_saving_at_once_never_get_the_same_reference(officer, service, log_referral):
    threads, errors = [], []
    start = threading.Barrier(6)

    def save_five(n):
        try:
            start.wait()
            for i in range(5):
                log_referral(by=officer, service=service, name=f"Person {n}-{i}")
        except Exception as error:  # collected and reported below
            errors.append(error)
        finally:
            connections.close_all()

    for n in range(6):
        threads.append(threading.Thread(target=save_five, args=(n,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(int(ref[-6:]) for ref in Referral.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, 31))
    assert ReferenceCounter.objects.get().last_number == 30


def test_officers_writing_at_once_leave_the_summary_equal_to_a_rebuild(
    officer, service, log_referral
):
    from django.db.models import Sum
    from django.utils import timezone

    from referrals import services, summary
    from referrals.models import ReferralSummary

    columns = ("month", "service_id", "dimension", "value", *summary.COUNT_COLUMNS)
    waiting = [log_referral(by=officer, service=service, name=f"Early {n}") for n in range(6)]
    threads, errors = [], []
    start = threading.Barrier(6)

    def log_and_contact(n):
        try:
            start.wait()
            for i in range(4):
                log_referral(by=officer, service=service, name=f"Person {n}-{i}")
            services.referral_record_contact(
                referral=waiting[n], by=officer, contacted_at=timezone.now()
            )
        except Exception as error:  # collected and reported below
            errors.append(error)
        finally:
            connections.close_all()

    for n in range(6):
        threads.append(threading.Thread(target=log_and_contact, args=(n,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    assert not errors
    kept = sorted(ReferralSummary.objects.values_list(*columns))

    summary.rebuild_summary()

    assert kept == sorted(ReferralSummary.objects.values_list(*columns))
    everything = ReferralSummary.objects.filter(dimension="all").aggregate(n=Sum("referrals"))
    assert everything["n"] == 30
