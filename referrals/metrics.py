"""Every referral figure, computed here once: the committee dashboard, the quarterly report and
any export read these dataclasses. Raw counts, nothing suppressed: whoever shows a figure to
committee members or clerks passes it through `partnership.disclosure`.

Definitions (the rules themselves live in `referrals.rules`):

- A quarter's referrals are those *received* in it: [quarter start, next quarter start) in local
  time. Filters narrow every figure alike: services, districts (None in `area_ids` means out of
  area), referral source and subject. Caseload is the exception: it is a service's open cases
  against its caseworkers, so only the service filter applies.
- Rate per 10,000: referrals from residents of a district per 10,000 of its population, to one
  decimal place (half up). Out-of-area referrals have no rate.
- Change: this quarter's count less the previous quarter's (and the same quarter last year's),
  and that difference as a percentage of the earlier count (none when that is 0).
- First contact within one working day: of the quarter's referrals that have been contacted or
  whose deadline (end of the next working day) has passed by `as_of`, the share contacted
  before the deadline. A referral never contacted counts as not contacted in time.
- Oversight within 24 hours: the same, for managerial oversight within 24 hours of receipt.
- Waiting time: receipt to start of support, for referrals whose support started in the
  quarter, by risk level. Median: the middle value (the mean of the two middle values when
  there is an even number). 90th percentile: nearest rank, the value at position ceil(0.9 n)
  in order. Shown in days to one decimal place.
- Waiting list at quarter end: referrals on the waiting list at the quarter's exclusive end.
- Repeat referrals: the quarter's referrals of a person referred before within
  settings.REPEAT_WINDOW_MONTHS (to any service), as a count and a share of all referrals.
  Repeat addresses: how many different households among the quarter's referrals had an
  earlier referral within the window (committees asked for incidents per household).
- Outcomes: referrals closed in the quarter, by closure reason and by outcome measure met.
- Signposted: referrals signposted to another service in the quarter.
- Caseload: open cases per caseworker FTE at the quarter's end, for each service with an FTE
  figure for the quarter, against its benchmark band.

Percentages are to one decimal place, half up, from exact integer arithmetic, so SQLite and
PostgreSQL give the same figures. Medians and 90th percentiles are taken by PostgreSQL
(`percentile_disc`, one sort per risk level), elsewhere in Python; tests hold them to each other.

Speed: counts by quarter, service, district, source, subject, risk and equality field, the
first-contact and oversight numerators, repeats, open cases and the waiting list at a quarter's
end are read from the monthly summary (referrals.summary, kept in step on every write) when no
district, source or subject filter is given: a few hundred summary rows instead of every
referral. The definitions above do not change: `use_summary=False` counts the rows instead, and
the tests check that both give the same figures. First contact and oversight come from the
summary only once every deadline of the quarter has passed by `as_of` (then every referral
counts); before that, from the rows. Waiting times (medians) and households with repeat
addresses (one grouped pass) are always counted from the quarter's rows, read from covering
indexes alone (`referral_waits`, `referral_households`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone

from commissioning.constants import CaseloadCounts
from commissioning.definitions import definitions_on
from commissioning.metrics import caseworker_fte, percent_of
from commissioning.models import CommissionedService
from partnership.calendar import MIN_YEAR, FinancialQuarter
from partnership.models import Area

from . import rules, stored_figures, summary
from .constants import (
    AgeBand,
    ClosureReason,
    DeclineReason,
    EthnicGroup,
    Gender,
    Outcome,
    ReferralSource,
    RiskLevel,
    SexualOrientation,
    Subject,
    YesNoUnknown,
)
from .models import Referral, ReferralOutcome, ReferralSummary

SERVICE_AREA = "service_area"  # referrals_by_quarter's grouping by service and district

# The equality fields a profile counts, with their categories.
EQUALITY_FIELDS = {
    "gender": Gender,
    "age_band": AgeBand,
    "ethnic_group": EthnicGroup,
    "disability": YesNoUnknown,
    "sexual_orientation": SexualOrientation,
    "no_recourse_to_public_funds": YesNoUnknown,
}


@dataclass(frozen=True)
class Percentage:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.numerator, self.denominator)


@dataclass(frozen=True)
class Change:
    current: int
    earlier: int

    @property
    def difference(self) -> int:
        return self.current - self.earlier

    @property
    def percent(self) -> Decimal | None:
        """The difference as a percentage of the earlier count (half away from zero)."""
        size = percent_of(abs(self.difference), self.earlier)
        return None if size is None else (size if self.difference >= 0 else -size)


@dataclass(frozen=True)
class AreaCount:
    area_id: int | None  # None: out of area
    name: str
    population: int | None
    count: int

    @property
    def rate_per_10000(self) -> Decimal | None:
        return rate_per_10000(self.count, self.population)


@dataclass(frozen=True)
class WaitingTimes:
    risk_level: str
    count: int
    median_days: Decimal | None
    p90_days: Decimal | None


@dataclass(frozen=True)
class Caseload:
    service_id: int
    service: str
    open_cases: int
    fte: Decimal
    band_low: Decimal
    benchmark: Decimal
    band_high: Decimal
    # What counted toward it (commissioning.constants.CaseloadCounts), by the service's
    # definition at the quarter's end.
    counts: str = CaseloadCounts.ALL_OPEN

    @property
    def per_fte(self) -> Decimal | None:
        if not self.fte:
            return None
        return (Decimal(self.open_cases) / self.fte).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def position(self) -> str | None:
        """ "below", "within" or "above" the benchmark band; None without FTE."""
        per_fte = self.per_fte
        if per_fte is None:
            return None
        if per_fte < self.band_low:
            return "below"
        if per_fte > self.band_high:
            return "above"
        return "within"


@dataclass(frozen=True)
class ReferralMetrics:
    quarter: FinancialQuarter
    received: int
    by_area: list[AreaCount]
    by_source: dict[str, int]
    by_subject: dict[str, int]
    by_risk: dict[str, int]
    previous_quarter: Change
    same_quarter_last_year: Change
    first_contact: Percentage
    oversight: Percentage
    waiting_times: list[WaitingTimes]
    waiting_list_at_end: int
    repeats: Percentage
    households: int
    repeat_addresses: int
    closed: int
    closure_reasons: dict[str, int]
    outcomes: dict[str, int]
    signposted: int
    caseloads: list[Caseload] = field(default_factory=list)
    # Referrals declined in the quarter, by reason (from the rows, through an index).
    decline_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def declined(self) -> int:
        return sum(self.decline_reasons.values())


@dataclass(frozen=True)
class OverdueCounts:
    """The officer's list headline: referrals past a deadline with nothing recorded."""

    first_contact: int
    oversight: int


