"""Quarterly report runs: the services, the task, the schedule and the pages.

The report's figures are the dashboard's (tested in test_reports_figures.py); here they come from
hand-made content, so each test is about what happens to a run.
"""

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from partnership.celery import app
from partnership.constants import AuditAction, Role
from partnership.models import AuditEvent
from scrutiny import tasks
from scrutiny.models import ReportRun, RunStage, RunStatus
from scrutiny.pdf import PdfError
from scrutiny.reports import rendering, runs
from scrutiny.reports import services as report_services
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    ReportRunFactory,
    UserFactory,
)
from tests.scrutiny import reportfakes

QUARTER = FinancialQuarter(2024, 4)


@pytest.fixture(autouse=True)
def fake_figures(monkeypatch):
    """The dashboard's place is taken by hand-made content (its own tests cover the figures)."""
    monkeypatch.setattr(
        rendering,
        "quarterly_report_content",
        lambda *, quarter, committee, today: reportfakes.content(quarter),
    )


@pytest.fixture
def made(clerk, committee, django_capture_on_commit_callbacks):
    """A ready run, made through the request and the task as in the app."""
    with django_capture_on_commit_callbacks(execute=True):
        run = report_services.report_run_request(by=clerk, quarter=QUARTER, committee=committee)
    run.refresh_from_db()
    return run


