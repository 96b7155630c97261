"""No count shown to a committee member is from 1 to the disclosure threshold: on the page and in
every panel's CSV.

Count cells are found the way a reader finds them: in every table on the page and in every CSV,
a column whose header is one of scrutiny.dashboard.tables.COUNT_HEADERS holds counts of people,
and so does every key-figure cell marked `data-count`. Percentages, rates, waiting times, money, FTE
and committee actions live in other columns and are not counts (a percentage on a small count
is checked to be suppressed by the dashboard tests). The fixture has counts of 3 and 9, so the
test would fail if suppression or secondary suppression were switched off.
"""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from scrutiny.dashboard.tables import COUNT_HEADERS
from tests.scrutiny import test_dashboard
from tests.scrutiny.test_dashboard import LAST_YEAR, Q

URL = reverse("scrutiny:dashboard")
world = test_dashboard.world  # the hand-counted fixture
EXPORT = reverse("scrutiny:dashboard_export")


class Tables(HTMLParser):
    """Every table on a page as rows of cell texts, plus the texts of `data-count` cells."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.marked: list[str] = []
        self._cell: list[str] | None = None
        self._marked = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
            self._marked = "data-count" in dict(attrs)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            self.tables[-1][-1].append(text)
            if self._marked:
                self.marked.append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def count_cells(header: list[str], rows: list[list[str]]) -> list[str]:
    columns = [i for i, name in enumerate(header) if name in COUNT_HEADERS]
    return [row[i] for row in rows for i in columns if i < len(row)]


def small(cells: list[str]) -> list[str]:
    """The cells showing a count from 1 to the threshold."""
    found = []
    for cell in cells:
        if re.fullmatch(r"[\d,]+", cell) and 1 <= int(cell.replace(",", "")) <= (
            settings.DISCLOSURE_THRESHOLD
        ):
            found.append(cell)
    return found


def page_counts(html: str) -> list[str]:
    parser = Tables()
    parser.feed(html)
    cells = list(parser.marked)
    for table in parser.tables:
        if table:
            cells += count_cells(table[0], table[1:])
    return cells


def csv_counts(response) -> list[str]:
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return count_cells(header, rows)


@pytest.mark.parametrize("quarter", [Q, LAST_YEAR])
def test_no_count_shown_to_a_committee_member_is_between_1_and_the_threshold(
    login, committee_member, world, quarter
):
    client = login(committee_member)
    for service in [None, world["idva"], world["refuge"]]:
        query = {"quarter": quarter.label} | ({"service": service.pk} if service else {})
        response = client.get(URL, query)
        shown = page_counts(response.content.decode())
        assert shown, "the page should show counts"
        assert small(shown) == [], (query, small(shown))
        for panel in response.context["dashboard"].panels:
            download = client.get(EXPORT, query | {"panel": panel.slug})
            assert small(csv_counts(download)) == [], (query, panel.slug)


def test_the_same_pages_show_small_counts_when_exact_so_the_check_has_teeth(
    login, performance_lead, world
):
    client = login(performance_lead)
    query = {"quarter": Q.label, "exact": "1"}

    shown = page_counts(client.get(URL, query).content.decode())
    download = client.get(EXPORT, query | {"panel": "districts"})

    assert "3" in small(shown)
    assert small(csv_counts(download)) == ["3"]


def csv_rows(client, query, slug) -> dict[str, list[str]]:
    header, *rows = csv.reader(
        io.StringIO(client.get(EXPORT, query | {"panel": slug}).content.decode("utf-8-sig"))
    )
    return {row[0]: row[1:] for row in rows}


@pytest.mark.parametrize("view", ["all", "idva", "refuge"])
def test_each_key_figure_has_the_same_value_as_in_its_panels_download(
    login, committee_member, world, view
):
    client = login(committee_member)
    service = None if view == "all" else world[view]
    query = {"quarter": Q.label} | ({"service": service.pk} if service else {})
    headlines = client.get(URL, query).context["headlines"]
    name = service.name if service else "All services"

    districts = csv_rows(client, query, "districts")
    trend = csv_rows(client, query, "referrals-by-quarter")
    response = csv_rows(client, query, "response")
    repeats = csv_rows(client, query, "repeats")
    waiting = csv_rows(client, query, "waiting")

    assert headlines.referrals.display == districts["All districts and out of area"][0]
    assert headlines.referrals.display == trend[Q.label][0]
    assert headlines.referrals_last_year.display == trend[LAST_YEAR.label][0]
    assert headlines.contacted_within_one_day.display == response[name][0]
    assert headlines.oversight_within_24_hours.display == response[name][3]
    assert headlines.repeat_rate.display == repeats["Repeat referrals"][2]
    assert headlines.referrals.display == repeats["Repeat referrals"][1]
    assert headlines.waiting_list.display == waiting["On the waiting list at quarter end"][1]


def test_a_services_cells_in_the_all_services_view_are_the_ones_its_own_view_shows(
    login, committee_member, world
):
    client = login(committee_member)
    everyone = {"quarter": Q.label}
    services = csv_rows(client, everyone, "services")
    response = csv_rows(client, everyone, "response")
    for key in ("idva", "refuge"):
        service = world[key]
        own = everyone | {"service": service.pk}
        assert services[service.name] == csv_rows(client, own, "services")[service.name]
        assert response[service.name] == csv_rows(client, own, "response")[service.name]