def overdue_counts(referrals: QuerySet[Referral], now: datetime | None = None) -> OverdueCounts:
    """Counts among `referrals` (already scoped to what the user may see) at `now`."""
    now = now or timezone.now()
    return OverdueCounts(
        first_contact=referrals.filter(rules.first_contact_overdue(now)).count(),
        oversight=referrals.filter(rules.oversight_overdue(now)).count(),
    )


def rate_per_10000(count: int, population: int | None) -> Decimal | None:
    """count per 10,000 people to one decimal place, half up, in integer arithmetic."""
    if not population:
        return None
    tenths, remainder = divmod(count * 100_000, population)
    if remainder * 2 >= population:
        tenths += 1
    return Decimal(tenths).scaleb(-1)


def median(values: list[timedelta]) -> timedelta | None:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    if n % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile_nearest_rank(values: list[timedelta], percent: int) -> timedelta | None:
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-percent * len(ordered) // 100)  # ceil(percent/100 * n), exactly
    return ordered[max(rank, 1) - 1]


def _days(value: timedelta | None) -> Decimal | None:
    return None if value is None else rules.in_days(value)


def referral_filter(
    *,
    service_ids: Iterable[int] | None = None,
    area_ids: Iterable[int | None] | None = None,
    source: str | None = None,
    subject: str | None = None,
    prefix: str = "",
) -> Q:
    """The filters every figure shares, as a Q on Referral (or on a relation via `prefix`)."""
    condition = Q()
    if service_ids is not None:
        condition &= Q(**{f"{prefix}service_id__in": list(service_ids)})
    if area_ids is not None:
        area_ids = list(area_ids)
        in_areas = Q(**{f"{prefix}area_id__in": [pk for pk in area_ids if pk is not None]})
        if None in area_ids:
            in_areas |= Q(**{f"{prefix}area__isnull": True})
        condition &= in_areas
    if source:
        condition &= Q(**{f"{prefix}source": source})
    if subject:
        condition &= Q(**{f"{prefix}subject": subject})
    return condition


def _between(field_name: str, start: datetime, end: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}{field_name}__gte": start, f"{prefix}{field_name}__lt": end})


def _counts(queryset, field_name: str, choices) -> dict[str, int]:
    counts = dict.fromkeys(choices.values, 0)
    for row in queryset.values(field_name).annotate(n=Count("id")).order_by():
        counts[row[field_name]] = row["n"]
    return counts


@dataclass(frozen=True)
class _Counts:
    """The figures of a quarter that the summary can answer as well as the rows."""

    received: int
    by_area: dict[int | None, int]
    by_source: dict[str, int]
    by_subject: dict[str, int]
    by_risk: dict[str, int]
    previous_quarter: int
    same_quarter_last_year: int
    first_contact: Percentage
    oversight: Percentage
    waiting_list_at_end: int
    repeats: int
    closure_reasons: dict[str, int]
    outcomes: dict[str, int]
    signposted: int


def _summary_answers(
    use_summary: bool | None,
    *,
    area_ids: Iterable[int | None] | None = None,
    source: str | None = None,
    subject: str | None = None,
) -> bool:
    """Whether to read the summary: by default whenever it can answer exactly."""
    answerable = area_ids is None and not source and not subject
    if use_summary and not answerable:
        raise ValueError(
            "The monthly summary counts by service only: ask without a district, source or "
            "subject filter, or with use_summary=False."
        )
    return answerable if use_summary is None else use_summary


def referral_metrics(
    quarter: FinancialQuarter,
    *,
    service_ids: Iterable[int] | None = None,
    area_ids: Iterable[int | None] | None = None,
    source: str | None = None,
    subject: str | None = None,
    as_of: datetime | None = None,
    use_summary: bool | None = None,
) -> ReferralMetrics:
    """All the figures for one quarter. `as_of` (default now) decides which deadlines have
    passed for the first-contact and oversight measures. `use_summary` (default: when it can)
    reads counts from the monthly summary; False counts the referral rows."""
    as_of = as_of or timezone.now()
    service_ids = None if service_ids is None else list(service_ids)
    area_ids = None if area_ids is None else list(area_ids)
    from_summary = _summary_answers(use_summary, area_ids=area_ids, source=source, subject=subject)
    filtered = Referral.objects.filter(
        referral_filter(service_ids=service_ids, area_ids=area_ids, source=source, subject=subject)
    )
    start, end = quarter.start_datetime(), quarter.end_datetime()
    received = filtered.filter(_between("received_at", start, end))
    households, repeat_addresses = households_and_repeats(received)
    if from_summary:
        counts = _summary_counts(quarter, service_ids, received, as_of)
    else:
        outcome_rows = ReferralOutcome.objects.filter(
            referral_filter(
                service_ids=service_ids,
                area_ids=area_ids,
                source=source,
                subject=subject,
                prefix="referral__",
            ),
            _between("closed_at", start, end, prefix="referral__"),
        )
        counts = _row_counts(quarter, filtered, received, outcome_rows, as_of)
    return ReferralMetrics(
        quarter=quarter,
        received=counts.received,
        by_area=_by_area(counts.by_area, area_ids),
        by_source=counts.by_source,
        by_subject=counts.by_subject,
        by_risk=counts.by_risk,
        previous_quarter=Change(counts.received, counts.previous_quarter),
        same_quarter_last_year=Change(counts.received, counts.same_quarter_last_year),
        first_contact=counts.first_contact,
        oversight=counts.oversight,
        waiting_times=waiting_times(filtered.filter(_between("support_started_at", start, end))),
        waiting_list_at_end=counts.waiting_list_at_end,
        repeats=Percentage(counts.repeats, counts.received),
        households=households,
        repeat_addresses=repeat_addresses,
        closed=sum(counts.closure_reasons.values()),
        closure_reasons=counts.closure_reasons,
        outcomes=counts.outcomes,
        signposted=counts.signposted,
        caseloads=caseloads(quarter, service_ids=service_ids, use_summary=from_summary),
        decline_reasons=_counts(
            filtered.filter(_between("declined_at", start, end)), "decline_reason", DeclineReason
        ),
    )


