"""Oversight "does not apply", what caseload counted, and the data notes' definitions in force
(issue 14), on the hand-counted fixture of tests/scrutiny/test_dashboard.py plus a front-door
service (oversight applies by its type) with 10 referrals in Q from Northvale, 8 of them overseen
within 24 hours. The IDVA and the refuge do not apply the standard.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from commissioning.constants import ServiceType
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.wording import DOES_NOT_APPLY
from scrutiny.reports.sentences import summary_sentences
from tests.factories import CaseworkerCapacityFactory, CommissionedServiceFactory, ReferralFactory
from tests.scrutiny import test_dashboard
from tests.scrutiny.test_dashboard import Q

world = test_dashboard.world
URL = reverse("scrutiny:dashboard")


def rows(panel) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in panel.csv_rows}


@pytest.fixture
def front_door(world):
    service = CommissionedServiceFactory(name="Front door", service_type=ServiceType.FRONT_DOOR)
    for i in range(10):
        received = Q.start_datetime() + timedelta(days=20, hours=9, minutes=i)
        ReferralFactory(
            received_at=received,
            area=world["north"],
            service=service,
            oversight_at=received + timedelta(hours=2) if i < 8 else None,
        )
    return service


def test_oversight_is_measured_only_where_it_applies_and_shown_as_not_applying_elsewhere(
    world, front_door
):
    board = build_dashboard(quarter=Q, exact=True)
    response = rows(board.panel("response"))

    assert response["Test IDVA"][3:] == [DOES_NOT_APPLY, "–", DOES_NOT_APPLY]
    assert response["Test Refuge"][3] == DOES_NOT_APPLY
    assert response["Front door"][3] == "80.0%"
    # All services: the front door's 8 of 10, not 8 of every referral of the quarter.
    assert response["All services"][3] == "80.0%"
    assert board.headlines.oversight_within_24_hours.display == "80.0%"
    assert "apply the standard: Front door. It does not apply to Test IDVA" in " ".join(
        board.panel("response").notes
    )


def test_a_view_where_oversight_does_not_apply_says_so_in_key_figures_and_summary(world):
    board = build_dashboard(quarter=Q, service_id=world["idva"].pk)

    assert board.headlines.oversight_within_24_hours.display == DOES_NOT_APPLY
    assert "Managerial oversight within 24 hours is not measured for these services." in (
        summary_sentences(board.headlines, threshold=7)
    )


def test_the_caseload_panel_says_what_counted(world):
    CaseworkerCapacityFactory(service=world["idva"], quarter_index=Q.index, fte=2)

    notes = build_dashboard(quarter=Q).panel("caseload").notes

    assert notes[0] == "Open cases counted: people in active support only, for every service."


def test_the_page_shows_the_definitions_in_force(world, front_door, login, committee_member):
    page = login(committee_member).get(URL, {"quarter": Q.label}).content.decode()

    assert "Data notes: definitions in force" in page
    assert "for the services whose definitions apply the standard: Front door." in page
    assert "By the end of the next working day" in page
    assert 'href="#data-notes"' in page


def test_the_report_s_data_notes_are_the_dashboard_s_definitions(world, front_door):
    from scrutiny.reports.content import quarterly_report_content
    from scrutiny.reports.rendering import render_report_body

    content = quarterly_report_content(quarter=Q, committee=None, today=Q.end + timedelta(1))
    body = str(render_report_body(content))

    assert escape(content.dashboard.definitions.oversight) in body
    assert escape(content.dashboard.definitions.first_contact) in body
    assert "Definitions in force for each service" in body
