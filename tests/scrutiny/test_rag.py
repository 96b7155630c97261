"""The RAG rule (constants.rag_conditions through ActionQuerySet.with_rag) and its metrics."""

from datetime import timedelta

import pytest

from scrutiny.constants import ActionStatus, Rag
from scrutiny.metrics import actions_by_rag
from scrutiny.models import Action
from tests.factories import ActionFactory, ResolutionFactory

from .conftest import TODAY


def rag_of(action, today=TODAY) -> str:
    return Action.objects.with_rag(today).get(pk=action.pk).rag


@pytest.mark.parametrize(
    "days_until_due, expected",
    [
        (-30, Rag.RED),
        (-1, Rag.RED),
        (0, Rag.AMBER),  # due today is not yet overdue
        (1, Rag.AMBER),
        (14, Rag.AMBER),
        (15, Rag.GREEN),
        (200, Rag.GREEN),
    ],
)
@pytest.mark.django_db
def test_open_action_rag_comes_from_its_due_date(resolution, days_until_due, expected):
    action = ActionFactory(resolution=resolution, due_date=TODAY + timedelta(days=days_until_due))
    assert rag_of(action) == expected


@pytest.mark.django_db
def test_an_action_in_progress_is_rated_like_an_open_one(resolution):
    action = ActionFactory(
        resolution=resolution,
        status=ActionStatus.IN_PROGRESS,
        due_date=TODAY - timedelta(days=3),
    )
    assert rag_of(action) == Rag.RED


@pytest.mark.parametrize(
    "status", [ActionStatus.COMPLETE, ActionStatus.NOT_FEASIBLE, ActionStatus.SUPERSEDED]
)
@pytest.mark.django_db
def test_a_closed_action_is_complete_even_when_past_its_due_date(resolution, status):
    action = ActionFactory(
        resolution=resolution, status=status, due_date=TODAY - timedelta(days=100)
    )
    assert rag_of(action) == Rag.COMPLETE


@pytest.mark.django_db
def test_rag_moves_on_with_the_date(resolution):
    action = ActionFactory(resolution=resolution, due_date=TODAY + timedelta(days=20))
    assert rag_of(action, TODAY) == Rag.GREEN
    assert rag_of(action, TODAY + timedelta(days=6)) == Rag.AMBER
    assert rag_of(action, TODAY + timedelta(days=21)) == Rag.RED


@pytest.mark.django_db
def test_overdue_actions_are_the_red_ones(resolution):
    red = ActionFactory(resolution=resolution, due_date=TODAY - timedelta(days=1))
    ActionFactory(resolution=resolution, due_date=TODAY)
    ActionFactory(
        resolution=resolution, status=ActionStatus.COMPLETE, due_date=TODAY - timedelta(days=9)
    )
    assert list(Action.objects.overdue(TODAY)) == [red]


@pytest.mark.django_db
def test_actions_by_rag_counts_each_rag_and_lists_the_overdue(resolution):
    late = ActionFactory(resolution=resolution, due_date=TODAY - timedelta(days=10))
    later = ActionFactory(resolution=resolution, due_date=TODAY - timedelta(days=40))
    ActionFactory(resolution=resolution, due_date=TODAY + timedelta(days=3))
    ActionFactory(resolution=resolution, due_date=TODAY + timedelta(days=60))
    ActionFactory(resolution=resolution, status=ActionStatus.SUPERSEDED)

    summary = actions_by_rag(today=TODAY)

    assert summary.counts == {Rag.RED: 2, Rag.AMBER: 1, Rag.GREEN: 1, Rag.COMPLETE: 1}
    assert summary.total == 5
    assert summary.overdue == [later, late]  # most overdue first


@pytest.mark.django_db
def test_actions_by_rag_for_one_committee_leaves_out_the_others(resolution, other_meeting):
    ActionFactory(resolution=resolution, due_date=TODAY - timedelta(days=1))
    elsewhere = ResolutionFactory(agenda_item__meeting=other_meeting)
    ActionFactory(resolution=elsewhere, due_date=TODAY - timedelta(days=1))

    summary = actions_by_rag(today=TODAY, committee=resolution.agenda_item.meeting.committee)

    assert summary.counts[Rag.RED] == 1
    assert summary.total == 1


@pytest.mark.django_db
def test_actions_by_rag_with_no_actions_is_all_zeros():
    summary = actions_by_rag(today=TODAY)
    assert summary.counts == dict.fromkeys(Rag, 0)
    assert summary.overdue == []
