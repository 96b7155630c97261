"""The action tracker as a list: sorting by its main columns (aria-sort), row counts, the filters
that are on, pages, and a page past the end."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from scrutiny.constants import ActionStatus, Priority
from tests.factories import ActionFactory, UserFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db

TRACKER = reverse("scrutiny:action_list")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)


@pytest.fixture
def actions(resolution, officer):
    """Four actions whose RAG, status, due date, priority and owner all sort differently."""
    zed = UserFactory(first_name="Zed", last_name="Owner")
    return {
        "green": ActionFactory(
            resolution=resolution,
            owner=zed,
            due_date=TODAY + timedelta(days=60),
            priority=Priority.HIGH,
        ),
        "red": ActionFactory(
            resolution=resolution,
            owner=officer,
            due_date=TODAY - timedelta(days=1),
            priority=Priority.LOW,
            status=ActionStatus.IN_PROGRESS,
        ),
        "done": ActionFactory(
            resolution=resolution,
            owner=zed,
            due_date=TODAY - timedelta(days=30),
            priority=Priority.MEDIUM,
            status=ActionStatus.COMPLETE,
        ),
        "amber": ActionFactory(
            resolution=resolution,
            owner=officer,
            due_date=TODAY + timedelta(days=3),
            priority=Priority.MEDIUM,
        ),
    }


def order(response) -> list[str]:
    return [action.reference for action in response.context["actions"]]


def names(actions, *keys) -> list[str]:
    return [actions[key].reference for key in keys]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["done", "red", "amber", "green"]),  # soonest due first
        ("due", ["done", "red", "amber", "green"]),
        ("-due", ["green", "amber", "red", "done"]),
        ("rag", ["red", "amber", "green", "done"]),  # by meaning, not the alphabet
        ("-rag", ["done", "green", "amber", "red"]),
        ("priority", ["green", "done", "amber", "red"]),  # high first; ties by reference
        ("status", ["green", "amber", "red", "done"]),  # open, in progress, complete
        ("nonsense", ["done", "red", "amber", "green"]),
    ],
)
def test_the_tracker_sorts_by_its_main_columns(login, clerk, actions, sort, expected):
    response = login(clerk).get(TRACKER, {"sort": sort} if sort else {})
    observed = order(response)
    if sort == "priority":  # the two medium ones in reference order
        medium = sorted(names(actions, "done", "amber"))
        expected_refs = names(actions, "green") + medium + names(actions, "red")
        assert observed == expected_refs
    else:
        assert observed == names(actions, *expected)


def test_sorting_by_owner_uses_their_names(login, clerk, actions, officer):
    observed = order(login(clerk).get(TRACKER, {"sort": "owner"}))
    assert observed[-2:] == sorted(names(actions, "green", "done"))  # Zed Owner last


def test_each_sortable_header_says_how_the_list_is_sorted_and_links_to_the_other_way(
    login, clerk, actions
):
    page = login(clerk).get(TRACKER, {"sort": "-rag", "status": "open"}).content.decode()
    rag = re.search(r'<th[^>]*aria-sort="(\w+)"><a[^>]*href="([^"]*)">RAG', page)
    assert rag.groups() == ("descending", "?sort=rag&amp;status=open")
    due = re.search(r'<th[^>]*aria-sort="(\w+)"><a[^>]*href="([^"]*)">Due date', page)
    assert due.groups() == ("none", "?sort=due&amp;status=open")
    assert page.count("aria-sort=") == 6
    # The filter form keeps the sort when the filters change.
    assert '<input type="hidden" name="sort" value="-rag">' in page


def test_rag_and_status_come_first_after_the_reference(login, clerk, actions):
    page = login(clerk).get(TRACKER).content.decode()
    table = page[page.index('data-testid="action-table"') :]
    head = table[: table.index("</thead>")]
    columns = re.findall(r'<th scope="col"[^>]*>(?:<a[^>]*>)?([^<]+)', head)
    assert columns[:4] == ["Reference", "RAG", "Status", "Action"]


def test_the_tracker_says_how_many_actions_and_which_filters_are_on(login, clerk, officer, actions):
    client = login(clerk)
    everything = client.get(TRACKER).content.decode()
    assert "4 actions shown." in everything
    assert "No filters on" in everything
    filtered = client.get(TRACKER, {"owner": officer.pk, "status": "open"}).content.decode()
    assert "1 action shown." in filtered
    owner = officer.get_full_name() or officer.username
    assert "Status: <strong>Open</strong>" in filtered
    assert f"Owner: <strong>{owner}" in filtered


def test_the_tracker_pages_and_says_which_rows_it_shows(
    login, clerk, actions, resolution, monkeypatch
):
    monkeypatch.setattr("scrutiny.views.TRACKER_PAGE_SIZE", 3)
    ActionFactory.create_batch(3, resolution=resolution, due_date=TODAY + timedelta(days=90))
    client = login(clerk)
    first = client.get(TRACKER)
    assert len(first.context["actions"]) == 3
    assert "Showing actions 1 to 3 of 7, page 1 of 3." in first.content.decode()
    last = client.get(TRACKER, {"page": "3", "sort": "due"})
    assert len(last.context["actions"]) == 1
    page = last.content.decode()
    assert "Showing actions 7 to 7 of 7, page 3 of 3." in page
    assert 'aria-current="page">3</a>' in page
    assert 'href="?page=2&amp;sort=due" rel="prev"' in page
    assert 'rel="next"' not in page
    # Sorting starts again at the first page.
    assert 'href="?sort=-due"' in page


@pytest.mark.parametrize("asked", ["9999", "4"])
def test_a_page_past_the_end_says_so_and_shows_no_rows(login, clerk, actions, monkeypatch, asked):
    monkeypatch.setattr("scrutiny.views.TRACKER_PAGE_SIZE", 2)
    response = login(clerk).get(TRACKER, {"page": asked, "rag": ""})
    assert response.status_code == 200
    assert response.context["actions"] == []
    page = response.content.decode()
    assert f"There is no page {asked} of these actions: they fill 2 pages." in page
    assert 'href="?page=2&amp;rag=">Go to page 2</a>' in page
    assert "No actions match" not in page


@pytest.mark.parametrize("asked", ["0", "-1", "abc", "²", "9" * 5000, ""])
def test_a_page_that_is_not_a_page_number_gives_the_first(login, clerk, actions, asked):
    response = login(clerk).get(TRACKER, {"page": asked})
    assert response.status_code == 200
    assert len(response.context["actions"]) == 4


def test_the_csv_has_every_action_in_the_chosen_order(login, clerk, actions, monkeypatch):
    monkeypatch.setattr("scrutiny.views.TRACKER_PAGE_SIZE", 1)
    response = login(clerk).get(reverse("scrutiny:action_export"), {"sort": "rag"})
    lines = response.content.decode("utf-8-sig").splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == names(actions, "red", "amber", "green", "done")
