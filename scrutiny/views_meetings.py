"""Pages for the meeting cycle: membership, attendance, declarations, removing items, the
minutes (drafted item by item, sent to the next meeting, approved there, amended, published).

Clerks (and admins) make every change. Committee members read a meeting's minutes once they
are sent to the next meeting, and download the published PDFs: the public part, and the exempt
part that, like exempt items, only the committee reads. Approved minutes are never changed
here except through an amendment (`minutes_amend`), which records what changed and why.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.constants import Role
from partnership.forms import save_and_redirect
from partnership.models import User
from partnership.permissions import role_required

from . import selectors, services_meetings
from .constants import COMMITTEE_ROLES, MANAGER_ROLES, AmendmentKind, ItemKind, MinutesStatus
from .files import download_response
from .forms_meetings import (
    AmendmentForm,
    AttendanceForm,
    DeclarationForm,
    ItemMinuteForm,
    MembershipEndForm,
    MembershipForm,
    OtherAttendeeForm,
    QuestionForm,
)
from .minutes import Part, minutes_document
from .models import (
    ItemMinute,
    Minutes,
)
from .services import MINUTES_LOCKED
from .views import _form_page

manager_required = role_required(*MANAGER_ROLES)
committee_roles_required = role_required(*COMMITTEE_ROLES)


def _today():
    return timezone.localdate()


def _confirm_page(request, *, title, caption, text, button, back_url, warning=False):
    return render(
        request,
        "scrutiny/confirm.html",
        {
            "title": title,
            "caption": caption,
            "text": text,
            "button": button,
            "back_url": back_url,
            "warning": warning,
        },
    )


def _run(request, write, *, success) -> bool:
    """Run a write from a button (no form fields); show its error as a message."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


# Membership -------------------------------------------------------------------------------------


@manager_required
def membership_add(request, committee_pk):
    committee = selectors.get_committee_for_user(request.user, committee_pk)
    form = MembershipForm(request.POST or None, initial={"start_date": _today()})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.membership_add(
            by=request.user, committee=committee, request=request, **data
        ),
        success=lambda seat: f"{seat.member.get_full_name()} added to the committee.",
        to=committee,
    )
    return saved or _form_page(
        request,
        form,
        title="Add a member",
        caption=committee.name,
        back_url=committee,
        intro="Members read the committee's meetings, including exempt items, and its actions, "
        "from the day their membership starts until the day it ends.",
    )


@manager_required
def membership_end(request, pk):
    membership = selectors.get_membership_for_user(request.user, pk)
    committee = selectors.get_committee_for_user(request.user, membership.committee_id)
    form = MembershipEndForm(request.POST or None, initial={"end_date": _today()})
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.membership_end(
            by=request.user, membership=membership, request=request, **data
        ),
        success=f"{membership.member.get_full_name()}'s membership ended.",
        to=committee,
    )
    return saved or _form_page(
        request,
        form,
        title="End a membership",
        caption=f"{membership.member.get_full_name()}, {committee.name}",
        back_url=committee,
        intro="After this day they no longer read the committee's papers. Their attendance "
        "at past meetings stays in the minutes.",
    )


# Attendance and declarations --------------------------------------------------------------------


def _substitute_choices(seats):
    members = [seat.member_id for seat in seats]
    return (
        User.objects.filter(is_active=True, groups__name=Role.COMMITTEE_MEMBER)
        .exclude(pk__in=members)
        .select_related("organisation")
        .distinct()
        .order_by("first_name", "last_name")
    )


@manager_required
def attendance_record(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    seats = list(services_meetings.members_on(meeting.committee, meeting.date))
    recorded = {row.member_id: row for row in meeting.attendance.all()}
    initial = {}
    for member_id, row in recorded.items():
        initial[f"status_{member_id}"] = row.status
        initial[f"substitute_{member_id}"] = row.substitute_id
    # Bound on every POST: a form of radios left blank posts nothing but must still say so.
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        seats=seats,
        substitutes=_substitute_choices(seats),
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.attendance_record(
            by=request.user,
            meeting=meeting,
            statuses=form.statuses(),
            substitutes=form.substitutes(),
            request=request,
        ),
        success="Attendance saved.",
        to=meeting,
    )
    return saved or render(
        request,
        "scrutiny/attendance_form.html",
        {
            "form": form,
            "meeting": meeting,
            "seats": seats,
            "attendees": meeting.other_attendees.all(),
        },
    )


