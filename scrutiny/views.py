"""Pages for committees, meetings, agenda items, resolutions and the action tracker.

Each view checks the role first (403), then fetches its object through a selector (404 when the
user may not see it). Writes go through services; their errors are shown on the form. The
meeting cycle's pages (membership, attendance, minutes) are in `views_meetings.py`; the
delivery plan's and the review register's in `views_plans.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_POST

from partnership.csvexport import csv_response
from partnership.forms import save_and_redirect
from partnership.listing import paged
from partnership.permissions import role_required

from . import selectors, services
from .constants import (
    ACTION_MANAGER_ROLES,
    COMMITTEE_ROLES,
    MANAGER_ROLES,
    PLAN_READER_ROLES,
    RAG_DESCRIPTIONS,
    TRACKER_PAGE_SIZE,
    TRACKER_ROLES,
    ActionSource,
    ItemKind,
    MeetingStatus,
    MinutesStatus,
    Rag,
)
from .files import download_response
from .forms import (
    ActionCloseForm,
    ActionCompleteForm,
    ActionFilterForm,
    ActionForm,
    ActionUpdateForm,
    AgendaDocumentForm,
    AgendaItemForm,
    CommitteeForm,
    MeetingForm,
    OtherActionForm,
    ResolutionForm,
    TopicForm,
)
from .forms_plans import MilestoneForm, RecommendationForm
from .metrics import actions_by_rag
from .models import CommitteeMembership, Declaration, ItemMinute, Minutes
from .services_meetings import members_on

manager_required = role_required(*MANAGER_ROLES)
committee_roles_required = role_required(*COMMITTEE_ROLES)
tracker_roles_required = role_required(*TRACKER_ROLES)


def _today():
    return timezone.localdate()


def _form_page(request, form, *, title, back_url, caption="", intro=""):
    return render(
        request,
        "scrutiny/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": resolve_url(back_url),
            "intro": intro,
        },
    )


# Committees -------------------------------------------------------------------------------------


@committee_roles_required
def committee_list(request):
    committees = selectors.committees_for_user(request.user).select_related("clerk")
    return render(
        request,
        "scrutiny/committee_list.html",
        {"committees": committees, "is_manager": selectors.is_manager(request.user)},
    )


@committee_roles_required
def committee_detail(request, pk):
    committee = selectors.get_committee_for_user(request.user, pk)
    today = _today()
    return render(
        request,
        "scrutiny/committee_detail.html",
        {
            "committee": committee,
            "members": members_on(committee, today),
            "former_members": CommitteeMembership.objects.filter(
                committee=committee, end_date__lt=today
            ).select_related("member__organisation"),
            "future_members": CommitteeMembership.objects.filter(
                committee=committee, start_date__gt=today
            ).select_related("member__organisation"),
            "upcoming": selectors.upcoming_meetings_for_user(request.user, committee, today=today),
            "past": selectors.past_meetings_for_user(request.user, committee, today=today),
            "summary": actions_by_rag(
                today=today,
                committee=committee,
                actions=selectors.tracker_actions_for_user(request.user),
            ),
            "is_manager": selectors.is_manager(request.user),
        },
    )


@manager_required
def committee_create(request):
    form = CommitteeForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.committee_create(by=request.user, request=request, **data),
        success="Committee added.",
    )
    return saved or _form_page(
        request, form, title="Add a committee", back_url="scrutiny:committee_list"
    )


@manager_required
def committee_edit(request, pk):
    committee = selectors.get_committee_for_user(request.user, pk)
    initial = {
        "name": committee.name,
        "description": committee.description,
        "clerk": committee.clerk,
    }
    form = CommitteeForm(request.POST or None, initial=initial)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.committee_update(
            by=request.user, committee=committee, request=request, **data
        ),
        success="Committee saved.",
    )
    return saved or _form_page(
        request, form, title="Change the committee", caption=committee.name, back_url=committee
    )


# Meetings ---------------------------------------------------------------------------------------


@manager_required
def meeting_create(request, committee_pk):
    committee = selectors.get_committee_for_user(request.user, committee_pk)
    form = MeetingForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.meeting_create(
            by=request.user, committee=committee, request=request, **data
        ),
        success="Meeting added with its standard items. Now add its reports.",
    )
    return saved or _form_page(
        request,
        form,
        title="Add a meeting",
        caption=committee.name,
        back_url=committee,
        intro="Its agenda starts with the standard items: apologies for absence, declarations "
        "of interest and, when there are draft minutes to approve, the minutes of the previous "
        "meeting. You can remove any of them.",
    )


@committee_roles_required
def meeting_detail(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    items = selectors.meeting_items_for_user(request.user, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    is_manager = selectors.is_manager(request.user)
    return render(
        request,
        "scrutiny/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "minutes": minutes,
            "minutes_readable": is_manager
            or (minutes is not None and minutes.status != MinutesStatus.DRAFT),
            "is_manager": is_manager,
        },
    )


@manager_required
def meeting_edit(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    initial = {
        "date": meeting.date,
        "start_time": meeting.start_time.strftime("%H:%M"),
        "venue": meeting.venue,
        "status": meeting.status,
    }
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        minutes_approved=meeting.status == MeetingStatus.MINUTES_APPROVED,
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.meeting_update(
            by=request.user, meeting=meeting, request=request, **data
        ),
        success="Meeting saved.",
    )
    return saved or _form_page(
        request, form, title="Change the meeting", caption=str(meeting), back_url=meeting
    )


# Agenda items and their documents ---------------------------------------------------------------


@manager_required
def agenda_item_create(request, meeting_pk):
    meeting = selectors.get_meeting_for_user(request.user, meeting_pk)
    form = AgendaItemForm(request.POST or None, initial={"all_wards": True, "exempt": False})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.agenda_item_create(
            by=request.user, meeting=meeting, request=request, **data
        ),
        success="Agenda item added.",
        to=meeting,
    )
    return saved or _form_page(
        request,
        form,
        title="Add an agenda item",
        caption=str(meeting),
        back_url=meeting,
        intro="Write the item as a committee report. It is added at the end of the agenda; "
        "move it up or down on the meeting page.",
    )


@committee_roles_required
def agenda_item_detail(request, pk):
    item = selectors.get_agenda_item_for_user(request.user, pk)
    today = _today()
    resolutions = item.resolutions.prefetch_related("actions")
    actions = selectors.item_actions_for_user(request.user, item, today=today)
    actions_by_resolution: dict[int, list] = {}
    for action in actions:
        actions_by_resolution.setdefault(action.resolution_id, []).append(action)
    meeting = item.meeting
    declarations = Declaration.objects.filter(agenda_item__meeting=meeting).select_related(
        "member", "agenda_item"
    )
    if item.kind != ItemKind.DECLARATIONS:
        declarations = declarations.filter(agenda_item=item)
    if not selectors.is_manager(request.user):
        declarations = declarations.filter(
            agenda_item__in=selectors.agenda_items_for_user(request.user)
        )
    return render(
        request,
        "scrutiny/agenda_item_detail.html",
        {
            "item": item,
            "meeting": meeting,
            "minute": ItemMinute.objects.filter(agenda_item=item).first(),
            "declarations": declarations,
            "attendance": meeting.attendance.select_related("member", "substitute")
            if item.kind == ItemKind.APOLOGIES
            else [],
            "previous_minutes": Minutes.objects.filter(meeting=item.minutes_of_id).first()
            if item.minutes_of_id
            else None,
            "resolutions": [
                (resolution, actions_by_resolution.get(resolution.pk, []))
                for resolution in resolutions
            ],
            "documents": item.documents.all(),
            "wards": item.wards.all(),
            "topics": item.topics.all(),
            "is_manager": selectors.is_manager(request.user),
        },
    )


@manager_required
def agenda_item_edit(request, pk):
    item = selectors.get_agenda_item_for_user(request.user, pk)
    if not item.is_report:
        messages.info(request, f"{item.title} is a standard item: it has no report to change.")
        return redirect(item)
    fields = services.AGENDA_ITEM_FIELDS
    initial = {name: getattr(item, name) for name in fields}
    initial |= {"wards": list(item.wards.all()), "topics": list(item.topics.all())}
    form = AgendaItemForm(request.POST or None, initial=initial)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.agenda_item_update(
            by=request.user, item=item, request=request, **data
        ),
        success="Agenda item saved.",
    )
    return saved or _form_page(
        request, form, title="Change the agenda item", caption=str(item), back_url=item
    )


@manager_required
@require_POST
def agenda_item_move(request, pk):
    item = selectors.get_agenda_item_for_user(request.user, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404
    moved = services.agenda_item_move(
        by=request.user, item=item, direction=direction, request=request
    )
    if moved:
        messages.success(request, f"{item.title} is now item {item.number}.")
    return redirect(item.meeting)


@manager_required
def agenda_document_add(request, item_pk):
    item = selectors.get_agenda_item_for_user(request.user, item_pk)
    form = AgendaDocumentForm(request.POST or None, request.FILES or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.agenda_document_add(
            by=request.user, item=item, request=request, **data
        ),
        success="Document uploaded.",
        to=item,
    )
    return saved or _form_page(
        request,
        form,
        title="Upload a document",
        caption=str(item),
        back_url=item,
        intro="Attach an appendix or a presentation as a PDF, so it can go into the agenda pack."
        + (
            " This item is exempt: its documents are seen only by the committee."
            if item.exempt
            else ""
        ),
    )


@committee_roles_required
def agenda_document_download(request, pk):
    document = selectors.get_document_for_user(request.user, pk)
    services.agenda_document_record_download(by=request.user, document=document, request=request)
    return download_response(document.file, document.original_name)


@manager_required
def agenda_document_delete(request, pk):
    document = selectors.get_document_for_user(request.user, pk)
    item = document.agenda_item
    if request.method == "POST":
        services.agenda_document_delete(by=request.user, document=document, request=request)
        messages.success(request, f"{document.title} removed.")
        return redirect(item)
    return render(
        request, "scrutiny/agenda_document_delete.html", {"document": document, "item": item}
    )


# Resolutions ------------------------------------------------------------------------------------


@manager_required
def resolution_create(request, item_pk):
    item = selectors.get_agenda_item_for_user(request.user, item_pk)
    form = ResolutionForm(
        request.POST or None, initial={"label": services.next_resolution_label(item)}
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.resolution_create(
            by=request.user, agenda_item=item, request=request, **data
        ),
        success="Resolution recorded.",
        to=item,
    )
    return saved or _form_page(
        request,
        form,
        title="Record a resolution",
        caption=str(item),
        back_url=item,
        intro="Record each part of what the committee resolved separately, with its label from "
        "the minutes, so actions can be raised from it.",
    )


@manager_required
def resolution_edit(request, pk):
    resolution = selectors.get_resolution_for_user(request.user, pk)
    item = resolution.agenda_item
    form = ResolutionForm(
        request.POST or None, initial={"label": resolution.label, "text": resolution.text}
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.resolution_update(
            by=request.user, resolution=resolution, request=request, **data
        ),
        success="Resolution saved.",
        to=item,
    )
    return saved or _form_page(
        request, form, title="Change the resolution", caption=str(item), back_url=item
    )


# Topics -----------------------------------------------------------------------------------------


@committee_roles_required
def topic_list(request):
    return render(
        request,
        "scrutiny/topic_list.html",
        {
            "topics": selectors.topics_for_user(request.user),
            "is_manager": selectors.is_manager(request.user),
        },
    )


@committee_roles_required
def topic_detail(request, pk):
    topic = selectors.get_topic_for_user(request.user, pk)
    items = list(selectors.topic_items_for_user(request.user, topic))
    actions = selectors.topic_actions_for_user(request.user, items, today=_today())
    by_item: dict[int, list] = {}
    for action in actions:
        by_item.setdefault(action.resolution.agenda_item_id, []).append(action)
    return render(
        request,
        "scrutiny/topic_detail.html",
        {"topic": topic, "history": [(item, by_item.get(item.pk, [])) for item in items]},
    )


@manager_required
def topic_create(request):
    form = TopicForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.topic_create(by=request.user, request=request, **data),
        success="Topic added.",
    )
    return saved or _form_page(request, form, title="Add a topic", back_url="scrutiny:topic_list")


# Actions ----------------------------------------------------------------------------------------

TRACKER_HEADER = [
    "Reference",
    "Source",
    "Source detail",
    "Committee",
    "Meeting date",
    "Resolution",
    "Action",
    "Priority",
    "Owner",
    "Owner's organisation",
    "Due date",
    "Latest update",
    "Status",
    "RAG",
]


def _tracker_row(action) -> list[str]:
    """One action as the tracker's CSV has it; the committee columns only for resolutions."""
    meeting = action.meeting
    return [
        action.reference,
        action.get_source_display(),
        action.source_detail,
        meeting.committee.name if meeting else "",
        meeting.date.isoformat() if meeting else "",
        f"({action.resolution.label}) {action.resolution.text}" if action.resolution_id else "",
        action.description,
        action.get_priority_display(),
        action.owner.get_full_name() or action.owner.username,
        action.owner_organisation or "",
        action.due_date.isoformat(),
        action.latest_update_text or "",
        action.get_status_display(),
        Rag(action.rag).label,
    ]