def stored_reports(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "scrutiny" / "reports"
    return sorted(folder.iterdir()) if folder.exists() else []


def audit_actions(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def url(name, *args):
    return reverse(f"scrutiny:{name}", args=args)


# Requesting and making a run ----------------------------------------------------------------


def test_a_request_adds_a_queued_run_and_queues_its_task_after_commit(
    performance_lead, committee, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run = report_services.report_run_request(
            by=performance_lead, quarter=QUARTER, committee=committee, meeting=meeting
        )

    assert len(callbacks) == 1
    assert (run.status, run.quarter, run.requested_by, run.meeting) == (
        RunStatus.QUEUED,
        "2024/25 Q4",
        performance_lead,
        meeting,
    )
    assert audit_actions(run) == [AuditAction.CREATE]


def test_a_made_run_is_ready_with_its_file_page_count_checksum_and_timings(made, settings):
    data = made.pdf.open("rb").read()

    assert made.status == RunStatus.READY
    assert data.startswith(b"%PDF-")
    assert made.sha256 == hashlib.sha256(data).hexdigest()
    assert made.page_count == 10
    assert made.started_at <= made.finished_at
    assert made.stage == ""
    assert made.data_as_at == reportfakes.DATA_AS_AT
    assert stored_reports(settings) == [Path(settings.MEDIA_ROOT) / made.pdf.name]
    assert audit_actions(made) == [AuditAction.CREATE, AuditAction.UPDATE]


def test_a_made_run_keeps_its_sections_and_contents_for_the_agenda_pack(made):
    assert "Executive summary" in made.body_html
    assert made.contents[0] == ["summary", "Executive summary"]
    assert ["panel-funding", "Funding splits"] in made.contents


def test_the_cover_names_the_meeting_and_the_person_who_asked(
    performance_lead, committee, meeting, django_capture_on_commit_callbacks
):
    performance_lead.first_name, performance_lead.last_name = "Pat", "Example"
    performance_lead.job_title = "Performance lead"
    performance_lead.save()
    with django_capture_on_commit_callbacks(execute=True):
        run = report_services.report_run_request(
            by=performance_lead, quarter=QUARTER, committee=committee, meeting=meeting
        )
    run.refresh_from_db()

    from tests.pdfutils import lines, pdf_page_texts

    cover = " ".join(lines(pdf_page_texts(run.pdf.open("rb").read())[0]))
    assert "Overview and Scrutiny Committee" in cover
    assert "Date 12 June 2025" in cover
    assert "Contact officer Pat Example Performance lead" in cover


def test_the_stage_is_stored_while_the_run_works(clerk, committee, monkeypatch):
    run = ReportRunFactory(committee=committee, requested_by=clerk)
    seen = []
    real_render = rendering.render_report_document

    def watching(**kwargs):
        seen.append(ReportRun.objects.get(pk=run.pk).stage)
        return real_render(**kwargs)

    monkeypatch.setattr(rendering, "render_report_document", watching)

    runs.report_run_execute(run.pk)

    assert seen == [RunStage.WRITING]
    assert ReportRun.objects.get(pk=run.pk).status == RunStatus.READY


def test_a_failed_run_keeps_its_error_and_leaves_no_file(clerk, committee, monkeypatch, settings):
    def broken(**kwargs):
        raise PdfError("Quarterly report: a chart has no text alternative.")

    monkeypatch.setattr(rendering, "render_report_document", broken)
    run = ReportRunFactory(committee=committee, requested_by=clerk)

    result = runs.report_run_execute(run.pk)

    assert result.status == RunStatus.FAILED
    assert result.error == "Quarterly report: a chart has no text alternative."
    assert not result.pdf
    assert result.finished_at is not None
    assert stored_reports(settings) == []


def test_an_unexpected_error_is_kept_with_its_type(clerk, committee, monkeypatch):
    def broken(**kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(rendering, "render_report_document", broken)
    run = ReportRunFactory(committee=committee, requested_by=clerk)

    assert runs.report_run_execute(run.pk).error == "ZeroDivisionError: division by zero"


def test_a_run_that_cannot_be_marked_ready_removes_the_file_it_stored(
    clerk, committee, monkeypatch, settings
):
    real_audit = runs.audit_record

    def failing_on_ready(**kwargs):
        if kwargs.get("detail", {}).get("status") == "ready":
            raise RuntimeError("database went away")
        return real_audit(**kwargs)

    monkeypatch.setattr(runs, "audit_record", failing_on_ready)
    run = ReportRunFactory(committee=committee, requested_by=clerk)

    result = runs.report_run_execute(run.pk)

    assert result.status == RunStatus.FAILED
    assert result.error == "RuntimeError: database went away"
    assert stored_reports(settings) == []


def test_a_run_being_made_under_a_live_lease_is_left_to_its_worker(clerk, committee):
    run = ReportRunFactory(
        committee=committee,
        requested_by=clerk,
        status=RunStatus.RUNNING,
        attempts=1,
        lease_expires_at=timezone.now() + timedelta(seconds=60),
    )

    result = runs.report_run_execute(run.pk)

    assert (result.status, result.attempts) == (RunStatus.RUNNING, 1)


def test_a_run_whose_worker_died_is_made_by_the_next_copy_of_its_task(clerk, committee):
    run = ReportRunFactory(
        committee=committee,
        requested_by=clerk,
        status=RunStatus.RUNNING,
        attempts=1,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )

    result = runs.report_run_execute(run.pk)

    assert (result.status, result.attempts) == (RunStatus.READY, 2)


def test_a_run_whose_worker_died_on_its_last_attempt_fails_saying_why(clerk, committee, settings):
    run = ReportRunFactory(
        committee=committee,
        requested_by=clerk,
        status=RunStatus.RUNNING,
        attempts=settings.RUN_MAX_ATTEMPTS,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )

    result = runs.report_run_execute(run.pk)

    assert result.status == RunStatus.FAILED
    assert "stopped before it finished, 3 times" in result.error


def test_a_finished_run_is_not_made_twice(made):
    again = runs.report_run_execute(made.pk)

    assert (again.status, again.sha256, again.finished_at) == (
        RunStatus.READY,
        made.sha256,
        made.finished_at,
    )


def test_the_task_makes_the_run(clerk, committee):
    run = ReportRunFactory(committee=committee, requested_by=clerk)

    assert tasks.make_quarterly_report.delay(run.pk).get() == RunStatus.READY


def test_a_failed_run_is_retried_as_a_new_run(
    clerk, committee, monkeypatch, django_capture_on_commit_callbacks
):
    failed = ReportRunFactory(committee=committee, requested_by=clerk, status=RunStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        retry = report_services.report_run_retry(by=clerk, run=failed)
    retry.refresh_from_db()
    failed.refresh_from_db()

    assert retry.pk != failed.pk
    assert (retry.retry_of, retry.status, retry.quarter) == (failed, RunStatus.READY, "2024/25 Q4")
    assert failed.status == RunStatus.FAILED


def test_only_a_failed_run_can_be_retried(clerk, made):
    with pytest.raises(ValidationError, match="Only a failed run can be retried"):
        report_services.report_run_retry(by=clerk, run=made)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COMMISSIONER, Role.COMMITTEE_MEMBER])
def test_only_clerks_and_performance_leads_request_reports(role, committee):
    user = UserFactory(roles=[role])

    with pytest.raises(PermissionDenied):
        report_services.report_run_request(by=user, quarter=QUARTER, committee=committee)
    assert not ReportRun.objects.exists()


def test_a_meeting_of_another_committee_is_refused(clerk, committee, other_meeting):
    with pytest.raises(ValidationError, match="meeting of the chosen committee"):
        report_services.report_run_request(
            by=clerk, quarter=QUARTER, committee=committee, meeting=other_meeting
        )
    assert not ReportRun.objects.exists()


# Publishing and attaching ---------------------------------------------------------------------


def test_a_clerk_publishes_a_ready_report(clerk, made):
    report_services.report_run_publish(by=clerk, run=made)
    made.refresh_from_db()

    assert made.published and made.published_at is not None
    assert audit_actions(made)[-1] == AuditAction.UPDATE


def test_a_performance_lead_cannot_publish(performance_lead, made):
    with pytest.raises(PermissionDenied):
        report_services.report_run_publish(by=performance_lead, run=made)


def test_a_report_that_is_not_ready_cannot_be_published(clerk, committee):
    run = ReportRunFactory(committee=committee)

    with pytest.raises(ValidationError, match="Only a ready report"):
        report_services.report_run_publish(by=clerk, run=run)


def test_attaching_a_report_to_an_item_publishes_it_and_replaces_the_item_s_last_report(
    clerk, committee, item
):
    first = ReportRunFactory(ready=True, committee=committee)
    second = ReportRunFactory(ready=True, committee=committee, quarter="2025/26 Q1")

    report_services.report_run_attach(by=clerk, run=first, item=item)
    report_services.report_run_attach(by=clerk, run=second, item=item)
    first.refresh_from_db()
    second.refresh_from_db()

    assert first.agenda_item is None
    assert (second.agenda_item, second.published) == (item, True)
    assert item.attached_report == second


def test_a_report_cannot_be_attached_to_another_committee_s_item(clerk, committee, other_meeting):
    run = ReportRunFactory(ready=True, committee=committee)
    other_item = AgendaItemFactory(meeting=other_meeting)

    with pytest.raises(ValidationError):
        report_services.report_run_attach(by=clerk, run=run, item=other_item)
    run.refresh_from_db()
    assert run.agenda_item is None and not run.published


# The schedule -----------------------------------------------------------------------------------


def test_the_schedule_drafts_each_committee_s_report_for_the_quarter_just_ended(
    committee, other_committee, monkeypatch, django_capture_on_commit_callbacks
):
    next_meeting = MeetingFactory(committee=committee, date=date(2025, 7, 17))
    MeetingFactory(committee=committee, date=date(2025, 3, 1))
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2025, 4, 10))

    with django_capture_on_commit_callbacks() as queued:
        ids = tasks.draft_quarterly_reports()
    drafts = ReportRun.objects.filter(pk__in=ids)

    assert {(run.committee, run.quarter, run.is_draft, run.requested_by) for run in drafts} == {
        (committee, "2024/25 Q4", True, None),
        (other_committee, "2024/25 Q4", True, None),
    }
    assert {run.committee: run.meeting for run in drafts} == {
        committee: next_meeting,
        other_committee: None,
    }
    # Each draft's work is queued once the drafts are committed, and makes its PDF.
    assert len(queued) == 2
    assert set(drafts.values_list("status", flat=True)) == {RunStatus.QUEUED}
    for callback in queued:
        callback()
    assert set(drafts.values_list("status", flat=True)) == {RunStatus.READY}


def test_the_schedule_drafts_once_per_quarter(committee):
    runs.report_drafts_create(today=date(2025, 4, 10))
    again = runs.report_drafts_create(today=date(2025, 4, 10))

    assert again == []
    assert ReportRun.objects.count() == 1


def test_the_draft_runs_on_the_10th_day_after_each_quarter_ends():
    entry = app.conf.beat_schedule["scrutiny-draft-quarterly-reports"]
    schedule = entry["schedule"]

    assert entry["task"] == tasks.draft_quarterly_reports.name
    assert isinstance(schedule, crontab)
    assert schedule.day_of_month == {10}
    assert schedule.month_of_year == {1, 4, 7, 10}


def test_the_draft_task_drafts_the_reports(committee, monkeypatch):
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(2025, 7, 10))

    ids = tasks.draft_quarterly_reports.delay().get()

    assert ReportRun.objects.get(pk__in=ids).quarter == "2025/26 Q1"