@manager_required
def other_attendee_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    form = OtherAttendeeForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.other_attendee_add(
            by=request.user, meeting=meeting, request=request, **data
        ),
        success=lambda attendee: f"{attendee.name} added.",
        to=reverse("scrutiny:attendance_record", args=[meeting.pk]),
    )
    return saved or _form_page(
        request,
        form,
        title="Add someone else who attended",
        caption=str(meeting),
        back_url=meeting,
        intro="An officer, a provider or a partner who attended to present or answer "
        "questions. The minutes list them as also in attendance.",
    )


@manager_required
def other_attendee_remove(request, pk):
    attendee = selectors.get_other_attendee_for_user(request.user, pk)
    meeting = selectors.get_meeting_for_user(request.user, attendee.meeting_id)
    if request.method == "POST":
        if _run(
            request,
            lambda: services_meetings.other_attendee_remove(
                by=request.user, attendee=attendee, request=request
            ),
            success=f"{attendee.name} removed.",
        ):
            return redirect("scrutiny:attendance_record", pk=meeting.pk)
        return redirect(meeting)
    return _confirm_page(
        request,
        title=f"Remove {attendee.name}?",
        caption=str(meeting),
        text="They will no longer be listed as also in attendance.",
        button="Remove",
        back_url=meeting.get_absolute_url(),
    )


@manager_required
def declaration_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    present = services_meetings.present_at(meeting)
    if not present:
        messages.info(
            request,
            "Record the meeting's attendance first: a declaration is made by a member who is "
            "present.",
        )
        return redirect("scrutiny:attendance_record", pk=meeting.pk)
    form = DeclarationForm(request.POST or None, meeting=meeting, present=present)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.declaration_add(by=request.user, request=request, **data),
        success="Declaration recorded.",
        to=meeting,
    )
    return saved or _form_page(
        request,
        form,
        title="Record a declaration of interest",
        caption=str(meeting),
        back_url=meeting,
    )


@manager_required
def declaration_remove(request, pk):
    declaration = selectors.get_declaration_for_user(request.user, pk)
    meeting = selectors.get_meeting_for_user(request.user, declaration.agenda_item.meeting_id)
    if request.method == "POST":
        _run(
            request,
            lambda: services_meetings.declaration_remove(
                by=request.user, declaration=declaration, request=request
            ),
            success="Declaration removed.",
        )
        return redirect(meeting)
    return _confirm_page(
        request,
        title="Remove this declaration?",
        caption=str(meeting),
        text=f"{declaration.member.get_full_name()}: {declaration.get_kind_display()} in "
        f"{declaration.agenda_item}.",
        button="Remove",
        back_url=meeting.get_absolute_url(),
    )


@manager_required
def agenda_item_remove(request, pk):
    item = selectors.get_agenda_item_for_user(request.user, pk)
    meeting = item.meeting
    if request.method == "POST":
        _run(
            request,
            lambda: services_meetings.agenda_item_remove(
                by=request.user, item=item, request=request
            ),
            success=f"{item.title} removed from the agenda.",
        )
        return redirect(meeting)
    return _confirm_page(
        request,
        title=f"Remove item {item.number}, {item.title}?",
        caption=str(meeting),
        text="The items after it move up one place. An item with resolutions, documents, "
        "declarations, questions or minutes recorded against it cannot be removed.",
        button="Remove item",
        back_url=item.get_absolute_url(),
        warning=True,
    )


# The minutes ------------------------------------------------------------------------------------


