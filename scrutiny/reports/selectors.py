"""Reads for reports: who may request them, and the runs and packs a user may open."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from partnership.constants import Role
from partnership.models import User

from ..models import AgendaPack, Meeting, ReportRun, RunStatus
from ..selectors import current_committees, is_manager

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


def packs_for_user(user: User, meeting: Meeting) -> QuerySet[AgendaPack]:
    """A meeting's packs the user may download: all for clerks; for the committee's members,
    ready packs, the restricted ones included (exempt items are theirs to read)."""
    packs = AgendaPack.objects.filter(meeting=meeting).select_related("requested_by")
    if is_manager(user):
        return packs
    if current_committees(user).filter(pk=meeting.committee_id).exists():
        return packs.filter(status=RunStatus.READY)
    return packs.none()


def latest_ready(packs: Iterable[AgendaPack]) -> dict[bool, AgendaPack]:
    """The newest ready public and restricted pack, keyed by `restricted`."""
    latest: dict[bool, AgendaPack] = {}
    for pack in packs:
        if pack.is_ready and pack.restricted not in latest:
            latest[pack.restricted] = pack
    return latest