# Pages -----------------------------------------------------------------------------------------


def test_a_clerk_requests_a_report_and_is_taken_to_its_progress_page(
    login, clerk, committee, django_capture_on_commit_callbacks
):
    client = login(clerk)
    form = client.get(url("report_request"))
    latest = form.context["form"].fields["quarter"].initial

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("report_request"), {"quarter": latest, "committee": committee.pk}
        )

    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert run.quarter == latest == str(FinancialQuarter.last_complete())


def test_a_request_with_no_committee_says_what_is_missing(login, clerk):
    response = login(clerk).post(url("report_request"), {"quarter": "2024/25 Q4"})

    assert "Choose the committee the report is for" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_the_progress_page_reloads_itself_while_the_run_is_under_way(login, clerk, committee):
    run = ReportRunFactory(committee=committee, status=RunStatus.RUNNING, stage=RunStage.CHARTS)

    response = login(clerk).get(run.get_absolute_url())

    assert response["Refresh"] == "3"
    page = response.content.decode()
    assert "Drawing charts" in page
    assert "Requested 0 seconds ago" in page or "seconds ago" in page
    assert "Stop updating this page" in page


def test_the_progress_page_stops_reloading_when_asked(login, clerk, committee):
    run = ReportRunFactory(committee=committee)

    response = login(clerk).get(run.get_absolute_url() + "?refresh=off")

    assert "Refresh" not in response
    assert "no longer updates itself" in response.content.decode()


