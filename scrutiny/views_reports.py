"""Pages for quarterly performance reports and agenda packs.

Clerks and performance leads request a report for a quarter and watch its run's page until it
is ready (the page reloads itself every few seconds while the run is queued or running, with an
HTTP Refresh header: no JavaScript, nothing for the Content-Security-Policy to block, and a link
to stop it). Clerks publish a ready report, attach it to an agenda item and export a meeting's
agenda packs. Committee members download the published reports and packs of their committees.
Every download is written to the audit log.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_POST

from partnership.calendar import FinancialQuarter
from partnership.constants import Role
from partnership.forms import save_and_redirect
from partnership.permissions import role_required

from . import selectors
from .constants import COMMITTEE_ROLES, MANAGER_ROLES, MeetingStatus
from .files import download_response
from .forms import GovForm
from .models import AgendaItem, Committee, Meeting
from .reports import selectors as report_selectors
from .reports import services as report_services
from .views import _form_page

REFRESH_SECONDS = 3
# How many quarters back a report can be requested for.
QUARTERS_OFFERED = 12

report_readers_required = role_required(Role.CLERK, Role.PERFORMANCE_LEAD, Role.COMMITTEE_MEMBER)
requesters_required = role_required(*report_selectors.REPORT_REQUEST_ROLES)
manager_required = role_required(*MANAGER_ROLES)
committee_roles_required = role_required(*COMMITTEE_ROLES)


# Forms ----------------------------------------------------------------------------------------


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.committee.name}, {format_date(obj.date, 'j F Y')}"


class AgendaItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"{format_date(obj.meeting.date, 'j F Y')}: item {obj.number}, {obj.title}"


class ReportRequestForm(GovForm):
    submit_label = "Request the report"
    quarter = forms.ChoiceField(
        label="Financial quarter",
        help_text="The report covers the three months of this quarter, compared with the same "
        "quarter a year earlier.",
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.all(),
        empty_label="Choose a committee",
        help_text="The committee the report goes to: its name is printed on the cover and its "
        "action tracker is the appendix.",
        error_messages={"required": "Choose the committee the report is for"},
    )
    meeting = MeetingChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="No meeting: print today's date",
        label="Meeting (optional)",
        help_text="Printed on the cover. Leave empty to print today's date instead.",
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        latest = FinancialQuarter.last_complete(today)
        quarters = latest.quarters_back(QUARTERS_OFFERED)[::-1]
        self.fields["quarter"].choices = [(q.label, q.label) for q in quarters]
        self.fields["quarter"].initial = latest.label
        self.fields["meeting"].queryset = (
            Meeting.objects.select_related("committee")
            .filter(date__gte=today)
            .order_by("date", "committee__name")
        )

    def clean_quarter(self) -> FinancialQuarter:
        return FinancialQuarter.parse(self.cleaned_data["quarter"])


class ReportAttachForm(GovForm):
    submit_label = "Attach the report"
    agenda_item = AgendaItemChoiceField(
        queryset=AgendaItem.objects.none(),
        label="Agenda item",
        help_text="Items of this committee's meetings whose minutes are not yet approved. The "
        "report goes into the item's papers in the agenda pack.",
        error_messages={"required": "Choose the agenda item to attach the report to"},
    )

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = (
            AgendaItem.objects.select_related("meeting")
            .filter(meeting__committee=committee)
            .exclude(meeting__status=MeetingStatus.MINUTES_APPROVED)
            .order_by("meeting__date", "number")
        )


# Reports --------------------------------------------------------------------------------------


def _refreshing(request, response, pending: bool):
    """While work is under way, ask the browser to load the page again in a few seconds."""
    if pending and request.GET.get("refresh") != "off":
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@report_readers_required
def report_list(request):
    return render(
        request,
        "scrutiny/report_list.html",
        {
            "runs": report_selectors.report_runs_for_user(request.user)[:100],
            "may_request": report_selectors.may_request_reports(request.user),
        },
    )


@requesters_required
def report_request(request):
    today = timezone.localdate()
    form = ReportRequestForm(request.POST or None, today=today)
    saved = save_and_redirect(
        request,
        form,
        lambda data: report_services.report_run_request(by=request.user, request=request, **data),
        success="Report requested. This page shows its progress.",
    )
    return saved or _form_page(
        request,
        form,
        title="Request a quarterly performance report",
        back_url="scrutiny:report_list",
        intro="The report is made from the committee dashboard's figures, with small numbers "
        "hidden as they are for committee members. It takes a few seconds; you can leave the "
        "page and come back.",
    )


@report_readers_required
def report_detail(request, pk):
    run = report_selectors.get_report_run_for_user(request.user, pk)
    is_manager = selectors.is_manager(request.user)
    response = render(
        request,
        "scrutiny/report_detail.html",
        {
            "run": run,
            "may_request": report_selectors.may_request_reports(request.user),
            "is_manager": is_manager,
            "refresh_seconds": REFRESH_SECONDS,
            "refresh_off": request.GET.get("refresh") == "off",
        },
    )
    return _refreshing(request, response, run.is_pending)


@report_readers_required
def report_download(request, pk):
    run = report_selectors.get_report_run_for_user(request.user, pk)
    if not run.is_ready:
        raise Http404
    report_services.record_download(by=request.user, obj=run, request=request)
    return download_response(run.pdf, run.download_name)


@manager_required
@require_POST
def report_publish(request, pk):
    run = report_selectors.get_report_run_for_user(request.user, pk)
    try:
        report_services.report_run_publish(by=request.user, run=run, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Published to the members of {run.committee}.")
    return redirect(run)


@requesters_required
@require_POST
def report_retry(request, pk):
    run = report_selectors.get_report_run_for_user(request.user, pk)
    try:
        retry = report_services.report_run_retry(by=request.user, run=run, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(run)
    messages.success(request, "Trying again as a new run. This page shows its progress.")
    return redirect(retry)


@manager_required
def report_attach(request, pk):
    run = report_selectors.get_report_run_for_user(request.user, pk)
    if not run.is_ready:
        messages.info(request, "Only a ready report can be attached to an agenda item.")
        return redirect(run)
    form = ReportAttachForm(request.POST or None, committee=run.committee)
    saved = save_and_redirect(
        request,
        form,
        lambda data: report_services.report_run_attach(
            by=request.user, run=run, item=data["agenda_item"], request=request
        ),
        success=lambda _run: (
            f"Report attached to item {form.cleaned_data['agenda_item'].number}, "
            f"{form.cleaned_data['agenda_item'].title}."
        ),
        to=lambda _run: form.cleaned_data["agenda_item"],
    )
    return saved or _form_page(
        request,
        form,
        title="Attach the report to an agenda item",
        caption=str(run),
        back_url=run,
        intro="The report goes into the agenda pack after the item's cover, and its members "
        "can download it. An item has one report: attaching this one replaces any other.",
    )


# Agenda packs ---------------------------------------------------------------------------------


@committee_roles_required
def agenda_pack_list(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    packs = list(report_selectors.packs_for_user(request.user, meeting))
    is_manager = selectors.is_manager(request.user)
    response = render(
        request,
        "scrutiny/report_pack_list.html",
        {
            "meeting": meeting,
            "packs": packs,
            "latest": report_selectors.latest_ready(packs),
            "is_manager": is_manager,
            "has_exempt": selectors.meeting_has_exempt_items(meeting),
            "refresh_seconds": REFRESH_SECONDS,
            "refresh_off": request.GET.get("refresh") == "off",
            "pending": any(pack.is_pending for pack in packs),
            "waiting_for_broker": any(pack.is_waiting_for_broker for pack in packs),
        },
    )
    return _refreshing(request, response, any(pack.is_pending for pack in packs))


@manager_required
@require_POST
def agenda_pack_export(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    try:
        packs = report_services.agenda_pack_request(
            by=request.user, meeting=meeting, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Making the public and restricted packs."
            if len(packs) > 1
            else "Making the agenda pack.",
        )
    return redirect("scrutiny:agenda_pack_list", pk=meeting.pk)


@committee_roles_required
def agenda_pack_download(request, pk):
    pack = report_selectors.get_agenda_pack_for_user(request.user, pk)
    if not pack.is_ready:
        raise Http404
    report_services.record_download(by=request.user, obj=pack, request=request)
    return download_response(pack.pdf, pack.download_name)