def households_and_repeats(referrals) -> tuple[int, int]:
    """Different households among `referrals`, and how many of them had a repeat referral
    (an earlier one from the same address within the window), in one pass: each household's
    referrals are grouped once (a hash on PostgreSQL), instead of counting distinct keys twice."""
    per_household = (
        referrals.exclude(address_key="")
        .values("address_key")
        .annotate(repeat=Max(Case(When(is_repeat_address=True, then=1), default=0)))
        .order_by()
    )
    totals = per_household.aggregate(households=Count("address_key"), repeats=Sum("repeat"))
    return totals["households"], totals["repeats"] or 0


def _oversight_from_rows(received, as_of: datetime) -> Percentage:
    """Oversight within 24 hours, only where each service's definition applied the standard
    when the referral was received: always from the rows (the summary counts every referral)."""
    return Percentage(
        received.filter(rules.oversight_met()).count(),
        received.filter(rules.oversight_assessable(as_of)).count(),
    )


def _response_from_rows(received, as_of: datetime) -> tuple[Percentage, Percentage]:
    return (
        Percentage(
            received.filter(contacted_within_sla=True).count(),
            received.filter(rules.first_contact_assessable(as_of)).count(),
        ),
        _oversight_from_rows(received, as_of),
    )


def _row_counts(
    quarter: FinancialQuarter, filtered, received, outcome_rows, as_of: datetime
) -> _Counts:
    def count_received(q: FinancialQuarter) -> int:
        return filtered.filter(
            _between("received_at", q.start_datetime(), q.end_datetime())
        ).count()

    first_contact, oversight = _response_from_rows(received, as_of)
    start, end = quarter.start_datetime(), quarter.end_datetime()
    outcomes = dict.fromkeys(Outcome.values, 0)
    for row in outcome_rows.values("outcome").annotate(n=Count("id")).order_by():
        outcomes[row["outcome"]] = row["n"]
    return _Counts(
        received=received.count(),
        by_area={
            row["area_id"]: row["n"]
            for row in received.values("area_id").annotate(n=Count("id")).order_by()
        },
        by_source=_counts(received, "source", ReferralSource),
        by_subject=_counts(received, "subject", Subject),
        by_risk=_counts(received, "risk_level", RiskLevel),
        previous_quarter=count_received(quarter.previous()),
        same_quarter_last_year=count_received(quarter.same_quarter_last_year()),
        first_contact=first_contact,
        oversight=oversight,
        waiting_list_at_end=filtered.filter(
            rules.on_waiting_list_at(quarter.end_datetime())
        ).count(),
        repeats=received.filter(is_repeat=True).count(),
        closure_reasons=_counts(
            filtered.filter(_between("closed_at", start, end)), "closure_reason", ClosureReason
        ),
        outcomes=outcomes,
        signposted=filtered.filter(_between("signposted_at", start, end)).count(),
    )


# The monthly summary ---------------------------------------------------------------------------


def _months(quarter: FinancialQuarter) -> tuple[int, int]:
    """The quarter's months in the summary: [first, end)."""
    first = summary.month_index(quarter.start_datetime())
    return first, first + 3


def _summary_rows(
    dimensions: Iterable[str], first: int, end: int, service_ids: Iterable[int] | None
) -> QuerySet[ReferralSummary]:
    rows = ReferralSummary.objects.filter(
        dimension__in=list(dimensions), month__gte=first, month__lt=end
    )
    if service_ids is not None:
        rows = rows.filter(service_id__in=list(service_ids))
    return rows.order_by()


def _deadlines_passed(quarter: FinancialQuarter, as_of: datetime) -> bool:
    """Whether every referral of the quarter is past its first-contact and oversight deadlines
    at `as_of`, so that every one counts in those measures."""
    last = quarter.end_datetime() - timedelta(microseconds=1)
    return as_of > rules.first_contact_due(last) and as_of > rules.oversight_due(last)


def _categories(choices, found: dict[str, int]) -> dict[str, int]:
    counts = dict.fromkeys(choices.values, 0)
    counts.update(found)
    return counts


