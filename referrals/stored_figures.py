"""Figures of a period counted once and stored, until a referral of that period changes.

Some dashboard figures do not add up across months, so the monthly summary cannot answer them:
households, waiting-time percentiles, children counted once per household, Marac cases,
oversight by service, support started by risk, cases in support at a quarter's end. Each reads
a quarter's referral rows (10 to 90 ms apiece at a million referrals), and a committee reads
the same completed quarter again and again. So the dashboard asks for them through `stored()`,
which keeps the raw counts (never anything released: disclosure control is applied to them
afresh on every read) in `StoredFigures`, one row per kind, period and services. A figure that
also depends on something other than referral rows names it in its kind (oversight: a digest
of the services' definitions of where it applies).

A stored row is used only while it is newer than every change to a referral of its period:

- `FigureChange` holds, per financial quarter and service, when a referral of that quarter last
  changed. A referral belongs to the quarters of its receipt, start of support and Marac hearing
  (FIGURE_DATES), before a change and after it.
- Every referral `save()` that changes a column a stored figure reads (WATCHED_COLUMNS), and
  every `delete()`, marks its quarters (from referrals.summary's signal receivers). The writes
  that bypass `save()` (provider returns, Marac case links, retention) call `mark_referrals`.
  `forget_stored_figures` (after the demo's bulk load, and nightly with the summary's rebuild)
  empties the store, a safety net for anything else; so does every `migrate`, as new code may
  count differently.
- A change is marked twice: at once, inside the writer's transaction (locking the quarter and
  service's mark until it commits, as the summary's rows of that service already are), and
  again just after it commits. The second mark is what makes the store safe against a
  dashboard counted at the same time: a count that began before the commit could not see the
  change, and it is dated before that mark, so it is not used. (The first mark covers tests,
  whose transactions never commit.)
- Times come from the database's clock on PostgreSQL, so every web and worker process agrees;
  the count's time is taken before it starts, and a tie counts as changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from partnership.calendar import FinancialQuarter

from .models import FigureChange, StoredFigures

# The referral columns that place it in a quarter for the stored figures.
FIGURE_DATES = ("received_at", "support_started_at", "marac_heard_on")
# Every referral column a stored figure reads (tests/referrals/test_stored_figures.py holds each
# count's SQL to this list). A write that changes none of them changes no stored figure:
# recording first contact or a waiting list leaves them; starting support or closing a case
# sets them aside.
WATCHED_COLUMNS = (
    "service_id",
    *FIGURE_DATES,
    "area_id",
    "subject",
    "risk_level",
    "person_key",
    "address_key",
    "is_repeat_address",
    "children_in_household",
    "waiting_time",
    "oversight_due_at",
    "oversight_within_sla",
    "closed_at",
    "heard_at_marac",
    "marac_case",
    "marac_repeat",
    "marac_referral_source",
    "age_band",
    "gender",
    "ethnic_group",
    "disability",
    "sexual_orientation",
)

T = TypeVar("T")
Mark = tuple[int, int]  # financial quarter index, service id
Row = Mapping[str, Any]  # a referral's WATCHED_COLUMNS


def _quarter_index(value: date | datetime) -> int | None:
    try:
        return FinancialQuarter.containing(value).index
    except ValueError:  # a date no financial quarter can be shown for
        return None


def quarters_changed(before: Row | None, after: Row | None) -> set[Mark]:
    """The (quarter, service) pairs a write from row `before` to row `after` (of
    WATCHED_COLUMNS; None: no row) changed: none if it changed no watched column."""
    both = before is not None and after is not None
    if both and all(before[name] == after[name] for name in WATCHED_COLUMNS):
        return set()
    return quarters_of([before, after])


def quarters_of(rows: Iterable[Row | None]) -> set[Mark]:
    """The (quarter, service) pairs that rows of WATCHED_COLUMNS (None: no row) belong to."""
    marks = set()
    for row in rows:
        if row is None or row.get("service_id") is None:
            continue
        for name in FIGURE_DATES:
            value = row.get(name)
            index = None if value is None else _quarter_index(value)
            if index is not None:
                marks.add((index, row["service_id"]))
    return marks


def figure_columns(referral) -> Row:
    """WATCHED_COLUMNS of a referral object, as they are in memory."""
    return {name: getattr(referral, name) for name in WATCHED_COLUMNS}


def _clock() -> datetime:
    """Now, by the database's clock on PostgreSQL (SQLite's clock keeps only milliseconds)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()