def _tracker(request):
    """The tracker's actions as the address asks: filtered, then sorted (the page and its CSV
    alike)."""
    today = _today()
    visible = selectors.tracker_actions_for_user(request.user)
    form = ActionFilterForm(request.GET or None, actions=visible)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sorting = selectors.TRACKER_SORTING.chosen(request.GET.get("sort"))
    actions = sorting.apply(selectors.tracker_actions(request.user, today=today, filters=filters))
    return today, visible, form, actions, sorting


@tracker_roles_required
def action_list(request):
    today, visible, form, actions, sorting = _tracker(request)
    committee = form.cleaned_data.get("committee") if form.is_bound and form.is_valid() else None
    listing = paged(actions, request.GET.get("page"), per_page=TRACKER_PAGE_SIZE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "scrutiny/action_list.html",
        {
            "form": form,
            "actions": listing.rows,
            "listing": listing,
            "pagination": listing.pagination(request.GET),
            "last_page_url": listing.url_for(request.GET, listing.page_count),
            "headers": sorting.headers(request.GET),
            "sort": sorting.parameter,
            "filters_on": form.active_filters(),
            "summary": actions_by_rag(today=today, committee=committee, actions=visible),
            "rag_descriptions": [(Rag(rag), text) for rag, text in RAG_DESCRIPTIONS.items()],
            "query": export_query.urlencode(),
            "today": today,
            "may_raise_other": request.user.has_role(*ACTION_MANAGER_ROLES[ActionSource.OTHER]),
        },
    )