def _summary_counts(
    quarter: FinancialQuarter, service_ids: list[int] | None, received, as_of: datetime
) -> _Counts:
    first, end = _months(quarter)
    found: dict[str, dict[str, list[int]]] = defaultdict(dict)
    dimensions = [summary.ALL, "area", "source", "subject", "risk_level"]
    dimensions += [summary.CLOSURE_REASON, summary.OUTCOME, summary.SIGNPOSTED]
    rows = _summary_rows(dimensions, first, end, service_ids).values("dimension", "value")
    for row in rows.annotate(
        n=Sum("referrals"),
        contact=Sum("first_contact_met"),
        oversight=Sum("oversight_met"),
        repeats=Sum("repeats"),
    ):
        found[row["dimension"]][row["value"]] = [
            row["n"],
            row["contact"],
            row["oversight"],
            row["repeats"],
        ]
    total = found[summary.ALL].get("", [0, 0, 0, 0])

    def counts_of(dimension: str) -> dict[str, int]:
        return {value: sums[0] for value, sums in found[dimension].items()}

    if _deadlines_passed(quarter, as_of):
        first_contact = Percentage(total[1], total[0])
        oversight = _oversight_from_rows(received, as_of)
    else:
        first_contact, oversight = _response_from_rows(received, as_of)
    earlier = _summary_totals([quarter.previous(), quarter.same_quarter_last_year()], service_ids)
    return _Counts(
        received=total[0],
        by_area={int(k) if k else None: n for k, n in counts_of("area").items()},
        by_source=_categories(ReferralSource, counts_of("source")),
        by_subject=_categories(Subject, counts_of("subject")),
        by_risk=_categories(RiskLevel, counts_of("risk_level")),
        previous_quarter=earlier[quarter.previous()],
        same_quarter_last_year=earlier[quarter.same_quarter_last_year()],
        first_contact=first_contact,
        oversight=oversight,
        waiting_list_at_end=_summary_waiting_list(end, service_ids),
        repeats=total[3],
        closure_reasons=_categories(ClosureReason, counts_of(summary.CLOSURE_REASON)),
        outcomes=_categories(Outcome, counts_of(summary.OUTCOME)),
        signposted=sum(counts_of(summary.SIGNPOSTED).values()),
    )


def _summary_totals(
    quarters: list[FinancialQuarter], service_ids: list[int] | None
) -> dict[FinancialQuarter, int]:
    """Referrals received in each quarter, in one read of the summary."""
    totals = dict.fromkeys(quarters, 0)
    of_month = {m: q for q in quarters for m in range(*_months(q))}
    rows = ReferralSummary.objects.filter(dimension=summary.ALL, month__in=list(of_month))
    if service_ids is not None:
        rows = rows.filter(service_id__in=service_ids)
    for month, n in (
        rows.order_by().values("month").annotate(n=Sum("referrals")).values_list("month", "n")
    ):
        totals[of_month[month]] += n
    return totals


def _spell_open(value: str, end: int) -> bool:
    """A spell recorded as its end month ("" while it lasts) is open at the start of month
    `end` when it ended in that month or later."""
    return value == "" or int(value) >= end


def _summary_waiting_list(end: int, service_ids: list[int] | None) -> int:
    """On the waiting list at the start of month `end`: joined before it, not yet left."""
    rows = ReferralSummary.objects.filter(dimension=summary.WAITING_LIST, month__lt=end)
    if service_ids is not None:
        rows = rows.filter(service_id__in=service_ids)
    waiting = 0
    for value, n in (
        rows.order_by().values("value").annotate(n=Sum("referrals")).values_list("value", "n")
    ):
        joined, left = value.split(":")
        if int(joined) < end and _spell_open(left, end):
            waiting += n
    return waiting


def _by_area(counts: dict[int | None, int], area_ids: list[int | None] | None) -> list[AreaCount]:
    areas = Area.objects.all()
    if area_ids is not None:
        areas = areas.filter(pk__in=[pk for pk in area_ids if pk is not None])
    rows = [
        AreaCount(area.pk, area.name, area.population, counts.get(area.pk, 0)) for area in areas
    ]
    if area_ids is None or None in area_ids:
        rows.append(AreaCount(None, "Out of area", None, counts.get(None, 0)))
    return rows


def waiting_times(started: QuerySet[Referral]) -> list[WaitingTimes]:
    """Waiting times of `started` (the referrals whose support started in the period) by risk
    level, then for all: counted and their medians and 90th percentiles taken by PostgreSQL
    (`_waiting_times_in_sql`), elsewhere in Python (`waiting_times_in_python`): the same
    answers, which the tests hold to each other."""
    if connection.vendor == "postgresql":
        return _waiting_times_in_sql(started)
    return waiting_times_in_python(started)


def waiting_times_in_python(started: QuerySet[Referral]) -> list[WaitingTimes]:
    by_risk: dict[str, list[timedelta]] = {level: [] for level in RiskLevel.values}
    for level, waited in (
        started.exclude(waiting_time=None).values_list("risk_level", "waiting_time").order_by()
    ):
        if waited is not None:  # excluded above; this tells the type checker
            by_risk[level].append(waited)
    # Sorted once here, so the sorts in median() and percentile_nearest_rank() are quick passes.
    for values in by_risk.values():
        values.sort()
    everyone = sorted(waited for values in by_risk.values() for waited in values)
    rows = [
        WaitingTimes(
            level,
            len(values),
            _days(median(values)),
            _days(percentile_nearest_rank(values, 90)),
        )
        for level, values in by_risk.items()
    ]
    rows.append(
        WaitingTimes(
            "all",
            len(everyone),
            _days(median(everyone)),
            _days(percentile_nearest_rank(everyone, 90)),
        )
    )
    return rows


def _count_by_service(condition: Q, service_ids: list[int]) -> dict[int, int]:
    # COUNT(*), not COUNT(id): a count that names no other column can be read from an index.
    return dict(
        Referral.objects.filter(condition, service_id__in=service_ids)
        .values("service_id")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("service_id", "n")
    )


def _count_in_support(moment: datetime, service_ids: list[int]) -> dict[int, int]:
    """`rules.in_support_at(moment)` by service, counted as its two parts: each is read from the
    index `referral_in_support` alone (their OR would read every matching row)."""
    counts: dict[int, int] = defaultdict(int)
    for part in rules.in_support_at_parts(moment):
        for service_id, n in _count_by_service(part, service_ids).items():
            counts[service_id] += n
    return dict(counts)