def test_a_ready_run_s_page_stops_reloading_and_offers_the_download(login, clerk, made):
    response = login(clerk).get(made.get_absolute_url())
    page = response.content.decode()

    assert "Refresh" not in response
    assert "Download the report (PDF, 10 pages)" in page
    assert made.sha256 in page
    assert "Publish to the committee" in page


def test_a_failed_run_s_page_shows_its_error_and_a_retry_button(login, clerk, committee):
    run = ReportRunFactory(
        committee=committee, status=RunStatus.FAILED, error="Item 3 could not be read as a PDF."
    )

    page = login(clerk).get(run.get_absolute_url()).content.decode()

    assert "Item 3 could not be read as a PDF." in page
    assert "Try again" in page


def test_the_retry_button_makes_a_new_run(
    login, clerk, committee, django_capture_on_commit_callbacks
):
    failed = ReportRunFactory(committee=committee, status=RunStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(clerk).post(url("report_retry", failed.pk))

    retry = ReportRun.objects.get(retry_of=failed)
    assert response.url == retry.get_absolute_url()


def test_downloading_a_report_sends_the_pdf_and_writes_an_audit_row(login, clerk, made):
    response = login(clerk).get(url("report_download", made.pk))

    assert response["Content-Type"] == "application/pdf"
    assert (
        (response["Content-Disposition"])
        == 'attachment; filename="quarterly-performance-report-202425-q4.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert (event.user, event.object_id) == (clerk, str(made.pk))


def test_a_run_that_is_not_ready_has_nothing_to_download(login, clerk, committee):
    run = ReportRunFactory(committee=committee)

    assert login(clerk).get(url("report_download", run.pk)).status_code == 404


def test_the_history_shows_who_asked_and_how_long_each_run_took(
    login, clerk, committee, performance_lead
):
    performance_lead.first_name, performance_lead.last_name = "Pat", "Example"
    performance_lead.save()
    ReportRunFactory(ready=True, committee=committee, requested_by=performance_lead)
    ReportRunFactory(committee=committee, requested_by=None, is_draft=True)

    page = login(clerk).get(url("report_list")).content.decode()

    assert "Pat Example" in page
    assert "The quarterly schedule" in page
    assert "0 seconds" in page
    assert "2024/25 Q4 (draft)" in page


def test_members_see_only_published_reports_of_their_committees(
    login, committee_member, committee, other_committee
):
    published = ReportRunFactory(ready=True, published=True, committee=committee)
    unpublished = ReportRunFactory(ready=True, committee=committee)
    elsewhere = ReportRunFactory(ready=True, published=True, committee=other_committee)
    client = login(committee_member)

    listed = list(client.get(url("report_list")).context["runs"])

    assert listed == [published]
    assert client.get(url("report_download", published.pk)).status_code == 200
    assert client.get(url("report_download", unpublished.pk)).status_code == 404
    assert client.get(url("report_detail", elsewhere.pk)).status_code == 404


def test_publishing_through_the_page(login, clerk, made):
    response = login(clerk).post(url("report_publish", made.pk))

    made.refresh_from_db()
    assert response.url == made.get_absolute_url()
    assert made.published


def test_attaching_through_the_page_shows_the_report_on_the_item(login, clerk, made, item):
    client = login(clerk)
    form = client.get(url("report_attach", made.pk))
    assert item in form.context["form"].fields["agenda_item"].queryset

    response = client.post(url("report_attach", made.pk), {"agenda_item": item.pk})

    assert response.url == item.get_absolute_url()
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Quarterly performance report 2024/25 Q4 (PDF, 10 pages)" in page


def test_a_member_downloads_the_report_attached_to_their_committee_s_item(
    login, clerk, committee_member, made, item
):
    report_services.report_run_attach(by=clerk, run=made, item=item)
    client = login(committee_member)

    page = client.get(item.get_absolute_url()).content.decode()

    assert url("report_download", made.pk) in page
    assert client.get(url("report_download", made.pk)).status_code == 200


def test_the_reports_page_is_in_the_navigation_of_those_who_use_it(
    login, clerk, committee_member, performance_lead, commissioner
):
    for user, shown in [
        (clerk, True),
        (committee_member, True),
        (performance_lead, True),
        (commissioner, False),
    ]:
        page = login(user).get(reverse("scrutiny:my_actions")).content.decode()
        assert (f'href="{url("report_list")}"' in page) is shown, user
