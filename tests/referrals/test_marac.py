"""Marac figures against hand-worked examples (referrals.marac)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from referrals.marac import marac_figures, months_before
from referrals.marac_cases import link_marac_cases
from tests.factories import AreaFactory, ReferralFactory

Q = FinancialQuarter(2025, 1)  # April to June 2025


def heard(person: str, referred: date, *, heard_on: date | None = None, **fields):
    received = timezone.make_aware(
        datetime.combine(referred - timedelta(days=3), datetime.min.time())
    )
    referral = ReferralFactory(
        person_key=person,
        received_at=received,
        heard_at_marac=True,
        marac_referred_on=referred,
        marac_referral_source=fields.pop("source", "police"),
        marac_heard_on=heard_on or referred + timedelta(days=10),
        **fields,
    )
    # As the services do when they record a Marac hearing (referrals.marac_cases).
    link_marac_cases(people=[person])
    return referral


@pytest.fixture
def areas(db):
    # Adult women: 20,000 + 30,000 = 50,000 in all.
    return [
        AreaFactory(
            name=name,
            population=people * 2,
            adult_female_population=people,
            adult_female_population_source="Test figure",
            adult_female_population_year=2023,
        )
        for name, people in (("North", 20_000), ("South", 30_000))
    ]


def test_months_before_keeps_the_day_or_takes_the_month_end():
    assert months_before(date(2025, 5, 31), 12) == date(2024, 5, 31)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2025, 5, 31), 3) == date(2025, 2, 28)


def test_a_repeat_is_a_further_referral_within_12_months_exactly(areas):
    north = areas[0]
    # Inside: last Marac referral 1 June 2024, further referral 1 June 2025 (12 months exactly).
    heard("inside", date(2024, 6, 1), area=north)
    heard("inside", date(2025, 6, 1), area=north)
    # Outside: 31 May 2024, then 1 June 2025 (12 months and a day).
    heard("outside", date(2024, 5, 31), area=north)
    heard("outside", date(2025, 6, 1), area=north)
    # The same person earlier referred as a perpetrator: not a repeat.
    heard("other role", date(2024, 12, 1), area=north, subject="perpetrator")
    heard("other role", date(2025, 5, 1), area=north)
    figures = marac_figures(Q).quarter
    assert figures.cases == 3
    assert (figures.repeats.numerator, figures.repeats.denominator) == (1, 3)
    assert figures.repeats.percent == Decimal("33.3")


def test_cases_per_10000_adult_women_beside_the_recommended_volume(areas):
    north, south = areas
    for i in range(12):
        heard(f"n{i}", date(2025, 4, 1) + timedelta(days=i), area=north)
    for i in range(3):
        heard(f"s{i}", date(2025, 5, 1) + timedelta(days=i), area=south)
    heard("away", date(2025, 5, 20), area=None)
    quarter = marac_figures(Q).quarter
    # 16 cases for 50,000 adult women: 3.2 per 10,000; a quarter of 40 a year is 10 per 10,000,
    # which for 50,000 women is 50 cases.
    assert quarter.cases == 16
    assert quarter.rate_per_10000 == Decimal("3.2")
    assert (quarter.recommended_per_10000, quarter.recommended_cases) == (Decimal("10"), 50)
    by_area = {row.name: row for row in quarter.by_area}
    assert (by_area["North"].cases, by_area["North"].rate_per_10000) == (12, Decimal("6.0"))
    assert (by_area["South"].cases, by_area["South"].rate_per_10000) == (3, Decimal("1.0"))
    assert by_area["Out of area"].cases == 1
    rolling = marac_figures(Q).rolling
    assert (rolling.start, rolling.end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert rolling.recommended_per_10000 == 40 and rolling.recommended_cases == 200


def test_no_rate_when_a_district_has_no_adult_female_population(areas):
    AreaFactory(name="Unknown", population=1000)
    heard("a", date(2025, 4, 10), area=areas[0])
    quarter = marac_figures(Q).quarter
    assert quarter.adult_women is None and quarter.rate_per_10000 is None
    assert quarter.recommended_cases is None


def test_one_case_logged_by_two_services_counts_once_with_its_children(areas):
    first = heard("p", date(2025, 4, 10), area=areas[0], children_in_household=2)
    heard("p", date(2025, 4, 10), area=areas[0], children_in_household=3, source="idva")
    heard("q", date(2025, 4, 12), area=areas[0], children_in_household=1)
    quarter = marac_figures(Q).quarter
    assert quarter.cases == 2
    assert quarter.children == 3 + 1  # the largest recorded for the first case
    assert first.marac_referral_source == "police"
    assert quarter.by_source["police"] == 2 and quarter.by_source["idva"] == 0
    assert (quarter.partner_agency.numerator, quarter.partner_agency.denominator) == (0, 2)


def test_the_victims_profile_as_shares_of_cases_with_not_known_counted(areas):
    heard("a", date(2025, 4, 1), ethnic_group="black_african", gender="man", age_band="16_17")
    heard("b", date(2025, 4, 2), ethnic_group="white_irish", sexual_orientation="bisexual")
    heard("c", date(2025, 4, 3), ethnic_group="not_known", gender="trans", disability="yes")
    heard("d", date(2025, 4, 4), ethnic_group="white_british", gender="woman")
    profile = marac_figures(Q).quarter.profile
    assert (
        profile["racially_minoritised"].percentage.numerator,
        profile["racially_minoritised"].not_known,
    ) == (1, 1)
    assert profile["lgbt"].percentage.numerator == 2  # bisexual; trans
    assert profile["disabled"].percentage.numerator == 1
    assert profile["male"].percentage.numerator == 1
    assert profile["aged_16_17"].percentage.numerator == 1
    assert profile["male"].percentage.denominator == 4


def test_referrals_heard_at_marac_without_a_date_are_counted_as_not_recorded(areas):
    ReferralFactory(heard_at_marac=True, received_at=timezone.make_aware(datetime(2025, 5, 5, 10)))
    heard("a", date(2025, 4, 1))
    quarter = marac_figures(Q).quarter
    assert quarter.cases == 1 and quarter.not_recorded == 1