def _minutes_for_user(request, meeting) -> Minutes | None:
    """The meeting's minutes as the user may read them: clerks always (a draft may not have a
    row yet), members once they are sent to the next meeting. 404 otherwise."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if selectors.is_manager(request.user):
        return minutes
    if minutes is None or minutes.status == MinutesStatus.DRAFT:
        raise Http404
    return minutes


@committee_roles_required
def minutes_detail(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = _minutes_for_user(request, meeting)
    is_manager = selectors.is_manager(request.user)
    public = minutes_document(meeting, part=Part.PUBLIC)
    exempt = (
        minutes_document(meeting, part=Part.EXEMPT)
        if services_meetings.has_exempt_items(meeting)
        else None
    )
    last_amendment = minutes.amendments.order_by("-recorded_at").first() if minutes else None
    return render(
        request,
        "scrutiny/minutes_detail.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "public": public,
            "exempt": exempt,
            "is_manager": is_manager,
            "next_meeting": services_meetings.next_meeting(meeting),
            "questions": meeting.advance_questions.select_related("agenda_item"),
            "stale_pdf": minutes is not None
            and minutes.is_published
            and last_amendment is not None
            and last_amendment.recorded_at > minutes.published_at,
        },
    )


@manager_required
def item_minute_edit(request, pk):
    """Draft minutes: write the item's minute. Approved minutes: go to the amendment form."""
    item = selectors.get_agenda_item_for_user(request.user, pk)
    minutes = Minutes.objects.filter(meeting=item.meeting_id).first()
    if minutes is not None and minutes.is_approved:
        messages.info(request, MINUTES_LOCKED)
        return redirect(f"{_amend_url(item.meeting_id)}?item={item.pk}")
    minute = ItemMinute.objects.filter(agenda_item=item).first()
    form = ItemMinuteForm(
        request.POST or None, initial={"discussion": minute.discussion if minute else ""}
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.item_minute_save(
            by=request.user, agenda_item=item, request=request, **data
        ),
        success=f"Minute of item {item.number} saved.",
        to=f"{_minutes_url(item.meeting_id)}#minute-{item.number}",
    )
    return saved or _form_page(
        request,
        form,
        title=f"Minute of item {item.number}",
        caption=f"{item.meeting}: {item.title}",
        back_url=_minutes_url(item.meeting_id),
        intro="The item's resolutions are printed after this minute, as recorded on the "
        "item's page.",
    )


def _minutes_url(meeting_pk: int) -> str:
    return reverse("scrutiny:minutes_detail", args=[meeting_pk])


def _amend_url(meeting_pk: int) -> str:
    return reverse("scrutiny:minutes_amend", args=[meeting_pk])


@manager_required
def question_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    form = QuestionForm(request.POST or None, meeting=meeting)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.question_add(
            by=request.user, meeting=meeting, request=request, **data
        ),
        success=lambda question: f"Question {question.position} added.",
        to=_minutes_url(meeting.pk) + "#annex-public",
    )
    return saved or _form_page(
        request,
        form,
        title="Add a question submitted before the meeting",
        caption=str(meeting),
        back_url=_minutes_url(meeting.pk),
        intro="Questions put in writing before the meeting, and their written answers, are "
        "printed as an annex to the minutes.",
    )


@manager_required
def question_edit(request, pk):
    question = selectors.get_question_for_user(request.user, pk)
    meeting = selectors.get_meeting_for_user(request.user, question.meeting_id)
    initial = {name: getattr(question, name) for name in services_meetings.QUESTION_FIELDS}
    form = QuestionForm(request.POST or None, initial=initial, meeting=meeting)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.question_update(
            by=request.user, advance_question=question, request=request, **data
        ),
        success=f"Question {question.position} saved.",
        to=_minutes_url(meeting.pk) + "#annex-public",
    )
    return saved or _form_page(
        request,
        form,
        title=f"Question {question.position}",
        caption=str(meeting),
        back_url=_minutes_url(meeting.pk),
    )


