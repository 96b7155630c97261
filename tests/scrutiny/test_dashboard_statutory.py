"""The dashboard's Marac and children panels (issue 14), on the hand-counted fixture of
tests/scrutiny/test_dashboard.py plus 12 Marac cases heard in Q (Northvale, 20,000 adult women;
Southmere, 10,000), 3 of them repeats of a case 3 months before Q, with 2 children each."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.constants import Subject
from referrals.marac_cases import link_marac_cases
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.tables import COUNT_HEADERS
from scrutiny.reports.sentences import summary_sentences
from tests.factories import ReferralFactory
from tests.scrutiny import test_dashboard
from tests.scrutiny.test_dashboard import Q

world = test_dashboard.world
EXPORT = reverse("scrutiny:dashboard_export")
EXPORT_ALL = reverse("scrutiny:dashboard_export_all")


def rows(panel) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in panel.csv_rows}


@pytest.fixture
def more(world):
    north, south = world["north"], world["south"]
    north.adult_female_population, south.adult_female_population = 20_000, 10_000
    for area in (north, south):
        area.adult_female_population_source = "Test figure"
        area.adult_female_population_year = 2023
        area.save()
    heard_on = Q.start + timedelta(days=30)
    people = [f"{i:064d}" for i in range(12)]
    for i, person in enumerate(people):
        if i < 3:  # an earlier case 3 months before: this one is a repeat
            marac_case(person, heard_on - timedelta(days=120), world["idva"], north, 2)
        marac_case(person, heard_on, world["idva"], north if i < 8 else south, 2)
    link_marac_cases(people=people)  # as the services do when a hearing is recorded
    return world


def marac_case(person: str, heard_on: date, service, area, children: int):
    received = timezone.make_aware(
        timezone.datetime.combine(heard_on - timedelta(days=14), timezone.datetime.min.time())
    )
    ReferralFactory(
        person_key=person,
        received_at=received,
        service=service,
        area=area,
        subject=Subject.VICTIM_SURVIVOR,
        heard_at_marac=True,
        marac_referred_on=heard_on - timedelta(days=7),
        marac_referral_source="police",
        marac_heard_on=heard_on,
        children_in_household=children,
    )


def test_the_marac_panel_counts_cases_repeats_and_the_rate_per_adult_women(more):
    board = build_dashboard(quarter=Q, exact=True)
    cases = [row for row in board.panel("marac").csv_rows if row[0] == "Cases"]

    # 12 cases for 30,000 adult women: 4.0 per 10,000; 3 of 12 repeats: 25.0%.
    assert cases[0][1:5] == ["Cases", Q.label, "12", "4.0"]
    assert cases[1][1:5] == ["Repeat cases", Q.label, "3", "25.0%"]
    assert cases[2][1:4] == ["Children in the households", Q.label, "24"]
    # The 12 months to the quarter's end hold the 3 earlier cases too.
    assert cases[4][3] == "15"


def test_the_committee_sees_the_marac_figures_released_and_the_same_in_every_view(more):
    everyone = build_dashboard(quarter=Q)
    idva = build_dashboard(quarter=Q, service_id=more["idva"].pk)
    marac = everyone.panel("marac")

    assert marac.csv_rows == idva.panel("marac").csv_rows
    cases = [row for row in marac.csv_rows if row[1] == "Cases"][0]
    # 12 shown as 10, so 10 per 30,000 adult women is 3.3 (not 4.0 from 12).
    assert cases[1:5] == ["Cases", Q.label, "10", "3.3"]
    repeats = [row for row in marac.csv_rows if row[1] == "Repeat cases"][0]
    assert repeats[3:5] == ["*", "*"]
    assert everyone.headlines.marac.cases.display == "10"
    assert any("heard at Marac" in s for s in summary_sentences(everyone.headlines, threshold=7))


def test_children_panel_takes_child_referrals_from_the_subjects_panel(more):
    ReferralFactory.create_batch(
        9,
        received_at=Q.start_datetime() + timedelta(days=40),
        service=more["refuge"],
        subject=Subject.CHILD,
        children_in_household=1,
    )
    for service in (None, more["refuge"].pk, more["idva"].pk):
        board = build_dashboard(quarter=Q, service_id=service)
        subjects = rows(board.panel("subjects"))
        children = rows(board.panel("children"))
        assert children["Child referrals"] == subjects["Child or young person"]
    exact = rows(build_dashboard(quarter=Q, exact=True).panel("children"))
    # The fixture's own referrals hold children too; the 9 children's households add 1 each.
    assert exact["Child referrals"] == ["9"]
    assert exact["Children referred (each child once)"] == ["9"]


def test_the_downloads_hold_the_new_panels_with_counts_in_count_columns(
    more, login, committee_member
):
    client = login(committee_member)
    for slug in ("marac", "children"):
        download = client.get(EXPORT, {"quarter": Q.label, "panel": slug})
        header = next(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert "Number" in header and "Number" in COUNT_HEADERS
    every = client.get(EXPORT_ALL, {"quarter": Q.label}).content.decode("utf-8-sig")
    assert "Marac: multi-agency risk assessment conferences" in every
    assert "\r\nChildren\r\n" in every


def test_each_download_link_names_its_panel_mid_sentence_keeping_the_name_marac(
    more, login, committee_member
):
    page = login(committee_member).get(reverse("scrutiny:dashboard"), {"quarter": Q.label})
    text = page.content.decode()

    assert "Download Marac: multi-agency risk assessment conferences as CSV" in text
    assert "Download children as CSV" in text
    assert "Download referrals by district as CSV" in text


def test_the_report_has_the_marac_and_children_sections_and_sentences(more):
    from scrutiny.reports.content import quarterly_report_content
    from scrutiny.reports.rendering import render_report_body

    content = quarterly_report_content(quarter=Q, committee=None, today=Q.end + timedelta(1))
    body = str(render_report_body(content))

    assert "Marac: multi-agency risk assessment conferences" in body
    assert "Children in the households of referrals received in" in body
    assert any("heard at Marac" in sentence for sentence in content.summary)
    assert any("children" in sentence for sentence in content.summary)
