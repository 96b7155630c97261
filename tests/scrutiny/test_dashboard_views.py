"""The dashboard page and its CSV downloads: who may see them, choosing the quarter and service,
and the exact-figures switch. The figures themselves are tested in test_dashboard.py."""

import csv
import io

import pytest
from django.urls import reverse

from partnership.models import AuditEvent
from tests.scrutiny import test_dashboard
from tests.scrutiny.test_dashboard import LAST_YEAR, Q

URL = reverse("scrutiny:dashboard")
world = test_dashboard.world  # the hand-counted fixture
EXPORT = reverse("scrutiny:dashboard_export")
EXPORT_ALL = reverse("scrutiny:dashboard_export_all")


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "user_fixture", ["committee_member", "clerk", "performance_lead", "commissioner", "admin_user"]
)
def test_readers_of_aggregates_see_the_dashboard(request, login, world, user_fixture):
    response = login(request.getfixturevalue(user_fixture)).get(URL)

    assert response.status_code == 200
    assert response.context["dashboard"].quarter == Q


def test_officers_may_not_see_the_dashboard_or_its_downloads(login, officer, world):
    client = login(officer)

    assert client.get(URL).status_code == 403
    assert client.get(EXPORT, {"panel": "districts"}).status_code == 403
    assert client.get(EXPORT_ALL).status_code == 403


def test_a_committee_member_starts_on_the_dashboard_for_the_last_complete_quarter(
    login, committee_member, world
):
    client = login(committee_member)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert f"Committee dashboard: {Q}" in response.content.decode()


def test_choosing_a_quarter_and_a_service_shows_them(login, committee_member, world):
    refuge = world["refuge"]

    response = login(committee_member).get(URL, {"quarter": LAST_YEAR.label, "service": refuge.pk})

    board = response.context["dashboard"]
    assert (board.quarter, board.service) == (LAST_YEAR, refuge)
    page = response.content.decode()
    assert f'<option value="{LAST_YEAR.label}" selected>' in page
    assert f'<option value="{refuge.pk}" selected>' in page


def test_an_unknown_quarter_is_explained_and_the_last_complete_quarter_shown(
    login, committee_member, world
):
    response = login(committee_member).get(URL, {"quarter": "2090/91 Q1"})

    assert response.status_code == 200
    assert response.context["dashboard"].quarter == Q
    page = response.content.decode()
    assert "Choose a quarter from the list: 2090/91 Q1 is not one" in page
    assert "govuk-error-summary" in page


def test_an_unknown_service_is_explained_and_all_services_shown(login, committee_member, world):
    response = login(committee_member).get(URL, {"service": "999999"})

    assert response.context["dashboard"].service is None
    assert "Choose a service from the list." in response.content.decode()


def test_a_committee_member_asking_for_exact_figures_gets_suppressed_ones_and_is_told(
    login, committee_member, world
):
    response = login(committee_member).get(URL, {"exact": "1"})

    assert response.context["dashboard"].exact is False
    page = response.content.decode()
    assert "Exact figures are only for performance leads" in page
    assert 'name="exact"' not in page  # no switch offered
    rows = read_csv(login(committee_member).get(EXPORT, {"panel": "districts", "exact": "1"}))
    assert rows[2] == ["Southmere", "*", "*"]
    assert not AuditEvent.objects.filter(object_type="scrutiny.Dashboard").exists()


def test_a_performance_lead_can_switch_to_exact_figures_and_it_is_audited(
    login, performance_lead, world
):
    client = login(performance_lead)

    suppressed = client.get(URL)
    exact = client.get(URL, {"exact": "1"})

    assert suppressed.context["dashboard"].exact is False
    assert 'name="exact"' in suppressed.content.decode()
    assert exact.context["dashboard"].exact is True
    assert "Exact figures: small numbers are not suppressed." in exact.content.decode()
    event = AuditEvent.objects.get(object_type="scrutiny.Dashboard")
    assert (event.user, event.object_id, event.detail["exact"]) == (performance_lead, Q.label, True)


def test_a_panel_downloads_as_csv_with_the_figures_on_the_page(login, committee_member, world):
    client = login(committee_member)
    page = client.get(URL, {"quarter": Q.label})
    link = f"{EXPORT}?quarter={Q.label.replace('/', '%2F').replace(' ', '+')}&amp;panel=districts"

    response = client.get(EXPORT, {"quarter": Q.label, "panel": "districts"})

    assert link in page.content.decode()
    slug = Q.label.replace("/", "-").replace(" ", "-").lower()
    assert response["Content-Disposition"] == (
        f'attachment; filename="dashboard-{slug}-all-services-districts.csv"'
    )
    panel = page.context["dashboard"].panel("districts")
    assert read_csv(response) == [panel.csv_header, *panel.csv_rows]


def test_every_panel_on_the_page_has_a_working_download(login, clerk, world):
    client = login(clerk)
    board = client.get(URL).context["dashboard"]

    for panel in board.panels:
        response = client.get(EXPORT, {"panel": panel.slug})
        assert response.status_code == 200, panel.slug
        assert read_csv(response)[0] == panel.csv_header


def sections(rows: list[list[str]]) -> list[list[list[str]]]:
    """The all-panels CSV's panels: the rows after each blank line, up to the next."""
    found: list[list[list[str]]] = []
    for row in rows[1:]:
        if not row:
            found.append([])
        else:
            found[-1].append(row)
    return found


def test_every_panel_downloads_in_one_csv_as_in_its_own(login, committee_member, world):
    refuge = world["refuge"]
    client = login(committee_member)
    query = {"quarter": Q.label, "service": refuge.pk}
    page = client.get(URL, query)
    link = f"{EXPORT_ALL}?quarter={Q.label.replace('/', '%2F').replace(' ', '+')}"

    response = client.get(EXPORT_ALL, query)

    assert f"{link}&amp;service={refuge.pk}" in page.content.decode()
    slug = Q.label.replace("/", "-").replace(" ", "-").lower()
    assert response["Content-Disposition"] == (
        f'attachment; filename="dashboard-{slug}-service-{refuge.pk}-all-panels.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == ["Committee dashboard", Q.label, refuge.name, "Suppressed and rounded"]
    board = page.context["dashboard"]
    assert len(sections(rows)) == len(board.panels)
    for panel, section in zip(board.panels, sections(rows), strict=True):
        own = read_csv(client.get(EXPORT, query | {"panel": panel.slug}))
        assert section == [[panel.title], *own], panel.slug


def test_the_all_panels_csv_is_suppressed_for_a_committee_member_who_asks_for_exact(
    login, committee_member, performance_lead, world
):
    asked = read_csv(login(committee_member).get(EXPORT_ALL, {"exact": "1"}))
    exact = read_csv(login(performance_lead).get(EXPORT_ALL, {"exact": "1"}))

    assert asked[0][3] == "Suppressed and rounded"
    assert ["Southmere", "*", "*"] in asked
    assert exact[0][3] == "Exact figures, not for publication"
    assert ["Southmere", "*", "*"] not in exact
    event = AuditEvent.objects.get(object_type="scrutiny.Dashboard")
    assert (event.user, event.detail["exact"]) == (performance_lead, True)


def test_an_unknown_panel_is_not_found(login, clerk, world):
    assert login(clerk).get(EXPORT, {"panel": "no-such-panel"}).status_code == 404


def test_the_page_works_without_javascript_through_a_plain_get_form(login, clerk, world):
    page = login(clerk).get(URL).content.decode()

    assert f'<form method="get" action="{URL}"' in page
    assert '<button type="submit"' in page
    assert "<svg" in page and 'role="img"' in page
