"""Every figure of the safe accommodation return for a financial year, from the referral rows.

Exact counts: the return goes to government, which rounds when it publishes; nothing here is
suppressed or rounded, and the page and file showing them are for performance leads and admins
only. MHCLG's form was not available (referrals/sources/safe-accommodation-and-marac.md), so
the layout follows what the published statistics report; items the release does not confirm
are marked as such on the page and in the file.

Definitions, for referrals to safe accommodation services (commissioning's Part 4 types):

- **Supported in the year**: support started before the year ended and had not ended (closed)
  before it began: those whose support started in the year, and those already in support on
  1 April.
- **Household**: referrals with the same address key are one household; a referral without
  one is a household by person (referrals.children uses the same rule). A household is counted
  once in each accommodation type it was supported in, and once in the total.
- **People supported**: women, men, trans adults and children as recorded for the household's
  latest support in the year (by start of support). Households whose people were not recorded
  count as households only; how many is said.
- **Specialist characteristics**: of the person referred, for each household supported (its
  latest support), one count per characteristic and one for "at least one".
- **Unable to be supported**: households whose referral was declined in the year because the
  service was unable to support them, by the reason of their latest such decline.
- **Support ended**: households whose support ended (the referral closed after support had
  started) in the year, by why, for sanctuary schemes and for other accommodation apart; and
  where households leaving accommodation other than a sanctuary scheme moved on to.
- **Capacity**: bed spaces and units of the running safe accommodation services, as recorded
  now (the app keeps no history of capacity).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from commissioning.constants import SAFE_ACCOMMODATION_TYPES
from commissioning.models import CommissionedService
from partnership.calendar import FinancialYear

from ..constants import AccommodationType, DeclineReason
from ..models import Referral, ReturnCategory

NOT_RECORDED = "Not recorded"
SANCTUARY = "sanctuary"
OTHER_ACCOMMODATION = "other"
TYPE_NOT_RECORDED = "type_not_recorded"
ENDING_GROUPS = {
    SANCTUARY: "Sanctuary scheme",
    OTHER_ACCOMMODATION: "Other safe accommodation",
    TYPE_NOT_RECORDED: "Accommodation not recorded",
}
_COLUMNS = (
    "pk",
    "service_id",
    "person_key",
    "address_key",
    "accommodation_type",
    "adults_women",
    "adults_men",
    "adults_trans",
    "children_supported",
    "characteristics_recorded",
    "support_started_at",
    "closed_at",
    "declined_at",
    "decline_reason",
    "unable_to_support_reason_id",
    "support_end_reason_id",
    "move_on_destination_id",
)


@dataclass(frozen=True)
class _Row:
    pk: int
    service_id: int
    person_key: str
    address_key: str
    accommodation_type: str
    adults_women: int | None
    adults_men: int | None
    adults_trans: int | None
    children_supported: int | None
    characteristics_recorded: bool
    support_started_at: datetime | None
    closed_at: datetime | None
    declined_at: datetime | None
    decline_reason: str
    unable_to_support_reason_id: int | None
    support_end_reason_id: int | None
    move_on_destination_id: int | None

    @property
    def household(self) -> str:
        if self.address_key:
            return f"a:{self.address_key}"
        return f"p:{self.person_key}" if self.person_key else f"r:{self.pk}"

    @property
    def people(self) -> tuple[int, int, int, int] | None:
        counts = (self.adults_women, self.adults_men, self.adults_trans, self.children_supported)
        return None if None in counts else counts  # type: ignore[return-value]


@dataclass
class People:
    """Households and the people in them, for one accommodation type or the total."""

    households: int = 0
    women: int = 0
    men: int = 0
    trans_adults: int = 0
    children: int = 0
    not_described: int = 0

    @property
    def individuals(self) -> int:
        return self.women + self.men + self.trans_adults + self.children

    def add(self, row: _Row) -> None:
        self.households += 1
        people = row.people
        if people is None:
            self.not_described += 1
            return
        self.women += people[0]
        self.men += people[1]
        self.trans_adults += people[2]
        self.children += people[3]


@dataclass
class ReturnFigures:
    """The return's figures for some services (all of them, or one) and a financial year."""

    year: FinancialYear
    service_ids: list[int]
    supported_referrals: int = 0
    started_in_year: int = 0
    in_support_at_start: int = 0
    by_type: dict[str, People] = field(default_factory=dict)
    total: People = field(default_factory=People)
    characteristics: dict[int, int] = field(default_factory=dict)
    with_characteristic: int = 0
    characteristics_not_recorded: int = 0
    unable_referrals: int = 0
    unable: dict[int | None, int] = field(default_factory=dict)
    ended_referrals: int = 0
    closed_without_support: int = 0
    ended: dict[str, dict[int | None, int]] = field(default_factory=dict)
    destinations: dict[int | None, int] = field(default_factory=dict)

    @property
    def households_supported(self) -> int:
        return self.total.households

    @property
    def households_unable(self) -> int:
        return sum(self.unable.values())

    @property
    def households_ended(self) -> int:
        return sum(sum(reasons.values()) for reasons in self.ended.values())