@tracker_roles_required
def action_export(request):
    today, _visible, _form, actions, _sorting = _tracker(request)
    rows = [_tracker_row(action) for action in actions]
    services.actions_record_export(
        by=request.user,
        rows=len(rows),
        filters=[name for name, value in request.GET.items() if value and name != "sort"],
        request=request,
    )
    return csv_response(f"action-tracker-{today.isoformat()}.csv", TRACKER_HEADER, rows)


def my_actions(request):
    """Anyone may own actions, so any signed-in user has this page."""
    actions = selectors.my_actions(request.user, today=_today())
    return render(
        request,
        "scrutiny/action_mine.html",
        {
            "open_actions": [action for action in actions if action.is_open],
            "closed_actions": [action for action in actions if not action.is_open],
        },
    )


def _source_link(user, action) -> str:
    """A link to the action's source, when the user may open it."""
    if action.source == ActionSource.RESOLUTION:
        item = action.resolution.agenda_item
        return (
            item.get_absolute_url()
            if selectors.agenda_items_for_user(user).filter(pk=item.pk).exists()
            else ""
        )
    if action.source == ActionSource.COMMITMENT and user.has_role(*PLAN_READER_ROLES):
        return action.commitment.get_absolute_url()
    if action.source == ActionSource.RECOMMENDATION and selectors.may_see_reviews(user):
        return action.review.get_absolute_url()
    return ""


