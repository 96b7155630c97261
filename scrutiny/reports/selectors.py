"""Reads for reports: who may request them, and the runs and packs a user may open."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from partnership.constants import Role
from partnership.models import User

from ..models import AgendaPack, Meeting, ReportRun, RunStatus
from ..selectors import current_committees, get_meeting_for_user, is_manager

# Who may ask for a quarterly report; clerks also publish it and attach it to agenda items.
REPORT_REQUEST_ROLES = (Role.CLERK, Role.PERFORMANCE_LEAD)


def may_request_reports(user: User) -> bool:
    return user.has_role(*REPORT_REQUEST_ROLES)


def report_runs_for_user(user: User) -> QuerySet[ReportRun]:
    """Runs the user may open: all for clerks and performance leads; members, the published
    reports of their committees."""
    runs = ReportRun.objects.select_related("committee", "meeting", "requested_by", "agenda_item")
    if may_request_reports(user):
        return runs
    if user.has_role(Role.COMMITTEE_MEMBER):
        return runs.filter(published=True, committee__in=current_committees(user))
    return runs.none()


def get_report_run_for_user(user: User, pk: int) -> ReportRun:
    return get_object_or_404(report_runs_for_user(user), pk=pk)


def packs_for_user(user: User, meeting: Meeting) -> QuerySet[AgendaPack]:
    """A meeting's packs the user may download: all for clerks; for the committee's members,
    ready packs, the restricted ones included (exempt items are theirs to read)."""
    packs = AgendaPack.objects.filter(meeting=meeting).select_related("requested_by")
    if is_manager(user):
        return packs
    if current_committees(user).filter(pk=meeting.committee_id).exists():
        return packs.filter(status=RunStatus.READY)
    return packs.none()


def get_agenda_pack_for_user(user: User, pk: int) -> AgendaPack:
    """A pack the user may download, of a meeting they may see; otherwise a 404."""
    meeting_id = get_object_or_404(AgendaPack.objects.only("meeting_id"), pk=pk).meeting_id
    meeting = get_meeting_for_user(user, meeting_id)
    return get_object_or_404(packs_for_user(user, meeting).select_related("meeting"), pk=pk)


def latest_ready(packs: Iterable[AgendaPack]) -> dict[bool, AgendaPack]:
    """The newest ready public and restricted pack, keyed by `restricted`."""
    latest: dict[bool, AgendaPack] = {}
    for pack in packs:
        if pack.is_ready and pack.restricted not in latest:
            latest[pack.restricted] = pack
    return latest
