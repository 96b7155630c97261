"""The committee dashboard against a hand-counted fixture.

The fixture (`world`), for the last complete quarter Q:

  district   population  service             referrals in Q            first contact
  Northvale  100,000     Test IDVA (S1)      20                        all within a working day
  Southmere   50,000     Test IDVA (S1)       3                        never contacted
  out of area            Test Refuge (S2)     9                        all within a working day

and 10 referrals from Northvale to S1 in the same quarter last year. So Q has 32 referrals (23 to
S1, 9 to S2); 29 of 32 were contacted in time (90.6%), S1 20 of 23 (87.0%), S2 9 of 9 (100.0%).

Shown to a committee member, the quarter's referrals are released as one table of services by
district (scrutiny.release) with the services' totals (25 and 10, all 30) as margins:
S1's Southmere 3 is suppressed, and so is S1's Northvale 20 (else 3 = 23 - 20); all services'
Northvale is then hidden too (it is S1's 20, since S2 has none there), and all services'
Southmere is 3. The 3 not contacted in time are shown as bands ("over 69%" of S1's 25), and so
is all services' figure; S2's 9 of 9 is 100%.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from commissioning.constants import ServiceType
from partnership.calendar import FinancialQuarter
from partnership.disclosure import SUPPRESSED
from referrals.constants import Status
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.tables import COUNT_HEADERS
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AreaFactory,
    CommissionedServiceFactory,
    ReferralFactory,
    ResolutionFactory,
)

Q = FinancialQuarter.last_complete()
LAST_YEAR = Q.same_quarter_last_year()


def refer(quarter: FinancialQuarter, n: int, *, area, service, contacted: bool, day: int = 10):
    for i in range(n):
        received = quarter.start_datetime() + timedelta(days=day, hours=9, minutes=i)
        ReferralFactory(
            received_at=received,
            area=area,
            service=service,
            status=Status.CONTACTED if contacted else Status.RECEIVED,
            first_contact_at=received + timedelta(hours=1) if contacted else None,
        )


@pytest.fixture
def world(db):
    north = AreaFactory(name="Northvale", population=100_000)
    south = AreaFactory(name="Southmere", population=50_000)
    idva = CommissionedServiceFactory(name="Test IDVA")
    refuge = CommissionedServiceFactory(
        name="Test Refuge", service_type=ServiceType.REFUGE, bed_spaces=12, units=5
    )
    refer(Q, 20, area=north, service=idva, contacted=True)
    refer(Q, 3, area=south, service=idva, contacted=False)
    refer(Q, 9, area=None, service=refuge, contacted=True)
    refer(LAST_YEAR, 10, area=north, service=idva, contacted=True)
    return {"north": north, "south": south, "idva": idva, "refuge": refuge}


def rows(panel) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in panel.csv_rows}


def test_headline_figures_are_the_hand_counted_ones_rounded(world):
    headlines = build_dashboard(quarter=Q).headlines

    assert headlines.referrals.display == "30"
    assert headlines.referrals_last_year.display == "10"
    # From the counts as shown (30 and 10), so the sentence adds up; exact figures use 32 and 10.
    assert headlines.referrals_change.display == "+200%"
    assert build_dashboard(quarter=Q, exact=True).headlines.referrals_change.display == "+220.0%"
    # 3 of 32 missed the target: a band that every count from 1 to 7 missing fits.
    assert headlines.contacted_within_one_day.display == "over 74%"
    assert headlines.contact_target == Decimal("95")


def test_exact_figures_are_the_hand_counts(world):
    board = build_dashboard(quarter=Q, exact=True)

    assert board.headlines.referrals.display == "32"
    assert rows(board.panel("districts")) == {
        "Northvale": ["20", "2.0"],
        "Southmere": ["3", "0.6"],
        "Out of area": ["9", "–"],
        "All districts and out of area": ["32", "–"],
    }
    assert rows(board.panel("services")) == {
        "Test IDVA": ["23"],
        "Test Refuge": ["9"],
        "All referrals": ["32"],
    }


def test_a_small_district_is_suppressed_with_a_second_cell_so_it_cannot_be_subtracted(world):
    districts = rows(build_dashboard(quarter=Q, service_id=world["idva"].pk).panel("districts"))

    assert districts == {
        "Northvale": [SUPPRESSED, SUPPRESSED],
        "Southmere": [SUPPRESSED, SUPPRESSED],
        "Out of area": ["0", "–"],
        "All districts and out of area": ["25", "–"],
    }


def test_all_services_hide_what_would_give_a_services_hidden_count_away(world):
    districts = rows(build_dashboard(quarter=Q).panel("districts"))

    # All services' Northvale is S1's 20 (S2 has none there), which S1's view hides.
    assert districts == {
        "Northvale": [SUPPRESSED, SUPPRESSED],
        "Southmere": [SUPPRESSED, SUPPRESSED],
        "Out of area": ["10", "–"],
        "All districts and out of area": ["30", "–"],
    }


def test_a_rate_per_10000_is_worked_out_from_the_count_as_shown(world):
    west = AreaFactory(name="Westbrook", population=80_000)
    refer(LAST_YEAR, 13, area=west, service=world["refuge"], contacted=True)

    board = build_dashboard(quarter=LAST_YEAR, service_id=world["refuge"].pk)
    exact = build_dashboard(quarter=LAST_YEAR, service_id=world["refuge"].pk, exact=True)

    # 13 is shown as 15, so the rate is 15 per 80,000 people (1.875): 1.9, not 1.6 from 13.
    assert rows(board.panel("districts"))["Westbrook"] == ["15", "1.9"]
    assert rows(exact.panel("districts"))["Westbrook"] == ["13", "1.6"]


def test_the_trend_marks_this_quarter_and_the_same_quarter_last_year(world):
    trend = rows(build_dashboard(quarter=Q).panel("referrals-by-quarter"))

    assert len(trend) == 12
    assert trend[Q.label] == ["30", "This quarter"]
    assert trend[LAST_YEAR.label] == ["10", "Same quarter last year"]
    assert trend[Q.previous().label] == ["0", ""]


def test_response_is_shown_against_each_services_target(world):
    response = rows(build_dashboard(quarter=Q).panel("response"))

    # 20 of 23 and 29 of 32: 3 missed, so bands, which cannot say whether 95% was met.
    assert response["Test IDVA"][:3] == ["over 69%", "95%", SUPPRESSED]
    assert response["Test Refuge"][:3] == ["100%", "95%", "Target met"]
    assert response["All services"][:3] == ["over 74%", "95%", SUPPRESSED]
    exact = rows(build_dashboard(quarter=Q, exact=True).panel("response"))
    assert exact["Test IDVA"][:3] == ["87.0%", "95%", "Target missed"]
    assert exact["All services"][:3] == ["90.6%", "95%", "Target missed"]


def test_the_xmr_charts_hide_the_same_cells_as_the_district_table(world):
    panel = build_dashboard(quarter=Q).panel("variation-districts")
    by_district = {}
    for district, quarter, referrals, *_rest in panel.csv_rows:
        by_district.setdefault(district, {})[quarter] = referrals

    assert by_district["Southmere"][Q.label] == SUPPRESSED
    assert by_district["Northvale"][Q.label] == SUPPRESSED
    assert by_district["Northvale"][LAST_YEAR.label] == "10"
    assert "Out of area" not in by_district  # not a district: no population, no chart


def test_each_xmr_chart_has_a_plain_english_reading(world):
    panel = build_dashboard(quarter=Q, exact=True).panel("variation-services")

    readings = dict(panel.tables[0].rows)
    assert readings["Test IDVA"].startswith("Referrals to Test IDVA ")
    assert [chart.reading for chart in panel.charts] == list(readings.values())


def test_choosing_a_service_narrows_every_referral_figure(world):
    board = build_dashboard(quarter=Q, service_id=world["refuge"].pk, exact=True)

    assert board.service == world["refuge"]
    assert board.headlines.referrals.display == "9"
    assert board.headlines.referrals_last_year.display == "0"
    assert board.headlines.referrals_change.display == "–"
    assert rows(board.panel("services")) == {"Test Refuge": ["9"], "All referrals": ["9"]}
    assert list(rows(board.panel("response"))) == ["Test Refuge"]


def test_the_change_on_last_year_is_hidden_when_either_count_is(world):
    refer(LAST_YEAR, 3, area=None, service=world["refuge"], contacted=True)

    board = build_dashboard(quarter=Q, service_id=world["refuge"].pk)

    assert board.headlines.referrals.display == "10"
    assert board.headlines.referrals_last_year.display == SUPPRESSED
    assert board.headlines.referrals_change.display == SUPPRESSED
    exact = build_dashboard(quarter=Q, service_id=world["refuge"].pk, exact=True)
    assert exact.headlines.referrals_change.display == "+200.0%"


def test_safe_accommodation_lists_bed_spaces_and_units_by_type(world):
    accommodation = rows(build_dashboard(quarter=Q).panel("safe-accommodation"))

    assert accommodation["Test Refuge"] == ["Refuge", "12", "5"]
    assert accommodation["All safe accommodation"] == ["1 services", "12", "5"]


def test_the_equality_profile_counts_the_quarters_referrals(world):
    profile = build_dashboard(quarter=Q, exact=True).panel("equality")

    not_known = [row for row in profile.csv_rows if row[1] == "Not known"]
    assert [row[0] for row in not_known][:2] == ["Gender", "Age band"]
    assert all(row[2:] == ["32", "100.0%"] for row in not_known)


def test_actions_on_exempt_items_are_left_out(world, today):
    public = ResolutionFactory(agenda_item=AgendaItemFactory(exempt=False))
    exempt = ResolutionFactory(agenda_item=AgendaItemFactory(exempt=True, exempt_paragraph=3))
    ActionFactory(resolution=public, due_date=today - timedelta(days=3), description="Public")
    ActionFactory(resolution=exempt, due_date=today - timedelta(days=3), description="Secret")

    board = build_dashboard(quarter=Q, today=today)

    assert board.headlines.overdue_actions.display == "1"
    overdue = board.panel("actions").tables[1]
    assert [row[1] for row in overdue.rows] == ["Public"]


def test_every_panel_has_a_stable_slug_a_title_and_a_csv(world):
    board = build_dashboard(quarter=Q)

    slugs = [panel.slug for panel in board.panels]
    assert len(slugs) == len(set(slugs))
    for panel in board.panels:
        assert panel.title and panel.intro.endswith(".")
        assert panel.csv_header
        assert all(len(row) == len(panel.csv_header) for row in panel.csv_rows)


def test_count_columns_are_named_in_one_place(world):
    headers = {h for panel in build_dashboard(quarter=Q).panels for h in panel.csv_header}

    assert {"Referrals", "Open cases at quarter end"} <= headers & COUNT_HEADERS


def test_the_dashboard_works_before_any_referral_is_recorded(db):
    board = build_dashboard(quarter=Q)

    assert board.headlines.referrals.display == "0"
    assert board.headlines.contacted_within_one_day.display == "–"
