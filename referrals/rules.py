"""The rules that decide a referral's performance measures, each defined once.

The services call these when a timestamp is recorded and store the answer on the referral
(`contacted_within_sla`, `oversight_within_sla`, `waiting_time`, the due times), so the metrics
at a million referrals are plain indexed counts. The demo data is derived with the same
functions. The `Q` builders below say which referrals are open, on the waiting list or overdue
at a moment; lists, metrics and reports all use them. Every function takes aware datetimes.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from commissioning.constants import FirstContactRule
from commissioning.definitions import received_while
from partnership.calendar import add_working_days, working_day_deadline

from .constants import Status

# The service level agreements (context/002: "respond to referrals within one working day";
# context/000: "managerial oversight within 24 hours"). What "one working day" means, and
# whether oversight is measured at all, is each service's definition (commissioning.definitions).
FIRST_CONTACT_WORKING_DAYS = 1
OVERSIGHT_WITHIN = timedelta(hours=24)
ONE_MINUTE = timedelta(minutes=1)


def _utc(moment: datetime) -> datetime:
    # Aware datetimes in the same zone compare and subtract by wall clock in Python, so a
    # 24-hour rule would be 23 or 25 real hours across a clock change; UTC makes it exact.
    return moment.astimezone(UTC)


def _local(moment: datetime) -> datetime:
    """Local time (settings.TIME_ZONE, the only zone the app uses; see partnership.calendar)."""
    return moment.astimezone(timezone.get_default_timezone())


@lru_cache(maxsize=4096)
def _first_contact_due_on(day: date, country: str, subdivision: str) -> datetime:
    return working_day_deadline(day, FIRST_CONTACT_WORKING_DAYS)


def first_contact_due(
    received_at: datetime, rule: str = FirstContactRule.END_OF_NEXT_WORKING_DAY
) -> datetime:
    """The exclusive deadline for first contact under a service's rule:

    - by the end of the next working day after the local day of receipt (the default;
      partnership.calendar.working_day_deadline, cached per day, since a million demo
      referrals ask for it);
    - by the same time on the next working day (partnership.calendar.add_working_days), to
      the minute: received Friday 10:00, contact on Monday at 10:00 is in time and at 10:01
      is not.
    """
    if rule == FirstContactRule.SAME_TIME_NEXT_WORKING_DAY:
        local = _local(received_at).replace(second=0, microsecond=0)
        return add_working_days(local, FIRST_CONTACT_WORKING_DAYS) + ONE_MINUTE
    return _first_contact_due_on(
        _local(received_at).date(),
        settings.WORKING_DAYS_COUNTRY,
        settings.WORKING_DAYS_SUBDIVISION,
    )


def contacted_within_sla(
    received_at: datetime,
    contacted_at: datetime,
    rule: str = FirstContactRule.END_OF_NEXT_WORKING_DAY,
) -> bool:
    """First contact within one working day: before the rule's deadline."""
    return _utc(contacted_at) < _utc(first_contact_due(received_at, rule))


def oversight_due(received_at: datetime) -> datetime:
    """The last moment at which oversight is still within 24 hours of receipt (inclusive)."""
    return _utc(received_at) + OVERSIGHT_WITHIN


def oversight_within_sla(received_at: datetime, oversight_at: datetime) -> bool:
    return _utc(oversight_at) <= oversight_due(received_at)


def waiting_time(received_at: datetime, support_started_at: datetime) -> timedelta:
    """Waiting time runs from receipt of the referral to the start of support (real time)."""
    return _utc(support_started_at) - _utc(received_at)


def in_days(duration: timedelta) -> Decimal:
    """A duration in days to one decimal place (half up), as pages and reports show it."""
    seconds = Decimal(duration.days * 86400 + duration.seconds)
    return (seconds / Decimal(86400)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def months_before(moment: datetime, months: int) -> datetime:
    """The same local time `months` calendar months earlier; 31 May less 3 months is 28/29 Feb."""
    local = _local(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month0 = divmod(index, 12)
    day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
    return local.replace(year=year, month=month0 + 1, day=day)


def repeat_window_start(received_at: datetime) -> datetime:
    """A referral is a repeat when the same person (or household) was referred at or after this
    moment and before this referral, to any service (settings.REPEAT_WINDOW_MONTHS)."""
    return months_before(received_at, settings.REPEAT_WINDOW_MONTHS)


def is_within_repeat_window(earlier_received_at: datetime, received_at: datetime) -> bool:
    earlier = _utc(earlier_received_at)
    return _utc(repeat_window_start(received_at)) <= earlier <= _utc(received_at)


# Q builders for moments and states ---------------------------------------------------------


def received_between(start: datetime, end: datetime) -> Q:
    """Received in the half-open range [start, end): the index-friendly quarter filter."""
    return Q(received_at__gte=start, received_at__lt=end)


def open_at(moment: datetime) -> Q:
    """An open case at `moment`: received before it and not yet closed, declined or signposted
    elsewhere. Cases on the waiting list or not yet contacted are open: the service holds them.
    Caseload is open cases per caseworker FTE."""
    return (
        Q(received_at__lt=moment)
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
        & (Q(declined_at__isnull=True) | Q(declined_at__gte=moment))
        & (Q(signposted_at__isnull=True) | Q(signposted_at__gte=moment))
    )


def on_waiting_list_at(moment: datetime) -> Q:
    """On the waiting list at `moment`: added before it and not yet taken off."""
    return Q(waiting_list_at__lt=moment) & (
        Q(waiting_list_left_at__isnull=True) | Q(waiting_list_left_at__gte=moment)
    )


def first_contact_overdue(now: datetime) -> Q:
    """Still awaiting first contact after the end of the next working day."""
    return Q(status=Status.RECEIVED, first_contact_due_at__lte=now)


def oversight_applies(prefix: str = "") -> Q:
    """Referrals whose service measured 24-hour oversight when they were received (each
    service's definition, commissioning.definitions): the others are in no oversight figure."""
    return received_while("oversight_applies", prefix=prefix)


def oversight_overdue(now: datetime) -> Q:
    """Open, with no managerial oversight recorded, more than 24 hours after receipt, where
    the oversight standard applies."""
    return (
        Q(oversight_at__isnull=True, oversight_due_at__lt=now)
        & ~Q(status=Status.CLOSED)
        & oversight_applies()
    )


def first_contact_assessable(as_of: datetime) -> Q:
    """Referrals that count in the first-contact measure at `as_of`: contacted, or past the
    deadline without contact (which counts as not contacted in time)."""
    return Q(contacted_within_sla__isnull=False) | Q(first_contact_due_at__lte=as_of)


def oversight_assessable(as_of: datetime) -> Q:
    """Referrals that count in the oversight measure at `as_of` (as for first contact), where
    the standard applies."""
    return (Q(oversight_within_sla__isnull=False) | Q(oversight_due_at__lt=as_of)) & (
        oversight_applies()
    )


def oversight_met() -> Q:
    """Referrals overseen within 24 hours, where the standard applies."""
    return Q(oversight_within_sla=True) & oversight_applies()


def in_support_at(moment: datetime) -> Q:
    """In active support at `moment`: support started before it and not yet closed (a
    referral in support can only be closed next). What caseload counts by default."""
    return Q(support_started_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def in_support_at_parts(moment: datetime) -> tuple[Q, Q]:
    """`in_support_at` as two conditions that no referral meets both of (never closed; closed
    at or after `moment`), so that a count of each adds up to its count. Each is read from an
    index alone, where their OR reads the rows."""
    started = Q(support_started_at__lt=moment)
    return started & Q(closed_at__isnull=True), started & Q(closed_at__gte=moment)