def _stored_in_support(quarter: FinancialQuarter, service_ids: list[int]) -> dict[int, int]:
    """`_count_in_support` at the quarter's end, kept (referrals.stored_figures) until a
    referral of that quarter or an earlier one changes: only those can be in support then."""
    return stored_figures.stored(
        "in support",
        start=FinancialQuarter(MIN_YEAR, 1).start,
        end=quarter.end,
        service_ids=service_ids,
        count=lambda: _count_in_support(quarter.end_datetime(), service_ids),
        encode=lambda found: list(found.items()),
        decode=dict,
    )


def _open_from_summary(quarter: FinancialQuarter, service_ids: list[int]) -> dict[int, int]:
    end = _months(quarter)[1]
    open_cases: dict[int, int] = defaultdict(int)
    for service_id, value, n in (
        ReferralSummary.objects.filter(
            # Cases that ended before `end` are left out in the database (an end month is
            # five digits, so it compares as text).
            Q(value="") | Q(value__gte=str(end)),
            dimension=summary.ENDED,
            month__lt=end,
            service_id__in=service_ids,
        )
        .order_by()
        .values("service_id", "value")
        .annotate(n=Sum("referrals"))
        .values_list("service_id", "value", "n")
    ):
        if _spell_open(value, end):
            open_cases[service_id] += n
    return open_cases


# percentile_disc(f) is the value at position ceil(f * n) in order. 0.5 gives the middle value
# (the lower of the two middle values when n is even) and 0.5 + MIDDLE_STEP the upper one (the
# same middle value when n is odd), for any n under 1 / (2 * MIDDLE_STEP); 0.9 gives the 90th
# percentile by nearest rank. So one sort of each group gives what median() and
# percentile_nearest_rank() give.
MIDDLE_STEP = 1e-9


def _waiting_times_in_sql(started: QuerySet[Referral]) -> list[WaitingTimes]:
    inner, params = (
        started.exclude(waiting_time=None)
        .values("risk_level", "waiting_time")
        .order_by()
        .query.sql_with_params()
    )
    sql = f"""
        SELECT GROUPING(risk_level), risk_level, COUNT(*),
               percentile_disc(ARRAY[0.5, {0.5 + MIDDLE_STEP}, 0.9])
                   WITHIN GROUP (ORDER BY waiting_time)
        FROM ({inner}) AS started
        GROUP BY ROLLUP (risk_level)
    """  # noqa: S608 (the inner query is the ORM's, with its parameters)
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for everyone, level, count, percentiles in cursor.fetchall():
            if count:  # the rollup's total row comes even when there are none, without values
                lower, upper, p90 = percentiles
                found["all" if everyone else level] = (count, (lower + upper) / 2, p90)
    return [
        WaitingTimes(level, *_counted_days(*found.get(level, (0, None, None))))
        for level in [*RiskLevel.values, "all"]
    ]


def _counted_days(count: int, middle: timedelta | None, p90: timedelta | None) -> tuple:
    return count, _days(middle), _days(p90)


def caseloads(
    quarter: FinancialQuarter,
    *,
    service_ids: list[int] | None = None,
    use_summary: bool | None = None,
) -> list[Caseload]:
    """Open cases per caseworker FTE at the quarter's end, per service with an FTE figure,
    against the benchmark band of the service's definition in force on the quarter's last day
    (commissioning.definitions). What counts is the definition's too: people in active support
    only (counted from the rows, through the support index), or every open case (from the
    summary's spells, or the rows with use_summary=False)."""
    fte = caseworker_fte(service_ids, quarter)
    if not fte:
        return []
    moment = quarter.end_datetime()
    defined = definitions_on(quarter.end, list(fte))
    all_open = [pk for pk in fte if defined[pk].caseload_counts == CaseloadCounts.ALL_OPEN]
    in_support = [pk for pk in fte if pk not in all_open]
    open_cases = _stored_in_support(quarter, in_support) if in_support else {}
    if all_open:
        open_cases |= (
            _count_by_service(rules.open_at(moment), all_open)
            if use_summary is False
            else _open_from_summary(quarter, all_open)
        )
    rows = []
    for service in CommissionedService.objects.filter(pk__in=list(fte)).order_by("name"):
        definition = defined[service.pk]
        rows.append(
            Caseload(
                service_id=service.pk,
                service=service.name,
                open_cases=open_cases.get(service.pk, 0),
                fte=Decimal(fte[service.pk]),
                band_low=definition.caseload_band_low,
                benchmark=definition.caseload_benchmark,
                band_high=definition.caseload_band_high,
                counts=definition.caseload_counts,
            )
        )
    return rows


def _quarter_of(field_name: str, quarters: list[FinancialQuarter]) -> Case:
    """Each row's quarter index, from the quarters' exact [start, end) moments.

    The same answer as partnership.calendar.financial_quarter_index, but comparing the stored
    values with constants instead of converting every row to local time in SQL: at a million
    rows SQLite's per-row time zone conversion takes seconds, and this takes a fraction of one.
    """
    return Case(
        *[
            When(
                _between(field_name, quarter.start_datetime(), quarter.end_datetime()),
                then=Value(quarter.index),
            )
            for quarter in quarters
        ],
        default=None,
        output_field=IntegerField(),
    )