def action_detail(request, pk):
    action = selectors.get_action_for_user(request.user, pk, today=_today())
    return render(
        request,
        "scrutiny/action_detail.html",
        {
            "action": action,
            "meeting": action.meeting,
            "source_url": _source_link(request.user, action),
            "updates": action.updates.select_related("author"),
            "supersedes": action.supersedes.all(),
            "may_work": selectors.may_work_on_action(request.user, action),
            "may_manage": selectors.may_manage_action(request.user, action),
            "back_url": resolve_url(
                "scrutiny:action_list"
                if request.user.has_role(*TRACKER_ROLES)
                else "scrutiny:my_actions"
            ),
        },
    )


@manager_required
def action_create(request, resolution_pk):
    resolution = selectors.get_resolution_for_user(request.user, resolution_pk)
    item = resolution.agenda_item
    form = ActionForm(request.POST or None, initial={"priority": "medium"})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_create(
            by=request.user, resolution=resolution, request=request, **data
        ),
        success=lambda action: f"Action {action.reference} raised.",
        to=item,
    )
    return saved or _form_page(
        request,
        form,
        title="Raise an action",
        caption=f"Resolution ({resolution.label}) of {item}",
        back_url=item,
        intro=f"The committee resolved: {resolution.text} The meeting was on "
        f"{format_date(item.meeting.date, 'j F Y')}; the due date must be after it.",
    )


