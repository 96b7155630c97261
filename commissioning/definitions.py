"""The definitions a board signs off for each service, read here once for every figure.

A service's figures depend on choices a board makes and may change (issue 14):

- the caseload benchmark and the band around it (default 30, in range from 27 to 33);
- which open cases count toward caseload (default: people in active support only, not the
  waiting list or people never contacted);
- whether the 24-hour managerial oversight standard applies (default: only for front-door
  services);
- the first-contact rule (default: by the end of the next working day; or by the same time on
  the next working day);
- whether a repeat referral must be of the same person in the same role (default: yes).

Each change is a `ServiceDefinition` row in force from its day (local midnight) until the
service's next row; a service with no row has the defaults for its type. Rows never start
before the day they are recorded (commissioning.services.service_definition_add), so a change
applies from then on. Where a rule decides something stored on a referral when it is received
(the first-contact deadline, whether it is a repeat), the referral keeps the answer of the row
in force then; where a figure is worked out when asked (oversight, caseload), the row in force
at the moment measured is used. Either way, a quarter's figures never change because a later
row was added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from .constants import (
    DEFAULT_CASELOAD_BAND_HIGH,
    DEFAULT_CASELOAD_BAND_LOW,
    DEFAULT_CASELOAD_BENCHMARK,
    DEFAULT_CASELOAD_COUNTS,
    DEFAULT_FIRST_CONTACT_RULE,
    DEFAULT_REPEATS_SAME_ROLE,
    OVERSIGHT_DEFAULT_TYPES,
    CaseloadCounts,
    FirstContactRule,
)
from .models import CommissionedService, ServiceDefinition

FIELDS = (
    "caseload_benchmark",
    "caseload_band_low",
    "caseload_band_high",
    "caseload_counts",
    "oversight_applies",
    "first_contact_rule",
    "repeats_same_role",
)


@dataclass(frozen=True)
class Definition:
    caseload_benchmark: Decimal
    caseload_band_low: Decimal
    caseload_band_high: Decimal
    caseload_counts: str
    oversight_applies: bool
    first_contact_rule: str
    repeats_same_role: bool
    # None for the defaults of a service with no row.
    effective_from: date | None = None
    agreed_by: str = ""

    @property
    def is_default(self) -> bool:
        return self.effective_from is None

    def describe(self) -> list[tuple[str, str]]:
        """(what, the definition) in words, for the data notes and the definitions page."""
        return [
            (
                "Caseload benchmark",
                f"{_number(self.caseload_benchmark)} open cases per caseworker FTE, in range "
                f"from {_number(self.caseload_band_low)} to {_number(self.caseload_band_high)}",
            ),
            ("Counts toward caseload", CaseloadCounts(self.caseload_counts).label),
            (
                "24-hour managerial oversight",
                "Applies" if self.oversight_applies else "Does not apply",
            ),
            (
                "First contact within one working day",
                FirstContactRule(self.first_contact_rule).label,
            ),
            (
                "Repeat referrals",
                "The same person in the same role only"
                if self.repeats_same_role
                else "The same person in any role",
            ),
        ]


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def default_definition(service_type: str) -> Definition:
    """The definitions of a new service of this type (commissioning.constants)."""
    return Definition(
        caseload_benchmark=DEFAULT_CASELOAD_BENCHMARK,
        caseload_band_low=DEFAULT_CASELOAD_BAND_LOW,
        caseload_band_high=DEFAULT_CASELOAD_BAND_HIGH,
        caseload_counts=DEFAULT_CASELOAD_COUNTS,
        oversight_applies=service_type in OVERSIGHT_DEFAULT_TYPES,
        first_contact_rule=DEFAULT_FIRST_CONTACT_RULE,
        repeats_same_role=DEFAULT_REPEATS_SAME_ROLE,
    )


def _from_row(row: ServiceDefinition) -> Definition:
    return Definition(
        **{name: getattr(row, name) for name in FIELDS},
        effective_from=row.effective_from,
        agreed_by=row.agreed_by,
    )


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day(moment: date | datetime) -> date:
    return timezone.localtime(moment).date() if isinstance(moment, datetime) else moment


def definition_on(service: CommissionedService, moment: date | datetime) -> Definition:
    """The service's definitions in force on a day (or at a moment: its local day)."""
    row = (
        ServiceDefinition.objects.filter(service=service, effective_from__lte=_day(moment))
        .order_by("-effective_from")
        .first()
    )
    return _from_row(row) if row else default_definition(service.service_type)


