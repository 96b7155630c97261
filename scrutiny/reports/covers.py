"""The committee report cover: of the quarterly report, and of each item in an agenda pack."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings

from partnership.calendar import FinancialQuarter
from partnership.models import User

from ..models import AgendaItem, Committee, Meeting
from ..pdf import ContactOfficer, ReportCover

BOARD_NAME = "Domestic Abuse Partnership Board"
REPORT_OF = f"Chair of the {BOARD_NAME}"


def report_title(quarter: FinancialQuarter) -> str:
    return f"Domestic abuse services: quarterly performance report, {quarter}"


def _strip_that(text: str) -> str:
    """A recommendation as the cover prints it after its bold "That"."""
    return re.sub(r"^\s*that\b[:\s]*", "", text.strip(), flags=re.IGNORECASE) or text.strip()


def _contact_for(user: User | None) -> ContactOfficer:
    if user is None:
        return ContactOfficer(
            name=f"{BOARD_NAME} support team",
            job_title="Partnership support",
            organisation=settings.COUNCIL_NAME,
        )
    return ContactOfficer(
        name=user.get_full_name() or user.username,
        job_title=user.job_title or "Officer",
        organisation=str(user.organisation or settings.COUNCIL_NAME),
        email=user.email,
    )


def report_cover(
    *,
    quarter: FinancialQuarter,
    committee: Committee | None,
    meeting: Meeting | None,
    contact: User | None,
    today: date,
) -> ReportCover:
    """The cover of a run: the committee, the meeting it is for (else the day it was made)."""
    return ReportCover(
        committee=committee.name if committee else f"{settings.COUNCIL_NAME} {BOARD_NAME}",
        meeting_date=meeting.date if meeting else today,
        title=report_title(quarter),
        wards="All",
        report_of=REPORT_OF,
        recommendations=(
            f"the Committee note the performance of domestic abuse services in {quarter} and "
            "comment on any area where it wants more information or action.",
        ),
        contact=_contact_for(contact),
    )


def item_cover(item: AgendaItem) -> ReportCover:
    """An agenda item's own cover, from the fields the clerk typed."""
    areas = [] if item.all_wards else [area.name for area in item.wards.all()]
    wards = ", ".join(areas) or "All"
    return ReportCover(
        committee=item.meeting.committee.name,
        meeting_date=item.meeting.date,
        agenda_item_number=str(item.number),
        title=item.title,
        wards=wards,
        report_of=item.report_of,
        recommendations=(_strip_that(item.recommendation),),
        contact=ContactOfficer(
            name=item.contact_name,
            job_title=item.contact_title,
            organisation="",
            email=item.contact_email,
            telephone=item.contact_telephone,
        ),
    )