@role_required(*ACTION_MANAGER_ROLES[ActionSource.OTHER])
def action_create_other(request):
    """An action from a source the app does not keep (a development day, a letter)."""
    form = OtherActionForm(request.POST or None, initial={"priority": "medium"})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_create(by=request.user, request=request, **data),
        success=lambda action: f"Action {action.reference} raised.",
    )
    return saved or _form_page(
        request,
        form,
        title="Raise an action from another source",
        back_url="scrutiny:action_list",
        intro="For an action that comes from neither a committee resolution, nor the delivery "
        "plan, nor a review: say where it came from. It is tracked like every other action.",
    )


# The form for each source's actions: the same fields, plus what that source asks for.
ACTION_FORMS = {
    ActionSource.RESOLUTION: ActionForm,
    ActionSource.COMMITMENT: MilestoneForm,
    ActionSource.RECOMMENDATION: RecommendationForm,
    ActionSource.OTHER: OtherActionForm,
}


def _action_to_manage(request, pk):
    """The action, if the user may change or close it (its source's managers); else 403."""
    action = selectors.get_action_for_user(request.user, pk, today=_today())
    if not selectors.may_manage_action(request.user, action):
        raise PermissionDenied
    return action


@tracker_roles_required
def action_edit(request, pk):
    action = _action_to_manage(request, pk)
    initial = {
        "description": action.description,
        "owner": action.owner,
        "due_date": action.due_date,
        "priority": action.priority,
        "source_agency": action.source_agency,
        "other_source": action.other_source,
    }
    form = ACTION_FORMS[ActionSource(action.source)](request.POST or None, initial=initial)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_edit(by=request.user, action=action, request=request, **data),
        success="Action saved.",
    )
    return saved or _form_page(
        request, form, title="Change the action", caption=action.reference, back_url=action
    )


def _action_to_work_on(request, pk):
    """The action, if the user may add updates to it or complete it; else 403 or a redirect."""
    action = selectors.get_action_for_user(request.user, pk, today=_today())
    if not selectors.is_owner_or_manager(request.user, action):
        raise PermissionDenied
    return action


def action_update_add(request, pk):
    action = _action_to_work_on(request, pk)
    if not action.is_open:
        messages.info(request, "This action is closed, so it takes no more updates.")
        return redirect(action)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_update_add(
            by=request.user, action=action, request=request, **data
        ),
        success="Update added.",
        to=action,
    )
    return saved or _form_page(
        request,
        form,
        title="Add an update",
        caption=action.reference,
        back_url=action,
        intro=action.description,
    )


def action_complete(request, pk):
    action = _action_to_work_on(request, pk)
    if not action.is_open:
        messages.info(request, "This action is already closed.")
        return redirect(action)
    form = ActionCompleteForm(request.POST or None, request.FILES or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_complete(
            by=request.user, action=action, today=_today(), request=request, **data
        ),
        success=f"Action {action.reference} completed.",
    )
    return saved or _form_page(
        request,
        form,
        title="Complete the action",
        caption=action.reference,
        back_url=action,
        intro="Give the evidence that the action is done: upload a file, or link to the "
        "published report or dashboard page the committee can check.",
    )


@tracker_roles_required
def action_close(request, pk):
    action = _action_to_manage(request, pk)
    if not action.is_open:
        messages.info(request, "This action is already closed.")
        return redirect(action)
    form = ActionCloseForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.action_close(
            by=request.user, action=action, today=_today(), request=request, **data
        ),
        success=f"Action {action.reference} closed.",
    )
    return saved or _form_page(
        request,
        form,
        title="Close the action without completing it",
        caption=action.reference,
        back_url=action,
        intro="When the committee accepts that an action is not feasible, or another action "
        "replaces it.",
    )


def action_evidence(request, pk):
    action = selectors.get_action_for_user(request.user, pk, today=_today())
    if not action.evidence_file:
        raise Http404
    return download_response(action.evidence_file, action.evidence_name or "evidence")