def definitions_on(
    moment: date | datetime, service_ids: Iterable[int] | None = None
) -> dict[int, Definition]:
    """Every service's definitions in force on a day, by service id, in two queries."""
    services = CommissionedService.objects.all()
    if service_ids is not None:
        services = services.filter(pk__in=list(service_ids))
    found = {
        pk: default_definition(kind) for pk, kind in services.values_list("pk", "service_type")
    }
    rows = ServiceDefinition.objects.filter(
        service_id__in=list(found), effective_from__lte=_day(moment)
    ).order_by("service_id", "effective_from")
    for row in rows:
        found[row.service_id] = _from_row(row)  # the latest row wins
    return found


def history(service: CommissionedService) -> list[Definition]:
    """The service's rows, oldest first; just the defaults when it has none."""
    rows = [_from_row(row) for row in service.definitions.order_by("effective_from")]
    return rows or [default_definition(service.service_type)]


def periods(
    service_ids: Iterable[int] | None = None,
) -> dict[int, list[tuple[date | None, Definition]]]:
    """For each service, its definitions with the day each starts (None: from the beginning),
    oldest first. A service with no row has one period of defaults from the beginning."""
    services = CommissionedService.objects.all()
    if service_ids is not None:
        services = services.filter(pk__in=list(service_ids))
    kinds = dict(services.values_list("pk", "service_type"))
    found: dict[int, list[tuple[date | None, Definition]]] = defaultdict(list)
    for row in ServiceDefinition.objects.filter(service_id__in=list(kinds)).order_by(
        "service_id", "effective_from"
    ):
        found[row.service_id].append((row.effective_from, _from_row(row)))
    for pk, kind in kinds.items():
        if not found[pk]:
            found[pk] = [(None, default_definition(kind))]
        elif found[pk][0][0] is not None:
            # Before a service's first row, the defaults of its type applied.
            found[pk].insert(0, (None, default_definition(kind)))
    return dict(found)


def received_while(attribute: str, *, prefix: str = "") -> Q:
    """Referrals (Q on Referral, or via `prefix`) received while a true-or-false definition
    (e.g. "oversight_applies") was true for their service: one term per period it held."""
    condition = Q(pk__in=[])
    for service_id, service_periods in periods().items():
        for index, (start, definition) in enumerate(service_periods):
            if not getattr(definition, attribute):
                continue
            term = Q(**{f"{prefix}service_id": service_id})
            if start is not None:
                term &= Q(**{f"{prefix}received_at__gte": local_midnight(start)})
            if index + 1 < len(service_periods):
                next_start = service_periods[index + 1][0]
                term &= Q(**{f"{prefix}received_at__lt": local_midnight(next_start)})
            condition |= term
    return condition


def in_force_during(
    start: date, end: date, service_ids: Iterable[int] | None = None
) -> dict[int, list[tuple[date | None, Definition]]]:
    """For each service, the definitions in force at some time from `start` to `end`
    (inclusive days), with the day each starts, oldest first: the one in force on `start`,
    then any change that took effect by `end`."""
    found = {}
    for pk, service_periods in periods(service_ids).items():
        starts = [begin for begin, _definition in service_periods]
        found[pk] = [
            (begin, definition)
            for index, (begin, definition) in enumerate(service_periods)
            if (begin is None or begin <= end)
            and (index + 1 == len(starts) or starts[index + 1] > start)
        ]
    return found
