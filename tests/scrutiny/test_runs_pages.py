"""Report runs and agenda packs are background runs (partnership/runs.py): with the broker down a
request is still recorded and answered with a page that says what will happen, and the sweep
makes it once the broker is back; a run being retried or failed says so. The same with real
Redis, PostgreSQL and workers is in tests/partnership/test_runs_faults.py."""

from datetime import timedelta

import pytest
from celery.app.task import Task
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from partnership import runs
from partnership.celery import app
from scrutiny.models import AgendaPack, ReportRun, RunStatus
from scrutiny.reports import rendering
from tests.factories import AgendaItemFactory, AgendaPackFactory, ReportRunFactory
from tests.scrutiny import reportfakes

WAITING = "cannot be reached just now"


@pytest.fixture(autouse=True)
def fake_figures(monkeypatch):
    monkeypatch.setattr(
        rendering,
        "quarterly_report_content",
        lambda *, quarter, committee, today: reportfakes.content(quarter),
    )


@pytest.fixture
def broker(monkeypatch):
    """The broker, down until `broker.up()`; while up, tasks run here as a worker would."""
    real_apply_async = Task.apply_async

    class Broker:
        is_up = False
        refused = 0

        def up(self):
            self.is_up = True

    state = Broker()

    def apply_async(self, *args, **kwargs):
        if not state.is_up:
            state.refused += 1
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return real_apply_async(self, *args, **kwargs)

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(Task, "apply_async", apply_async)
    yield state
    app.conf.task_always_eager = was_eager


def sweep_with_the_broker_back(broker):
    broker.up()
    app.conf.task_always_eager = True  # the "worker" runs what the sweep sends, here
    return runs.runs_sweep()


def test_a_report_requested_while_the_broker_is_down_is_saved_and_made_once_it_is_back(
    login, performance_lead, committee, broker, django_capture_on_commit_callbacks
):
    client = login(performance_lead)
    quarter = client.get(reverse("scrutiny:report_request")).context["form"]["quarter"].initial

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scrutiny:report_request"), {"quarter": quarter, "committee": committee.pk}
        )

    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert broker.refused == 1
    assert (run.status, run.sent_at) == (RunStatus.QUEUED, None)
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200
    assert WAITING in page.content.decode()
    assert page["Refresh"] == "3"

    assert sweep_with_the_broker_back(broker).sent == 1

    run.refresh_from_db()
    assert run.status == RunStatus.READY
    assert ReportRun.objects.count() == 1
    assert WAITING not in client.get(run.get_absolute_url()).content.decode()


def test_agenda_packs_exported_while_the_broker_is_down_are_saved_and_made_once_it_is_back(
    login, clerk, meeting, broker, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=meeting, number=1, title="Minutes of the last meeting")
    client = login(clerk)
    packs_url = reverse("scrutiny:agenda_pack_list", args=[meeting.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scrutiny:agenda_pack_export", args=[meeting.pk]))

    assert response.status_code == 302 and response.url == packs_url
    pack = AgendaPack.objects.get()
    assert pack.is_waiting_for_broker
    assert WAITING in client.get(packs_url).content.decode()

    sweep_with_the_broker_back(broker)

    pack.refresh_from_db()
    assert pack.status == RunStatus.READY


def test_a_run_queued_again_after_its_worker_died_says_it_is_trying_again(login, clerk, committee):
    run = ReportRunFactory(
        committee=committee, status=RunStatus.QUEUED, attempts=1, sent_at=timezone.now()
    )

    page = login(clerk).get(run.get_absolute_url()).content.decode()

    assert "making it again (attempt 2 of 3)" in page


def test_a_run_that_failed_after_its_last_attempt_gives_the_reason_and_a_try_again_button(
    login, clerk, committee
):
    run = ReportRunFactory(
        committee=committee,
        status=RunStatus.FAILED,
        attempts=3,
        error=runs.worker_stopped_reason(3),
        finished_at=timezone.now(),
    )

    page = login(clerk).get(run.get_absolute_url()).content.decode()

    assert "stopped before it finished, 3 times" in page
    assert reverse("scrutiny:report_retry", args=[run.pk]) in page
    assert "Try again" in page


def test_a_failed_pack_offers_to_try_again(login, clerk, meeting):
    AgendaPackFactory(
        meeting=meeting,
        status=RunStatus.FAILED,
        error=runs.worker_stopped_reason(3),
        finished_at=timezone.now() - timedelta(minutes=1),
    )

    page = login(clerk).get(reverse("scrutiny:agenda_pack_list", args=[meeting.pk]))

    assert "stopped before it finished" in page.content.decode()
    assert ">Try again</button>" in page.content.decode()