def _mark_now(marks: set[Mark]) -> None:
    # On PostgreSQL the time of the upsert statement itself (STATEMENT_TIMESTAMP), not a query.
    at = Now() if connection.vendor == "postgresql" else _clock()
    rows = [
        FigureChange(quarter=quarter, service_id=service, changed_at=at)
        for quarter, service in sorted(marks)  # in one order, so concurrent writers lock alike
    ]
    FigureChange.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["quarter", "service_id"],
        update_fields=["changed_at"],
    )


def mark_changed(marks: set[Mark]) -> None:
    """Say that referrals of these (quarter, service) pairs changed: now, and after commit."""
    if not marks:
        return
    _mark_now(marks)
    # robust: the write has committed; a failed second mark is logged, not shown to the user.
    transaction.on_commit(lambda: _mark_now(marks), robust=True)


def mark_referrals(referrals: QuerySet | Iterable[Row]) -> None:
    """Mark the quarters of referrals changed without `save()`: a queryset (read here) or rows
    of WATCHED_COLUMNS."""
    if isinstance(referrals, QuerySet):
        referrals = referrals.order_by().values(*WATCHED_COLUMNS).iterator(5000)
    mark_changed(quarters_of(referrals))


def forget_stored_figures() -> None:
    StoredFigures.objects.all().delete()


def forget_after_migrating(sender, *, apps, using, **kwargs) -> None:
    """A post_migrate receiver: the code deployed with the migration may count differently, so
    nothing counted before it is kept. (Skipped where migrations went back past the store.)"""
    try:
        model = apps.get_model("referrals", "StoredFigures")
    except LookupError:
        return
    model.objects.using(using).all().delete()


def _services_key(service_ids: Iterable[int] | None) -> str:
    return "" if service_ids is None else ",".join(str(pk) for pk in sorted(set(service_ids)))


def _last_change(start: date, end: date, service_ids: Iterable[int] | None) -> datetime | None:
    first, last = _quarter_index(start), _quarter_index(end)
    changes = FigureChange.objects.filter(quarter__gte=first, quarter__lte=last)
    if service_ids is not None:
        changes = changes.filter(service_id__in=list(service_ids))
    return changes.aggregate(last=Max("changed_at"))["last"]


def stored(
    kind: str,
    *,
    start: date,
    end: date,
    service_ids: Iterable[int] | None,
    count: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """`count()`'s figures for the period from `start` to `end` (inclusive) and the services
    (None: every service): the stored ones while no referral of theirs has changed since they
    were counted, else counted now and stored. `encode` makes them JSON, `decode` reads it."""
    services = _services_key(service_ids)
    key = {"kind": kind, "start": start, "end": end, "services": services}
    found = StoredFigures.objects.filter(**key).values_list("counted_at", "figures").first()
    last_change = _last_change(start, end, service_ids)
    if found is not None and (last_change is None or found[0] > last_change):
        return decode(found[1])
    counted_at = _clock()
    figures = count()
    StoredFigures.objects.bulk_create(
        [StoredFigures(**key, counted_at=counted_at, figures=encode(figures))],
        update_conflicts=True,
        unique_fields=["kind", "start", "end", "services"],
        update_fields=["counted_at", "figures"],
    )
    return figures


def stored_for_quarter(
    kind: str,
    quarter: FinancialQuarter,
    *,
    service_ids: list[int] | None,
    count: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """`stored` for one financial quarter."""
    return stored(
        kind,
        start=quarter.start,
        end=quarter.end,
        service_ids=service_ids,
        count=count,
        encode=encode,
        decode=decode,
    )
