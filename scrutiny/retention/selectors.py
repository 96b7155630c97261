"""What the retention schedule makes due on a day, and what is held. Reads only.

A record's *due date* is its start (a referral's closure, an action's closure, a report run's
making, an agenda pack's meeting) plus its period in settings.RETENTION_YEARS. It is *due* on a
day on or after its due date, unless it is held or already done.

Referrals from one household, and those of one person, received in one financial quarter are
anonymised together (see `referrals_ready`), so that the dashboard's counts of different
households and of different children never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnership.calendar import financial_quarter_index
from partnership.constants import Role
from partnership.models import User
from referrals.models import Referral
from scrutiny.constants import CLOSED_STATUSES
from scrutiny.models import Action, AgendaPack, ReportRun
from scrutiny.models.reports import PENDING_STATUSES

from .constants import RecordKind
from .models import LegalHold


def shift_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def period(kind: str) -> int:
    return settings.RETENTION_YEARS[kind]


def _start_of_day_after(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def due_on(kind: str, start: date) -> date:
    return shift_years(start, period(kind))


def _latest_start(kind: str, day: date) -> date:
    """The latest start date whose record is due on `day`."""
    return shift_years(day, -period(kind))


def _held(kind: RecordKind):
    return Exists(LegalHold.objects.active().filter(**{kind.value: OuterRef("pk")}))


# Referrals ----------------------------------------------------------------------------------


def referrals_due(day: date) -> QuerySet[Referral]:
    """Closed referrals due by `day` and not yet anonymised, held or not."""
    cutoff = _start_of_day_after(_latest_start("referral", day))
    return Referral.objects.filter(closed_at__lt=cutoff, anonymisation__isnull=True)


def referrals_ready(day: date) -> QuerySet[Referral, tuple[int, str, str, int]]:
    """Referrals a run on `day` anonymises: due, not held, and every other referral from the
    same household, and of the same person, received in the same financial quarter due and not
    held too. Rows of (pk, address key, person key, financial quarter index), so the run can
    keep a household's quarter and a person's quarter together."""
    cutoff = _start_of_day_after(_latest_start("referral", day))
    not_ready = Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff) | Q(held=True)

    def blocking(key: str):
        return (
            Referral.objects.filter(**{key: OuterRef(key)})
            .annotate(
                quarter=financial_quarter_index("received_at"), held=_held(RecordKind.REFERRAL)
            )
            .filter(quarter=OuterRef("quarter"))
            .filter(not_ready)
        )

    return (
        referrals_due(day)
        .annotate(quarter=financial_quarter_index("received_at"))
        .exclude(_held(RecordKind.REFERRAL))
        .exclude(~Q(address_key="") & Exists(blocking("address_key")))
        .exclude(~Q(person_key="") & Exists(blocking("person_key")))
        .values_list("pk", "address_key", "person_key", "quarter")
    )


def quarters_not_ready(rows: list[tuple[int, str, str, int]]) -> set[tuple[str, int, str]]:
    """Of the households' and people's quarters of `rows` (referrals_ready's), those with a
    referral that is not among the rows: ("address" or "person", quarter index, key). The run
    keeps back every group of rows that touches one, so no quarter is ever split, even through
    a chain (a household shared with a person whose other household is not ready)."""
    ready = {row[0] for row in rows}
    blocked: set[tuple[str, int, str]] = set()
    for kind, field, position in (("address", "address_key", 1), ("person", "person_key", 2)):
        keys = sorted({row[position] for row in rows if row[position]})
        for start in range(0, len(keys), 2000):
            others = (
                Referral.objects.filter(**{f"{field}__in": keys[start : start + 2000]})
                .annotate(quarter=financial_quarter_index("received_at"))
                .values_list("pk", field, "quarter")
            )
            blocked |= {(kind, quarter, key) for pk, key, quarter in others if pk not in ready}
    return blocked


def referrals_held_when_due(day: date) -> QuerySet[Referral]:
    return referrals_due(day).filter(_held(RecordKind.REFERRAL))


# Actions and generated PDFs -------------------------------------------------------------------


def actions_due(day: date) -> QuerySet[Action]:
    """Closed actions whose evidence and notes are due for removal by `day`."""
    return Action.objects.filter(
        status__in=CLOSED_STATUSES,
        closed_on__lte=_latest_start("action_evidence", day),
        anonymisation__isnull=True,
    )


def actions_ready(day: date) -> QuerySet[Action]:
    return actions_due(day).exclude(_held(RecordKind.ACTION))


def actions_held_when_due(day: date) -> QuerySet[Action]:
    return actions_due(day).filter(_held(RecordKind.ACTION))


def report_runs_due(day: date) -> QuerySet[ReportRun]:
    cutoff = _start_of_day_after(_latest_start("report_run", day))
    return ReportRun.objects.filter(created_at__lt=cutoff).exclude(status__in=PENDING_STATUSES)


def agenda_packs_due(day: date) -> QuerySet[AgendaPack]:
    return AgendaPack.objects.filter(meeting__date__lte=_latest_start("agenda_pack", day)).exclude(
        status__in=PENDING_STATUSES
    )


# The retention page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueCounts:
    referrals: int
    actions: int
    report_runs: int
    agenda_packs: int


def due_counts(day: date) -> DueCounts:
    return DueCounts(
        referrals=referrals_due(day).exclude(_held(RecordKind.REFERRAL)).count(),
        actions=actions_ready(day).count(),
        report_runs=report_runs_due(day).count(),
        agenda_packs=agenda_packs_due(day).count(),
    )


def referrals_due_listed(day: date) -> QuerySet[Referral]:
    """For the page: due by `day` and not held, the earliest closed first."""
    return (
        referrals_due(day)
        .exclude(_held(RecordKind.REFERRAL))
        .select_related("service")
        .order_by("closed_at", "pk")
    )


def actions_due_listed(day: date) -> QuerySet[Action]:
    return actions_ready(day).order_by("closed_on", "pk")


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.active().select_related("referral", "action", "placed_by")


def get_active_hold_for_user(user: User, pk: int) -> LegalHold:
    """A hold still in place, for a performance lead (or admin) to release; 404 otherwise."""
    holds = active_holds() if user.has_role(Role.PERFORMANCE_LEAD) else LegalHold.objects.none()
    return get_object_or_404(holds, pk=pk)


def referral_due_on(referral: Referral) -> date:
    return due_on("referral", timezone.localdate(referral.closed_at))


def action_due_on(action: Action) -> date:
    """For a closed action (`actions_due`): its evidence is kept for a period from closing."""
    if action.closed_on is None:
        raise ValueError(f"{action.reference} is open: its evidence is not due for deletion.")
    return due_on("action_evidence", action.closed_on)