def referrals_by_quarter(
    quarters: Iterable[FinancialQuarter],
    *,
    group_by: str | None = None,
    service_ids: Iterable[int] | None = None,
    area_ids: Iterable[int | None] | None = None,
    source: str | None = None,
    subject: str | None = None,
    use_summary: bool | None = None,
) -> dict:
    """Referrals received per quarter, for trends: {quarter: count}, or with `group_by` "area"
    or "service", {quarter: {area_id or service_id: count}} (area_id None: out of area), or with
    "service_area", {quarter: {(service_id, area_id): count}}. Every quarter asked for is in the
    answer, with 0 (or nothing) when nothing was received."""
    quarters = sorted(set(quarters))
    if group_by not in (None, "area", "service", SERVICE_AREA):
        raise ValueError('group_by must be None, "area", "service" or "service_area".')
    if not quarters:
        return {}
    if _summary_answers(use_summary, area_ids=area_ids, source=source, subject=subject):
        return _summary_by_quarter(quarters, group_by, service_ids)
    referrals = Referral.objects.filter(
        referral_filter(service_ids=service_ids, area_ids=area_ids, source=source, subject=subject),
        _between("received_at", quarters[0].start_datetime(), quarters[-1].end_datetime()),
    ).annotate(quarter_index=_quarter_of("received_at", quarters))
    wanted = {q.index: q for q in quarters}
    if group_by is None:
        result: dict = dict.fromkeys(quarters, 0)
        for row in referrals.values("quarter_index").annotate(n=Count("id")).order_by():
            if row["quarter_index"] in wanted:
                result[wanted[row["quarter_index"]]] = row["n"]
        return result
    keys = ["service_id", "area_id"] if group_by == SERVICE_AREA else [f"{group_by}_id"]
    grouped: dict = {q: {} for q in quarters}
    for row in referrals.values("quarter_index", *keys).annotate(n=Count("id")).order_by():
        if row["quarter_index"] in wanted:
            member = tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]
            grouped[wanted[row["quarter_index"]]][member] = row["n"]
    return grouped


def _summary_by_quarter(
    quarters: list[FinancialQuarter], group_by: str | None, service_ids: Iterable[int] | None
) -> dict:
    of_month = {m: q for q in quarters for m in range(*_months(q))}
    by_area = group_by in ("area", SERVICE_AREA)
    rows = ReferralSummary.objects.filter(
        dimension="area" if by_area else summary.ALL, month__in=list(of_month)
    )
    if service_ids is not None:
        rows = rows.filter(service_id__in=list(service_ids))
    rows = rows.order_by()
    if group_by is None:
        result: dict = dict.fromkeys(quarters, 0)
        for month, n in rows.values("month").annotate(n=Sum("referrals")).values_list("month", "n"):
            result[of_month[month]] += n
        return result
    if group_by == SERVICE_AREA:
        return _summary_by_quarter_service_and_area(quarters, service_ids)
    key = "value" if group_by == "area" else "service_id"
    grouped: dict = {q: {} for q in quarters}
    for month, member, n in (
        rows.values("month", key).annotate(n=Sum("referrals")).values_list("month", key, "n")
    ):
        if group_by == "area":
            member = int(member) if member else None
        counts = grouped[of_month[month]]
        counts[member] = counts.get(member, 0) + n
    return grouped


def _summary_by_quarter_service_and_area(
    quarters: list[FinancialQuarter], service_ids: Iterable[int] | None
) -> dict:
    """One summary row per month, service and area: nothing to add up in the database (adding up
    by quarter there costs PostgreSQL more than it saves), and the months read as one range."""
    of_month = {m: q for q in quarters for m in range(*_months(q))}
    rows = ReferralSummary.objects.filter(
        dimension="area", month__gte=min(of_month), month__lte=max(of_month)
    ).order_by()
    if service_ids is not None:
        rows = rows.filter(service_id__in=list(service_ids))
    grouped: dict = {q: {} for q in quarters}
    for month, service_id, area, n in rows.values_list("month", "service_id", "value", "referrals"):
        quarter = of_month.get(month)
        if quarter is not None:
            key = (service_id, int(area) if area else None)
            counts = grouped[quarter]
            counts[key] = counts.get(key, 0) + n
    return grouped


def first_quarter_with_referrals() -> FinancialQuarter | None:
    """The quarter of the earliest referral received, or None when there is none."""
    first = Referral.objects.aggregate(first=Min("received_at"))["first"]
    return FinancialQuarter.containing(first) if first else None


def equality_profile(
    quarter: FinancialQuarter,
    *,
    service_ids: Iterable[int] | None = None,
    use_summary: bool | None = None,
) -> dict[str, dict[str, int]]:
    """The quarter's referrals counted by each equality field: {field: {category: count}},
    every category present (0 when none), in the order of its choices."""
    profile = {name: dict.fromkeys(choices.values, 0) for name, choices in EQUALITY_FIELDS.items()}
    if _summary_answers(use_summary):
        first, end = _months(quarter)
        rows = _summary_rows(EQUALITY_FIELDS, first, end, service_ids).values("dimension", "value")
        for name, value, n in rows.annotate(n=Sum("referrals")).values_list(
            "dimension", "value", "n"
        ):
            profile[name][value] = n
        return profile
    received = Referral.objects.filter(
        referral_filter(service_ids=service_ids),
        _between("received_at", quarter.start_datetime(), quarter.end_datetime()),
    )
    for name in EQUALITY_FIELDS:
        for row in received.values(name).annotate(n=Count("id")).order_by():
            profile[name][row[name]] = row["n"]
    return profile


def _oversight_by_service(received, as_of: datetime) -> dict[int, Percentage]:
    """Oversight only where each service's definition applied it: always from the rows."""
    return {
        row["service_id"]: Percentage(row["met"], row["of"])
        for row in received.values("service_id")
        .annotate(
            # Counts of a constant, not of ids, so that the index `referral_oversight` serves
            # this alone (Django refuses COUNT(*) with a filter).
            met=Count(Value(1), filter=rules.oversight_met()),
            of=Count(Value(1), filter=rules.oversight_assessable(as_of)),
        )
        .order_by()
    }


@dataclass(frozen=True)
class ServiceResponse:
    service_id: int
    first_contact: Percentage
    oversight: Percentage