def safe_accommodation_service_ids() -> list[int]:
    return list(
        CommissionedService.objects.filter(service_type__in=sorted(SAFE_ACCOMMODATION_TYPES))
        .order_by("name")
        .values_list("pk", flat=True)
    )


def _rows(year: FinancialYear, service_ids: list[int]) -> list[_Row]:
    start, end = year.start_datetime(), year.end_datetime()
    in_year = Q(support_started_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))
    declined = Q(declined_at__gte=start, declined_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    found = Referral.objects.filter(in_year | declined | closed, service_id__in=service_ids)
    return [_Row(*values) for values in found.order_by("pk").values_list(*_COLUMNS)]


def _latest(rows: Iterable[_Row], moment: str) -> dict[str, _Row]:
    """Each household's row with the latest `moment` (ties: the later record)."""
    latest: dict[str, _Row] = {}
    for row in sorted(rows, key=lambda r: (getattr(r, moment), r.pk)):
        latest[row.household] = row
    return latest


def _characteristics_of(pks: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    through = Referral.specialist_characteristics.through
    for referral_id, category_id in through.objects.filter(referral_id__in=pks).values_list(
        "referral_id", "returncategory_id"
    ):
        found[referral_id].append(category_id)
    return found


def return_figures(year: FinancialYear, service_ids: Iterable[int] | None = None) -> ReturnFigures:
    """The return's figures for safe accommodation services (`service_ids`: some of them)."""
    ids = safe_accommodation_service_ids()
    if service_ids is not None:
        wanted = set(service_ids)
        ids = [pk for pk in ids if pk in wanted]
    figures = ReturnFigures(year=year, service_ids=ids)
    rows = _rows(year, ids)
    start, end = year.start_datetime(), year.end_datetime()
    supported = [
        r
        for r in rows
        if r.support_started_at is not None
        and r.support_started_at < end
        and (r.closed_at is None or r.closed_at >= start)
    ]
    _supported(figures, supported, start)
    _unable(figures, [r for r in rows if r.declined_at and start <= r.declined_at < end])
    _ended(figures, [r for r in rows if r.closed_at and start <= r.closed_at < end])
    return figures


def _supported(figures: ReturnFigures, supported: list[_Row], start: datetime) -> None:
    figures.supported_referrals = len(supported)
    figures.started_in_year = sum(1 for r in supported if r.support_started_at >= start)
    figures.in_support_at_start = figures.supported_referrals - figures.started_in_year
    by_type: dict[str, list[_Row]] = defaultdict(list)
    for row in supported:
        by_type[row.accommodation_type].append(row)
    for kind in [*AccommodationType.values, ""]:
        figures.by_type[kind] = People()
        for row in _latest(by_type.get(kind, []), "support_started_at").values():
            figures.by_type[kind].add(row)
    latest = _latest(supported, "support_started_at")
    linked = _characteristics_of([row.pk for row in latest.values()])
    for row in latest.values():
        figures.total.add(row)
        if not row.characteristics_recorded:
            figures.characteristics_not_recorded += 1
            continue
        chosen = linked.get(row.pk, [])
        figures.with_characteristic += bool(chosen)
        for category_id in chosen:
            figures.characteristics[category_id] = figures.characteristics.get(category_id, 0) + 1


def _unable(figures: ReturnFigures, declined: list[_Row]) -> None:
    unable = [r for r in declined if r.decline_reason == DeclineReason.UNABLE_TO_SUPPORT]
    figures.unable_referrals = len(unable)
    for row in _latest(unable, "declined_at").values():
        reason = row.unable_to_support_reason_id
        figures.unable[reason] = figures.unable.get(reason, 0) + 1


def _ending_group(row: _Row) -> str:
    if not row.accommodation_type:
        return TYPE_NOT_RECORDED
    return (
        SANCTUARY if row.accommodation_type == AccommodationType.SANCTUARY else OTHER_ACCOMMODATION
    )


def _ended(figures: ReturnFigures, closed: list[_Row]) -> None:
    ended = [r for r in closed if r.support_started_at is not None]
    figures.ended_referrals = len(ended)
    figures.closed_without_support = len(closed) - len(ended)
    figures.ended = {group: {} for group in ENDING_GROUPS}
    for row in _latest(ended, "closed_at").values():
        group = figures.ended[_ending_group(row)]
        group[row.support_end_reason_id] = group.get(row.support_end_reason_id, 0) + 1
        if row.accommodation_type != AccommodationType.SANCTUARY:
            destination = row.move_on_destination_id
            figures.destinations[destination] = figures.destinations.get(destination, 0) + 1


def categories(kind: str, used: Iterable[int | None]) -> list[ReturnCategory | None]:
    """A list's values in use, with any used in the figures though since switched off, then
    None (not recorded) when it was used."""
    used = set(used)
    values = [
        c
        for c in ReturnCategory.objects.filter(kind=kind).order_by("position", "pk")
        if c.is_active or c.pk in used
    ]
    return values + ([None] if None in used else [])
