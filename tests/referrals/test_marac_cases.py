"""Marac case links stored when a hearing is recorded (referrals.marac_cases), and the figures
read from them: the 12-month boundary through the services, and figures that do not change
when the earlier case is anonymised by the retention schedule."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from referrals import services
from referrals.marac import marac_figures
from referrals.marac_cases import link_marac_cases
from referrals.models import Referral
from referrals.steps import MaracCase
from scrutiny.retention.models import Anonymisation
from scrutiny.retention.services import retention_run
from tests.factories import ReferralFactory

EARLIER = date(2024, 6, 1)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def record(log_referral, officer, service, name: str, referred: date, **fields):
    """A victim's referral logged with its Marac hearing, through referral_create."""
    return log_referral(
        by=officer,
        service=service,
        name=name,
        received_at=at(referred - timedelta(days=2)),
        heard_at_marac=True,
        marac=MaracCase(
            referred_on=referred, source="police", heard_on=referred + timedelta(days=7)
        ),
        **fields,
    )


@pytest.mark.parametrize(
    ("referred", "repeat"),
    [
        (date(2025, 5, 31), True),  # just inside: 12 months less a day
        (date(2025, 6, 1), True),  # exactly 12 months: within
        (date(2025, 6, 2), False),  # just outside: 12 months and a day
    ],
)
def test_a_case_referred_within_12_months_of_the_last_is_stored_as_a_repeat(
    officer, service, log_referral, referred, repeat
):
    first = record(log_referral, officer, service, "Pat Example", EARLIER)
    later = record(log_referral, officer, service, "Pat Example", referred)
    later.refresh_from_db()
    first.refresh_from_db()
    assert (first.marac_case, first.marac_repeat) == (None, False)
    assert (later.marac_case, later.marac_repeat) == (None, repeat)
    quarter = marac_figures(FinancialQuarter.containing(referred + timedelta(days=7))).quarter
    assert (quarter.cases, quarter.repeats.numerator) == (1, int(repeat))


def test_a_referral_in_another_role_is_no_earlier_referral(officer, service, log_referral):
    record(log_referral, officer, service, "Pat Example", EARLIER)
    Referral.objects.update(subject="perpetrator")
    link_marac_cases(people=Referral.objects.values_list("person_key", flat=True), keep=False)
    later = record(log_referral, officer, service, "Pat Example", date(2025, 1, 1))
    later.refresh_from_db()
    assert later.marac_repeat is False


def test_recording_a_hearing_on_an_earlier_referral_links_its_case_and_later_repeats(
    officer, service, other_service, log_referral
):
    later = record(log_referral, officer, service, "Pat Example", date(2025, 3, 3))
    # The same case logged by a second service, hearing recorded afterwards.
    same = log_referral(
        by=officer, service=other_service, name="Pat Example", received_at=at(date(2025, 3, 1))
    )
    services.referral_record_marac(
        referral=same,
        by=officer,
        marac=MaracCase(referred_on=date(2025, 3, 3), source="idva", heard_on=date(2025, 3, 10)),
    )
    # An earlier case recorded late still makes the later case a repeat.
    earlier = log_referral(
        by=officer, service=other_service, name="Pat Example", received_at=at(date(2024, 9, 1))
    )
    services.referral_record_marac(
        referral=earlier,
        by=officer,
        marac=MaracCase(referred_on=date(2024, 9, 2), source="idva", heard_on=date(2024, 9, 9)),
    )
    rows = dict(Referral.objects.values_list("pk", "marac_case"))
    assert rows[same.pk] == later.pk and rows[later.pk] is None and rows[earlier.pk] is None
    quarter = marac_figures(FinancialQuarter(2024, 4)).quarter  # January to March 2025
    assert (quarter.cases, quarter.repeats.numerator) == (1, 1)


def marac_referral(person: str, referred: date, received: date, closed: date | None = None):
    closing = {}
    if closed is not None:
        closing = {
            "status": "closed",
            "closed_at": at(closed),
            "closure_reason": "support_completed",
        }
    return ReferralFactory(
        person_key=person,
        received_at=at(received),
        heard_at_marac=True,
        marac_referred_on=referred,
        marac_heard_on=referred + timedelta(days=7),
        area=None,  # a new district would change the figures' list of districts
        **closing,
    )


def test_figures_do_not_change_when_the_earlier_case_is_anonymised(db):
    """Anonymised: the earlier case, and the first of the later case's two referrals (logged by
    two services). The later case stays one repeat case, also once the person's next case is
    recorded and their links worked out again without the anonymised referrals."""
    person = "a" * 64
    earlier = marac_referral(person, date(2019, 4, 2), date(2019, 4, 1), closed=date(2019, 5, 1))
    first = marac_referral(person, date(2019, 10, 1), date(2019, 9, 30), closed=date(2019, 11, 1))
    marac_referral(person, date(2019, 10, 1), date(2019, 10, 2))  # open: keeps its key
    link_marac_cases(people=[person])
    quarter = FinancialQuarter(2019, 3)  # October to December 2019
    before = marac_figures(quarter)
    assert (before.quarter.cases, before.quarter.repeats.numerator) == (1, 1)

    run = retention_run(today=date(2026, 1, 1))

    assert set(Anonymisation.objects.filter(run=run).values_list("referral", flat=True)) == {
        earlier.pk,
        first.pk,
    }
    assert marac_figures(quarter) == before
    marac_referral(person, date(2020, 3, 2), date(2020, 3, 1))
    link_marac_cases(people=[person])
    assert marac_figures(quarter) == before
