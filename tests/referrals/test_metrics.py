"""Referral metrics against a hand-counted fixture, including the Easter 2021 working days.

The fixture (all times local, Europe/London) for 2021/22 Q1, 1 April to 30 June 2021:

  ref  received            district  service  risk      what happened
  r1   Thu 1 Apr 16:00     A         S1       high      contact Tue 6 Apr 10:00 (in time: Good
                                                        Friday and Easter Monday are holidays);
                                                        oversight after 23 h; support 8 Apr
                                                        10:00 (waited 6.75 days); closed 20 May
                                                        with two outcomes
  r2   Thu 1 Apr 16:00     A         S1       standard  same household as r1; contact Wed 7 Apr
                                                        (late); oversight after 25 h (late);
                                                        waiting list 8 Apr, support 28 Apr 16:00
                                                        (waited 27 days); still in support
  r3   Mon 10 May 09:00    B         S2       standard  same person and household as r0; contact
                                                        and oversight in time; on the waiting
                                                        list from 12 May to the end
  r4   Tue 15 Jun 10:00    out       S1       medium    same person as q1 (13 months earlier: not
                                                        a repeat); never contacted, no oversight;
                                                        signposted 16 Jun
  r5   Wed 30 Jun 23:30    A         S2       medium    contact Thu 1 Jul 09:00 (in time); no
                                                        oversight; support 5 Jul (next quarter)

Around it: q1 (1 May 2020, B, S2) in the same quarter a year before; r0 (1 Dec 2020, B, S2);
p1 (15 Jan 2021, A, S1, closed 1 Feb) and p2 (31 Mar 2021 23:59, A, S1, still open) in the
previous quarter; r6 (Thu 1 Jul 2021 00:30, A, S1) in the next. S1 has 2.0 caseworker FTE.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from referrals import identity, metrics, services
from referrals.metrics import Change, median, percentile_nearest_rank, referral_metrics
from tests.factories import (
    AreaFactory,
    CaseworkerCapacityFactory,
    CommissionedServiceFactory,
    ServiceDefinitionFactory,
)

Q = FinancialQuarter(2021, 1)
BORN = datetime(1980, 1, 1).date()


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def world(officer):
    a = AreaFactory(name="District A", population=100_000)
    b = AreaFactory(name="District B", population=50_000)
    s1 = CommissionedServiceFactory(name="S1", provider=officer.organisation)
    s2 = CommissionedServiceFactory(name="S2")
    # Both measure 24-hour oversight (off by default except at a front door).
    ServiceDefinitionFactory(service=s1, oversight_applies=True)
    ServiceDefinitionFactory(service=s2, oversight_applies=True)
    CaseworkerCapacityFactory(service=s1, quarter_index=Q.index, fte=Decimal("2.0"))
    made = {}

    def log(name, received, area, service, risk, person, household=None, source="police"):
        made[name] = services.referral_create(
            by=officer,
            service=service,
            received_at=received,
            source=source,
            subject="victim_survivor",
            area=area,
            risk_level=risk,
            heard_at_marac=False,
            children_in_household=0,
            age_band="not_known",
            gender="not_known",
            ethnic_group="not_known",
            disability="not_known",
            sexual_orientation="not_known",
            no_recourse_to_public_funds="not_known",
            person_key=identity.person_key(person, BORN),
            address_key=identity.address_key("ZZ1 1ZZ", household) if household else "",
        )
        return made[name]

    def contact(name, at):
        services.referral_record_contact(referral=made[name], by=officer, contacted_at=at)

    def oversee(name, at):
        services.referral_record_oversight(referral=made[name], by=officer, oversight_at=at)

    def support(name, at):
        services.referral_start_support(referral=made[name], by=officer, started_at=at)

    log("q1", local(2020, 5, 1, 10, 0), b, s2, "standard", "Person Q")
    log("r0", local(2020, 12, 1, 10, 0), b, s2, "standard", "Person Zero", "House 2")
    log("p1", local(2021, 1, 15, 10, 0), a, s1, "standard", "Person P1")
    services.referral_close(
        referral=made["p1"], by=officer, closed_at=local(2021, 2, 1, 10, 0), reason="other"
    )
    log("p2", local(2021, 3, 31, 23, 59), a, s1, "standard", "Person P2")

    log("r1", local(2021, 4, 1, 16, 0), a, s1, "high", "Person One", "House 1")
    contact("r1", local(2021, 4, 6, 10, 0))
    oversee("r1", local(2021, 4, 2, 15, 0))
    support("r1", local(2021, 4, 8, 10, 0))
    services.referral_close(
        referral=made["r1"],
        by=officer,
        closed_at=local(2021, 5, 20, 12, 0),
        reason="support_completed",
        outcomes=["feels_safer", "risk_reduced"],
    )

    log("r2", local(2021, 4, 1, 16, 0), a, s1, "standard", "Person Two", "House 1")
    contact("r2", local(2021, 4, 7, 9, 0))
    oversee("r2", local(2021, 4, 2, 17, 0))
    services.referral_add_to_waiting_list(
        referral=made["r2"], by=officer, at=local(2021, 4, 8, 9, 0)
    )
    support("r2", local(2021, 4, 28, 16, 0))

    log("r3", local(2021, 5, 10, 9, 0), b, s2, "standard", "Person Zero", "House 2")
    contact("r3", local(2021, 5, 10, 11, 0))
    oversee("r3", local(2021, 5, 10, 12, 0))
    services.referral_add_to_waiting_list(
        referral=made["r3"], by=officer, at=local(2021, 5, 12, 9, 0)
    )

    log("r4", local(2021, 6, 15, 10, 0), None, s1, "medium", "Person Q", source="self")
    services.referral_signpost(
        referral=made["r4"], by=officer, at=local(2021, 6, 16, 10, 0), to_service=s2
    )

    log("r5", local(2021, 6, 30, 23, 30), a, s2, "medium", "Person Five", "House 5")
    contact("r5", local(2021, 7, 1, 9, 0))
    support("r5", local(2021, 7, 5, 9, 0))

    log("r6", local(2021, 7, 1, 0, 30), a, s1, "standard", "Person Six")
    return {"a": a, "b": b, "s1": s1, "s2": s2, **made}


pytestmark = pytest.mark.django_db


def test_referrals_received_in_the_quarter_are_counted_by_local_time(world):
    result = referral_metrics(Q)
    assert result.received == 5
    assert result.by_risk == {"standard": 2, "medium": 2, "high": 1}
    assert result.by_source["self"] == 1 and result.by_source["police"] == 4


def test_counts_and_rates_per_10000_by_district(world):
    rows = {row.name: (row.count, row.rate_per_10000) for row in referral_metrics(Q).by_area}
    assert rows == {
        "District A": (3, Decimal("0.3")),
        "District B": (1, Decimal("0.2")),
        "Out of area": (1, None),
    }


def test_change_on_the_previous_quarter_and_the_same_quarter_last_year(world):
    result = referral_metrics(Q)
    assert result.previous_quarter == Change(5, 2)
    assert result.previous_quarter.difference == 3
    assert result.previous_quarter.percent == Decimal("150.0")
    assert result.same_quarter_last_year == Change(5, 1)
    assert result.same_quarter_last_year.percent == Decimal("400.0")


def test_first_contact_within_one_working_day_counts_the_easter_holidays(world):
    # r1 (Easter), r3 and r5 in time; r2 late; r4 never contacted.
    first_contact = referral_metrics(Q).first_contact
    assert (first_contact.numerator, first_contact.denominator) == (3, 5)
    assert first_contact.percent == Decimal("60.0")


def test_a_referral_not_yet_due_is_left_out_of_the_first_contact_measure(world):
    as_of = local(2021, 6, 16, 12, 0)  # r4's deadline (end of 16 June) has not passed
    first_contact = referral_metrics(Q, as_of=as_of).first_contact
    assert (first_contact.numerator, first_contact.denominator) == (3, 4)


def test_oversight_within_24_hours(world):
    oversight = referral_metrics(Q).oversight
    assert (oversight.numerator, oversight.denominator) == (2, 5)
    assert oversight.percent == Decimal("40.0")


def test_waiting_times_by_risk_level_for_support_started_in_the_quarter(world):
    rows = {row.risk_level: row for row in referral_metrics(Q).waiting_times}
    assert (rows["high"].count, rows["high"].median_days, rows["high"].p90_days) == (
        1,
        Decimal("6.8"),
        Decimal("6.8"),
    )
    assert (rows["standard"].median_days, rows["standard"].p90_days) == (
        Decimal("27.0"),
        Decimal("27.0"),
    )
    assert (rows["medium"].count, rows["medium"].median_days) == (0, None)
    # Median of 6.75 and 27 days is 16.875; the 90th percentile by nearest rank is 27.
    assert (rows["all"].count, rows["all"].median_days, rows["all"].p90_days) == (
        2,
        Decimal("16.9"),
        Decimal("27.0"),
    )


def test_waiting_list_size_at_quarter_end(world):
    assert referral_metrics(Q).waiting_list_at_end == 1  # r3; r2 left it in April


def test_repeat_referrals_and_repeat_addresses(world):
    result = referral_metrics(Q)
    assert (result.repeats.numerator, result.repeats.denominator) == (1, 5)
    assert result.repeats.percent == Decimal("20.0")
    assert result.households == 3
    assert result.repeat_addresses == 2


def test_outcomes_at_closure_and_signposting(world):
    result = referral_metrics(Q)
    assert result.closed == 1
    assert result.closure_reasons["support_completed"] == 1
    assert result.outcomes["feels_safer"] == 1 and result.outcomes["risk_reduced"] == 1
    assert result.outcomes["housing_secured"] == 0
    assert result.signposted == 1


def test_open_cases_per_caseworker_fte_against_the_benchmark_band(world):
    (caseload,) = referral_metrics(Q).caseloads
    # S1 at the end of June: r2 (in support) and p2 (never contacted) are open; r1 is closed,
    # r4 signposted, r6 not yet received. Only people in active support count (the default).
    assert caseload.service == "S1"
    assert (caseload.open_cases, caseload.fte, caseload.per_fte) == (
        1,
        Decimal("2.00"),
        Decimal("0.5"),
    )
    assert (caseload.band_low, caseload.benchmark, caseload.band_high) == (
        Decimal("27.00"),
        Decimal("30.00"),
        Decimal("33.00"),
    )
    assert caseload.position == "below"


def test_a_case_closed_after_the_quarter_counts_once_in_its_caseload(world, officer):
    # Counted as two parts (never closed; closed at or after the end): r2 moves from the first
    # to the second, and is counted once.
    services.referral_close(
        referral=world["r2"], by=officer, closed_at=local(2021, 7, 5, 10, 0), reason="other"
    )
    (caseload,) = referral_metrics(Q).caseloads
    assert caseload.open_cases == 1


def test_filters_narrow_every_figure(world):
    by_service = referral_metrics(Q, service_ids=[world["s2"].pk])
    assert by_service.received == 2
    assert by_service.previous_quarter == Change(2, 0)
    assert by_service.previous_quarter.percent is None
    assert by_service.caseloads == []
    assert referral_metrics(Q, area_ids=[world["b"].pk]).received == 1
    out_of_area = referral_metrics(Q, area_ids=[None])
    assert out_of_area.received == 1 and out_of_area.signposted == 1
    assert [row.name for row in out_of_area.by_area] == ["Out of area"]
    assert referral_metrics(Q, source="self").received == 1
    assert referral_metrics(Q, subject="perpetrator").received == 0


def test_referrals_by_quarter_puts_boundary_times_in_the_local_quarter(world):
    quarters = [FinancialQuarter(2020, 4), Q, FinancialQuarter(2021, 2)]
    assert metrics.referrals_by_quarter(quarters) == {quarters[0]: 2, Q: 5, quarters[2]: 1}


def test_referrals_by_quarter_grouped_by_area_and_service(world):
    by_area = metrics.referrals_by_quarter([Q], group_by="area")
    assert by_area == {Q: {world["a"].pk: 3, world["b"].pk: 1, None: 1}}
    by_service = metrics.referrals_by_quarter([Q], group_by="service")
    assert by_service == {Q: {world["s1"].pk: 3, world["s2"].pk: 2}}


def test_referrals_by_quarter_rejects_an_unknown_grouping():
    with pytest.raises(ValueError, match="group_by"):
        metrics.referrals_by_quarter([Q], group_by="colour")


def test_a_quarter_with_no_referrals_has_zero_counts_and_no_percentages():
    result = referral_metrics(FinancialQuarter(2030, 1))
    assert result.received == 0
    assert result.first_contact.percent is None
    assert result.repeats.percent is None
    assert all(row.median_days is None for row in result.waiting_times)


def test_median_and_nearest_rank_percentile():
    days = [timedelta(days=n) for n in range(10, 0, -1)]
    assert median(days) == timedelta(days=5, hours=12)
    assert percentile_nearest_rank(days, 90) == timedelta(days=9)
    assert percentile_nearest_rank(days[:1], 90) == timedelta(days=10)
    assert median([]) is None and percentile_nearest_rank([], 90) is None


def test_a_fall_is_a_negative_change_rounded_half_away_from_zero():
    assert Change(1, 80).percent == Decimal("-98.8")
    assert Change(79, 80).percent == Decimal("-1.3")  # -1.25 rounds to -1.3