def response_by_service(
    quarter: FinancialQuarter,
    *,
    service_ids: Iterable[int] | None = None,
    as_of: datetime | None = None,
    use_summary: bool | None = None,
) -> dict[int, ServiceResponse]:
    """First contact and oversight (as in `referral_metrics`) for each service that received
    referrals in the quarter, by service id."""
    as_of = as_of or timezone.now()
    received = Referral.objects.filter(
        referral_filter(service_ids=service_ids),
        _between("received_at", quarter.start_datetime(), quarter.end_datetime()),
    )
    oversight = _oversight_by_service(received, as_of)
    if _summary_answers(use_summary) and _deadlines_passed(quarter, as_of):
        first, end = _months(quarter)
        rows = _summary_rows([summary.ALL], first, end, service_ids).values("service_id")
        contact = {
            row["service_id"]: Percentage(row["contact"], row["n"])
            for row in rows.annotate(n=Sum("referrals"), contact=Sum("first_contact_met"))
        }
    else:
        contact = {
            row["service_id"]: Percentage(row["met"], row["of"])
            for row in received.values("service_id")
            .annotate(
                met=Count("id", filter=Q(contacted_within_sla=True)),
                of=Count("id", filter=rules.first_contact_assessable(as_of)),
            )
            .order_by()
        }
    return {
        service_id: ServiceResponse(
            service_id, first_contact, oversight.get(service_id, Percentage(0, 0))
        )
        for service_id, first_contact in contact.items()
    }


# Counts by service, released together -----------------------------------------------------------


@dataclass(frozen=True)
class ServiceCounts:
    """One service's counts for a quarter that add up across services: each all-services figure
    is the sum of the services' (the dashboard releases them as one table, so that a service's
    view and the all-services view cannot be set against each other)."""

    service_id: int
    received: int
    by_area: dict[int | None, int]
    by_source: dict[str, int]
    by_subject: dict[str, int]
    equality: dict[str, dict[str, int]]
    first_contact: Percentage
    oversight: Percentage
    repeats: int
    waiting_list_at_end: int
    started_by_risk: dict[str, int]
    closure_reasons: dict[str, int]
    outcomes: dict[str, int]
    signposted: int


@dataclass(frozen=True)
class GroupFigures:
    """Figures about distinct people and households, and statistics of groups: they do not add
    up across services, so they are worked out for the services asked for."""

    waiting_times: list[WaitingTimes]
    households: int
    repeat_addresses: int


def counts_by_service(
    quarter: FinancialQuarter,
    service_ids: Iterable[int],
    *,
    as_of: datetime | None = None,
    use_summary: bool | None = None,
) -> dict[int, ServiceCounts]:
    """The additive figures of `referral_metrics` (and the equality profile, and referrals that
    started support by risk level) for each of `service_ids`, with the same definitions."""
    as_of = as_of or timezone.now()
    service_ids = list(service_ids)
    if not _summary_answers(use_summary):
        return {pk: _service_counts_from_rows(quarter, pk, as_of) for pk in service_ids}
    first, end = _months(quarter)
    dimensions = [summary.ALL, *summary.CATEGORY_FIELDS, summary.CLOSURE_REASON, summary.OUTCOME]
    found: dict[int, dict[str, dict[str, list[int]]]] = {
        pk: defaultdict(dict) for pk in service_ids
    }
    # Every service is read, and the ones asked for kept: a filter on services would lead the
    # database to read each service's rows by its index rather than the quarter's.
    rows = _summary_rows([*dimensions, summary.SIGNPOSTED], first, end, None)
    for pk, dimension, value, *sums in (
        rows.values("service_id", "dimension", "value")
        .annotate(
            n=Sum("referrals"),
            repeats=Sum("repeats"),
            contact=Sum("first_contact_met"),
            oversight=Sum("oversight_met"),
        )
        .values_list("service_id", "dimension", "value", "n", "repeats", "contact", "oversight")
    ):
        if pk in found:
            found[pk][dimension][value] = sums
    if _deadlines_passed(quarter, as_of):  # then every referral counts, as in the summary
        received = Referral.objects.filter(
            referral_filter(service_ids=service_ids),
            _between("received_at", quarter.start_datetime(), quarter.end_datetime()),
        )
        oversight = _stored_oversight(quarter, received, service_ids, as_of)
        response = {
            pk: _response_of(pk, found[pk][summary.ALL].get("", [0, 0, 0, 0]), oversight)
            for pk in service_ids
        }
    else:
        response = response_by_service(quarter, as_of=as_of, use_summary=False)
    waiting = _summary_waiting_lists(end, service_ids)
    started = _started_by_risk(quarter, service_ids)
    nothing = ServiceResponse(0, Percentage(0, 0), Percentage(0, 0))
    return {
        pk: _summary_service_counts(
            pk,
            found[pk],
            response.get(pk, nothing),
            waiting=waiting.get(pk, 0),
            started=started.get(pk, {}),
        )
        for pk in service_ids
    }


def _response_of(pk: int, sums: list[int], oversight: dict[int, Percentage]) -> ServiceResponse:
    n, _repeats, contact, _oversight = sums
    return ServiceResponse(pk, Percentage(contact, n), oversight.get(pk, Percentage(0, 0)))


def _summary_service_counts(
    pk: int,
    found: dict[str, dict[str, list[int]]],
    response: ServiceResponse,
    *,
    waiting: int,
    started: dict[str, int],
) -> ServiceCounts:
    counts = {dim: {v: sums[0] for v, sums in values.items()} for dim, values in found.items()}
    total = found[summary.ALL].get("", [0, 0, 0, 0])
    return ServiceCounts(
        service_id=pk,
        received=total[0],
        by_area={int(k) if k else None: n for k, n in counts.get("area", {}).items()},
        by_source=_categories(ReferralSource, counts.get("source", {})),
        by_subject=_categories(Subject, counts.get("subject", {})),
        equality={
            name: _categories(choices, counts.get(name, {}))
            for name, choices in EQUALITY_FIELDS.items()
        },
        first_contact=response.first_contact,
        oversight=response.oversight,
        repeats=total[1],
        waiting_list_at_end=waiting,
        started_by_risk=_categories(RiskLevel, started),
        closure_reasons=_categories(ClosureReason, counts.get(summary.CLOSURE_REASON, {})),
        outcomes=_categories(Outcome, counts.get(summary.OUTCOME, {})),
        signposted=sum(counts.get(summary.SIGNPOSTED, {}).values()),
    )