@manager_required
@require_POST
def minutes_circulate(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    try:
        item = services_meetings.minutes_circulate(
            by=request.user, meeting=meeting, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_minutes_url(meeting.pk))
    messages.success(
        request,
        f"The draft minutes are item {item.number} of the meeting of "
        f"{item.meeting.date:%-d %B %Y}. Members of the committee can now read them.",
    )
    return redirect(_minutes_url(meeting.pk))


@manager_required
def minutes_approve(request, pk):
    """At the next meeting's item "Minutes of the previous meeting": record the approval, then
    publish the minutes as tagged PDFs."""
    item = selectors.get_agenda_item_for_user(request.user, pk)
    if item.kind != ItemKind.PREVIOUS_MINUTES or item.minutes_of_id is None:
        raise Http404
    earlier = item.minutes_of
    if request.method == "POST":
        try:
            minutes = services_meetings.minutes_approve(
                by=request.user, item=item, today=_today(), request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(item)
        _publish(request, minutes, approved=True)
        return redirect(_minutes_url(earlier.pk))
    return _confirm_page(
        request,
        title="Record that the committee approved the minutes",
        caption=str(item),
        text=f"The committee confirms the minutes of the meeting held on "
        f"{earlier.date:%-d %B %Y} as a correct record. Once recorded they are locked: any "
        "later change is an amendment, with its reason, shown with the minutes. They are then "
        "published as PDF to the committee's members.",
        button="Record approval and publish",
        back_url=item.get_absolute_url(),
    )


def _publish(request, minutes: Minutes, *, approved: bool = False) -> None:
    try:
        services_meetings.minutes_publish(by=request.user, minutes=minutes, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " Try publishing again.")
        return
    messages.success(
        request,
        "Minutes approved and published." if approved else "Minutes published.",
    )


def _republish(request, minutes: Minutes) -> list[str]:
    """Publish the minutes again; what went wrong, if anything, as warnings to show."""
    try:
        services_meetings.minutes_publish(by=request.user, minutes=minutes, request=request)
    except ValidationError as error:
        return [" ".join(error.messages) + " Try publishing again."]
    return []


@manager_required
@require_POST
def minutes_publish(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = selectors.get_approved_minutes_for_user(request.user, meeting)
    _publish(request, minutes)
    return redirect(_minutes_url(meeting.pk))


def _amendment_target(request, meeting):
    """What the amendment form changes, from ?item= or ?resolution= (a note otherwise)."""
    source = request.POST if request.method == "POST" else request.GET
    if source.get("item"):
        item = selectors.get_meeting_item_for_user(request.user, meeting, source["item"])
        minute = ItemMinute.objects.filter(agenda_item=item).first()
        return AmendmentKind.DISCUSSION, item, None, minute.discussion if minute else ""
    if source.get("resolution"):
        resolution = selectors.get_meeting_resolution_for_user(
            request.user, meeting, source["resolution"]
        )
        return AmendmentKind.RESOLUTION, None, resolution, resolution.text
    return AmendmentKind.NOTE, None, None, ""


@manager_required
def minutes_amend(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = selectors.get_approved_minutes_for_user(request.user, meeting)
    kind, item, resolution, current = _amendment_target(request, meeting)
    labels = {
        AmendmentKind.DISCUSSION: f"Amended minute of item {item.number}" if item else "",
        AmendmentKind.RESOLUTION: f"Amended text of resolution ({resolution.label})"
        if resolution
        else "",
        AmendmentKind.NOTE: "The correction, as it will be printed with the minutes",
    }
    form = AmendmentForm(
        request.POST or None,
        initial={"new_text": current},
        new_text_label=labels[kind],
        markdown=kind == AmendmentKind.DISCUSSION,
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services_meetings.minutes_amend(
            by=request.user,
            minutes=minutes,
            kind=kind,
            agenda_item=item,
            resolution=resolution,
            request=request,
            **data,
        ),
        success="Amendment recorded.",
        # The published PDF must show the amendment: publish again, and say if that failed.
        notices=lambda _amendment: _republish(request, minutes),
        to=_minutes_url(meeting.pk),
    )
    return saved or render(
        request,
        "scrutiny/minutes_amend.html",
        {
            "form": form,
            "meeting": meeting,
            "item": item,
            "resolution": resolution,
            "current": current,
            "back_url": _minutes_url(meeting.pk),
        },
    )


def _download(request, meeting, field: str, sha: str, name: str):
    minutes = selectors.get_approved_minutes_for_user(request.user, meeting)
    file = getattr(minutes, field)
    if not file or minutes.published_at is None:
        raise Http404
    services_meetings.minutes_record_download(
        by=request.user, minutes=minutes, part=field, request=request
    )
    return download_response(file, name)


@committee_roles_required
def minutes_download(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    return _download(
        request, meeting, "public_pdf", "public_sha256", f"minutes-{meeting.date.isoformat()}.pdf"
    )


@committee_roles_required
def minutes_exempt_download(request, pk):
    """The exempt part: for the committee's members and clerks, who read exempt items."""
    meeting = selectors.get_meeting_for_user(request.user, pk)
    return _download(
        request,
        meeting,
        "exempt_pdf",
        "exempt_sha256",
        f"minutes-{meeting.date.isoformat()}-exempt-items.pdf",
    )