def _service_counts_from_rows(quarter: FinancialQuarter, pk: int, as_of: datetime) -> ServiceCounts:
    """One service's counts by the definitions, from the referral rows (for checking)."""
    m = referral_metrics(quarter, service_ids=[pk], as_of=as_of, use_summary=False)
    return ServiceCounts(
        service_id=pk,
        received=m.received,
        by_area={a.area_id: a.count for a in m.by_area if a.count},
        by_source=m.by_source,
        by_subject=m.by_subject,
        equality=equality_profile(quarter, service_ids=[pk], use_summary=False),
        first_contact=m.first_contact,
        oversight=m.oversight,
        repeats=m.repeats.numerator,
        waiting_list_at_end=m.waiting_list_at_end,
        started_by_risk={w.risk_level: w.count for w in m.waiting_times if w.risk_level != "all"},
        closure_reasons=m.closure_reasons,
        outcomes=m.outcomes,
        signposted=m.signposted,
    )


def _summary_waiting_lists(end: int, service_ids: list[int]) -> dict[int, int]:
    """On the waiting list at the start of month `end`, by service (as _summary_waiting_list).

    Spells that had ended before `end` are left out in the database: a spell's value is
    "<joined>:<left>" with five-digit months, so its left month starts at the seventh character
    and compares as text."""
    left = Substr("value", 7)
    rows = (
        ReferralSummary.objects.filter(
            dimension=summary.WAITING_LIST,
            month__lt=end,
            service_id__in=service_ids,
        )
        .alias(left=left)
        .filter(Q(left="") | Q(left__gte=str(end)))
    )
    waiting: dict[int, int] = defaultdict(int)
    for pk, value, n in (
        rows.order_by()
        .values("service_id", "value")
        .annotate(n=Sum("referrals"))
        .values_list("service_id", "value", "n")
    ):
        joined, left_month = value.split(":")
        if int(joined) < end and _spell_open(left_month, end):
            waiting[pk] += n
    return waiting


def _stored_oversight(
    quarter: FinancialQuarter, received: QuerySet[Referral], service_ids: list[int], as_of
) -> dict[int, Percentage]:
    """`_oversight_by_service` of the quarter's referrals once all their deadlines have passed
    (as_of makes no difference then), kept (referrals.stored_figures) under the services'
    definitions of where oversight applies: a changed definition is another kind of figure."""
    applies = hashlib.sha256(repr(rules.oversight_applies()).encode()).hexdigest()[:16]
    return stored_figures.stored_for_quarter(
        f"oversight {applies}",
        quarter,
        service_ids=service_ids,
        count=lambda: _oversight_by_service(received, as_of),
        encode=lambda found: [[pk, p.numerator, p.denominator] for pk, p in found.items()],
        decode=lambda rows: {pk: Percentage(met, of) for pk, met, of in rows},
    )


def _started_by_risk(
    quarter: FinancialQuarter, service_ids: list[int]
) -> dict[int, dict[str, int]]:
    """Referrals whose support started in the quarter, by service and risk level."""
    started: dict[int, dict[str, int]] = defaultdict(dict)
    wanted = set(service_ids)
    rows = stored_figures.stored_for_quarter(
        "started by risk",
        quarter,
        service_ids=None,
        count=lambda: _count_started_by_risk(quarter),
        encode=lambda found: [list(row) for row in found],
        decode=lambda rows: [(pk, level, n) for pk, level, n in rows],
    )
    for pk, level, n in rows:
        if pk in wanted:
            started[pk][level] = n
    return started


def _count_started_by_risk(quarter: FinancialQuarter) -> list[tuple[int, str, int]]:
    # No filter on services, so that the database reads the quarter through its own index.
    rows = Referral.objects.filter(
        _between("support_started_at", quarter.start_datetime(), quarter.end_datetime())
    )
    return list(
        rows.values("service_id", "risk_level")
        .annotate(n=Count("*"))  # from the index `referral_waits` alone
        .order_by()
        .values_list("service_id", "risk_level", "n")
    )


def group_figures(quarter: FinancialQuarter, *, service_ids: Iterable[int] | None) -> GroupFigures:
    """Waiting times, households and repeat addresses (as in `referral_metrics`) of the
    quarter's referrals to `service_ids` (None: every service)."""
    filtered = Referral.objects.filter(referral_filter(service_ids=service_ids))
    start, end = quarter.start_datetime(), quarter.end_datetime()
    received = filtered.filter(_between("received_at", start, end))
    households, repeat_addresses = households_and_repeats(received)
    return GroupFigures(
        waiting_times=waiting_times(filtered.filter(_between("support_started_at", start, end))),
        households=households,
        repeat_addresses=repeat_addresses,
    )


def stored_group_figures(
    quarter: FinancialQuarter, *, service_ids: Iterable[int] | None
) -> GroupFigures:
    """`group_figures`, kept between changes to the quarter's referrals
    (referrals.stored_figures)."""
    service_ids = None if service_ids is None else list(service_ids)
    return stored_figures.stored_for_quarter(
        "groups",
        quarter,
        service_ids=service_ids,
        count=lambda: group_figures(quarter, service_ids=service_ids),
        encode=_group_figures_json,
        decode=_group_figures_from_json,
    )


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _group_figures_json(figures: GroupFigures) -> dict:
    return {
        "waiting_times": [
            [w.risk_level, w.count, _decimal_text(w.median_days), _decimal_text(w.p90_days)]
            for w in figures.waiting_times
        ],
        "households": figures.households,
        "repeat_addresses": figures.repeat_addresses,
    }


def _group_figures_from_json(data: dict) -> GroupFigures:
    return GroupFigures(
        waiting_times=[
            WaitingTimes(level, count, _decimal(median), _decimal(p90))
            for level, count, median, p90 in data["waiting_times"]
        ],
        households=data["households"],
        repeat_addresses=data["repeat_addresses"],
    )
