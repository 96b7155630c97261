"""Every commissioning figure, computed here once: pages, CSV exports, the committee dashboard
and the PDF report all read these plain dataclasses.

Funding splits. A contract year has an annual value and one contribution per funder. Its
reconciliation compares the total contributed with the annual value (the difference is
total - value, so a positive difference means more is contributed than the contract is worth)
and gives each funder two derived shares, both to 0.1% (half up):

- `share_of_value_percent`: the amount as a share of the annual value. This is the base a
  committee paper states ("a contribution of 31% of the value of the contract"), so a stated
  percentage is checked against it and flagged when it differs by more than
  `STATED_PERCENT_TOLERANCE` (0.5 points).
- `share_of_total_percent`: the amount as a share of the total actually contributed, which
  always adds up to 100% and is what a chart of "who pays" shows.

When the contributions add up to the annual value the two shares are the same. When they do
not, the year is flagged for that on its own, with the numbers that disagree. The case that
started this app (a committee told £2,157,000 a year is funded £670,490 (31%), £1,015,483 (47%)
and £544,997 (22%)): the contributions add up to £2,230,970, £73,970 more than the value, and
£544,997 is 25.3% of the value (24.4% of the total), not 22%.

Grants. A funding stream's allocations should add up to exactly its total; each allocation's
share is of the grant total, and a stated percentage is checked against it in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils import timezone

from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.templatetags.money import format_pence

from .constants import (
    ENDING_SOON_MONTHS,
    SAFE_ACCOMMODATION_TYPES,
    STATED_PERCENT_TOLERANCE,
    ExtensionStatus,
)
from .models import (
    CaseworkerCapacity,
    CommissionedService,
    Contract,
    ContractYear,
    FundingContribution,
    FundingStream,
    GrantAllocation,
    add_months,
)


def percent_of(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` to one decimal place, half up; None when whole is 0.

    Integer arithmetic, so the rounding is exact: 544,997 of 2,157,000 is 25.3.
    """
    if whole == 0:
        return None
    tenths, remainder = divmod(part * 1000, whole)
    if remainder * 2 >= whole:
        tenths += 1
    return Decimal(tenths).scaleb(-1)


def _stated_gap(stated: Decimal | None, derived: Decimal | None) -> Decimal | None:
    if stated is None or derived is None:
        return None
    return stated - derived


def _differs(gap: Decimal | None) -> bool:
    return gap is not None and abs(gap) > STATED_PERCENT_TOLERANCE


def _percent_text(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{value.normalize():f}%"


def _year(financial_year: FinancialYear | int | str | None) -> FinancialYear | None:
    if financial_year is None or isinstance(financial_year, FinancialYear):
        return financial_year
    if isinstance(financial_year, int):
        return FinancialYear(financial_year)
    return FinancialYear.parse(financial_year)


# Contract funding ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FunderShare:
    """One funder's contribution to a contract year, with its derived shares."""

    funder_id: int
    funder: str
    amount_pence: int
    share_of_value_percent: Decimal | None
    share_of_total_percent: Decimal | None
    stated_percent: Decimal | None
    # stated - share of value, in percentage points; None without a stated percentage.
    stated_gap_points: Decimal | None

    @property
    def stated_differs(self) -> bool:
        return _differs(self.stated_gap_points)


@dataclass(frozen=True)
class Reconciliation:
    """A contract year's funding checked against its annual value. See the module docstring."""

    contract_year_id: int
    contract_id: int
    contract_reference: str
    contract_title: str
    financial_year: str
    start_year: int
    annual_value_pence: int
    total_pence: int
    difference_pence: int
    shares: tuple[FunderShare, ...]

    @property
    def anchor(self) -> str:
        """The id of this year's section on contract pages: year-<contract id>-<start year>."""
        return f"year-{self.contract_id}-{self.start_year}"

    @property
    def adds_up(self) -> bool:
        return self.difference_pence == 0

    @property
    def stated_mismatches(self) -> tuple[FunderShare, ...]:
        return tuple(share for share in self.shares if share.stated_differs)

    @property
    def is_flagged(self) -> bool:
        return not self.adds_up or bool(self.stated_mismatches)

    @property
    def status(self) -> str:
        if not self.adds_up:
            return "Does not add up"
        if self.stated_mismatches:
            return "Stated percentage differs"
        return "Adds up"

    @property
    def problems(self) -> tuple[str, ...]:
        """Each disagreement in words, with the numbers, for pages and exports alike."""
        problems = []
        value = format_pence(self.annual_value_pence)
        if not self.shares:
            problems.append(f"No contributions are recorded against the annual value of {value}.")
        elif self.difference_pence:
            more_or_less = "more" if self.difference_pence > 0 else "less"
            problems.append(
                f"The contributions add up to {format_pence(self.total_pence)}, which is "
                f"{format_pence(abs(self.difference_pence))} {more_or_less} than the annual "
                f"value of {value}."
            )
        for share in self.stated_mismatches:
            problems.append(
                f"{share.funder} is stated as {_percent_text(share.stated_percent)}, but "
                f"{format_pence(share.amount_pence)} is "
                f"{_percent_text(share.share_of_value_percent)} of the annual value "
                f"({_percent_text(share.share_of_total_percent)} of the total contributed)."
            )
        return tuple(problems)


def _reconcile(contract: Contract, year: ContractYear) -> Reconciliation:
    contributions = list(year.contributions.all())
    total = sum(c.amount_pence for c in contributions)
    shares = []
    for contribution in contributions:
        of_value = percent_of(contribution.amount_pence, year.annual_value_pence)
        shares.append(
            FunderShare(
                funder_id=contribution.funder_id,
                funder=contribution.funder.name,
                amount_pence=contribution.amount_pence,
                share_of_value_percent=of_value,
                share_of_total_percent=percent_of(contribution.amount_pence, total),
                stated_percent=contribution.stated_percent,
                stated_gap_points=_stated_gap(contribution.stated_percent, of_value),
            )
        )
    shares.sort(key=lambda s: (-s.amount_pence, s.funder))
    return Reconciliation(
        contract_year_id=year.pk,
        contract_id=contract.pk,
        contract_reference=contract.reference,
        contract_title=contract.title,
        financial_year=year.year.label,
        start_year=year.financial_year,
        annual_value_pence=year.annual_value_pence,
        total_pence=total,
        difference_pence=total - year.annual_value_pence,
        shares=tuple(shares),
    )


def contract_year_reconciliation(contract_year: ContractYear) -> Reconciliation:
    """The reconciliation of one contract year."""
    return _reconcile(contract_year.contract, contract_year)


@dataclass(frozen=True)
class ContractFunding:
    """A contract's funding split, one reconciliation per contract year, oldest first."""

    contract_id: int
    reference: str
    title: str
    provider: str
    lead_commissioner: str
    years: tuple[Reconciliation, ...]

    @property
    def flagged_years(self) -> tuple[Reconciliation, ...]:
        return tuple(year for year in self.years if year.is_flagged)


def _years_queryset(year: FinancialYear | None):
    years = ContractYear.objects.order_by("financial_year").prefetch_related(
        Prefetch("contributions", queryset=FundingContribution.objects.select_related("funder"))
    )
    if year is not None:
        years = years.filter(financial_year=year.start_year)
    return years


def funding_overview(
    financial_year: FinancialYear | int | str | None = None,
    contract_ids: list[int] | None = None,
) -> list[ContractFunding]:
    """Every contract's funding split per year with its reconciliation, by contract reference.

    With `financial_year`, only that year, and only contracts that have it.
    """
    year = _year(financial_year)
    contracts = Contract.objects.select_related("provider", "lead_commissioner").prefetch_related(
        Prefetch("years", queryset=_years_queryset(year))
    )
    if contract_ids is not None:
        contracts = contracts.filter(pk__in=contract_ids)
    overview = []
    for contract in contracts.order_by("reference"):
        years = tuple(_reconcile(contract, y) for y in contract.years.all())
        if year is not None and not years:
            continue
        overview.append(
            ContractFunding(
                contract_id=contract.pk,
                reference=contract.reference,
                title=contract.title,
                provider=contract.provider.name,
                lead_commissioner=contract.lead_commissioner.name,
                years=years,
            )
        )
    return overview


def contract_funding(contract: Contract) -> ContractFunding:
    """One contract's funding split (as in `funding_overview`)."""
    return funding_overview(contract_ids=[contract.pk])[0]


# Grants --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationLine:
    recipient_id: int
    recipient: str
    area: str | None
    amount_pence: int
    share_percent: Decimal | None
    stated_percent: Decimal | None
    stated_gap_points: Decimal | None

    @property
    def stated_differs(self) -> bool:
        return _differs(self.stated_gap_points)


@dataclass(frozen=True)
class GrantSummary:
    """A grant and its allocations; shares are of the grant total."""

    stream_id: int
    name: str
    funder: str
    financial_year: str
    start_year: int
    total_pence: int
    allocated_pence: int
    lines: tuple[AllocationLine, ...]

    @property
    def unallocated_pence(self) -> int:
        return self.total_pence - self.allocated_pence

    @property
    def adds_up(self) -> bool:
        return self.unallocated_pence == 0

    @property
    def is_flagged(self) -> bool:
        return not self.adds_up or any(line.stated_differs for line in self.lines)

    @property
    def status(self) -> str:
        if not self.lines:
            return "Not allocated"
        if not self.adds_up:
            return "Does not add up"
        if self.is_flagged:
            return "Stated percentage differs"
        return "Adds up"

    @property
    def problems(self) -> tuple[str, ...]:
        total = format_pence(self.total_pence)
        problems = []
        if not self.lines:
            problems.append(f"None of the {total} is allocated yet.")
        elif self.unallocated_pence > 0:
            problems.append(
                f"The allocations add up to {format_pence(self.allocated_pence)}, "
                f"{format_pence(self.unallocated_pence)} less than the grant of {total}."
            )
        elif self.unallocated_pence < 0:
            problems.append(
                f"The allocations add up to {format_pence(self.allocated_pence)}, "
                f"{format_pence(-self.unallocated_pence)} more than the grant of {total}."
            )
        for line in self.lines:
            if line.stated_differs:
                problems.append(
                    f"{line.recipient} is stated as {_percent_text(line.stated_percent)}, but "
                    f"{format_pence(line.amount_pence)} is {_percent_text(line.share_percent)} "
                    f"of the grant."
                )
        return tuple(problems)


def _summarise_grant(stream: FundingStream) -> GrantSummary:
    lines = []
    for allocation in stream.allocations.all():
        share = percent_of(allocation.amount_pence, stream.total_pence)
        lines.append(
            AllocationLine(
                recipient_id=allocation.recipient_id,
                recipient=allocation.recipient.name,
                area=allocation.area.name if allocation.area else None,
                amount_pence=allocation.amount_pence,
                share_percent=share,
                stated_percent=allocation.stated_percent,
                stated_gap_points=_stated_gap(allocation.stated_percent, share),
            )
        )
    return GrantSummary(
        stream_id=stream.pk,
        name=stream.name,
        funder=stream.funder.name,
        financial_year=stream.year.label,
        start_year=stream.financial_year,
        total_pence=stream.total_pence,
        allocated_pence=sum(line.amount_pence for line in lines),
        lines=tuple(lines),
    )


def grant_allocations(
    financial_year: FinancialYear | int | str | None = None,
    stream_ids: list[int] | None = None,
) -> list[GrantSummary]:
    """Every grant with its allocations, newest year first."""
    year = _year(financial_year)
    streams = FundingStream.objects.select_related("funder").prefetch_related(
        Prefetch(
            "allocations",
            queryset=GrantAllocation.objects.select_related("recipient", "area").order_by(
                "recipient__name"
            ),
        )
    )
    if year is not None:
        streams = streams.filter(financial_year=year.start_year)
    if stream_ids is not None:
        streams = streams.filter(pk__in=stream_ids)
    return [_summarise_grant(stream) for stream in streams.order_by("-financial_year", "name")]


def grant_summary(stream: FundingStream) -> GrantSummary:
    return grant_allocations(stream_ids=[stream.pk])[0]


# Contract timeline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionDecision:
    extension_id: int
    period_months: int
    status: str
    decision_due: date | None
    decided_on: date | None
    days_until_due: int | None

    @property
    def overdue(self) -> bool:
        return self.days_until_due is not None and self.days_until_due < 0


@dataclass(frozen=True)
class ContractTimeline:
    contract_id: int
    reference: str
    title: str
    provider: str
    start_date: date
    initial_end_date: date
    end_date: date  # with every exercised extension
    days_to_end: int  # negative once ended
    ending_soon: bool  # ends within ENDING_SOON_MONTHS from today
    extensions: tuple[ExtensionDecision, ...]

    @property
    def ended(self) -> bool:
        return self.days_to_end < 0

    @property
    def decisions_due(self) -> tuple[ExtensionDecision, ...]:
        """Extensions still available to decide on while the contract runs, soonest first."""
        if self.ended:
            return ()
        pending = [e for e in self.extensions if e.status == ExtensionStatus.AVAILABLE.label]
        return tuple(sorted(pending, key=lambda e: (e.decision_due is None, e.decision_due)))


def _timeline(contract: Contract, today: date) -> ContractTimeline:
    end = contract.effective_end_date
    extensions = tuple(
        ExtensionDecision(
            extension_id=e.pk,
            period_months=e.period_months,
            status=e.get_status_display(),
            decision_due=e.decision_due,
            decided_on=e.decided_on,
            days_until_due=(e.decision_due - today).days
            if e.decision_due and e.status == ExtensionStatus.AVAILABLE
            else None,
        )
        for e in contract.extensions.all()
    )
    return ContractTimeline(
        contract_id=contract.pk,
        reference=contract.reference,
        title=contract.title,
        provider=contract.provider.name,
        start_date=contract.start_date,
        initial_end_date=contract.end_date,
        end_date=end,
        days_to_end=(end - today).days,
        ending_soon=today <= end <= add_months(today, ENDING_SOON_MONTHS),
        extensions=extensions,
    )


def contract_timelines(today: date | None = None) -> list[ContractTimeline]:
    """Every contract's dates and extension decisions, by reference."""
    today = today or timezone.localdate()
    contracts = Contract.objects.select_related("provider").prefetch_related("extensions")
    return [_timeline(contract, today) for contract in contracts.order_by("reference")]


def contract_timeline(contract: Contract, today: date | None = None) -> ContractTimeline:
    return _timeline(contract, today or timezone.localdate())


# Services and capacity -----------------------------------------------------------------------


def caseworker_fte(
    service_ids: list[int] | None, quarter: FinancialQuarter | int
) -> dict[int, Decimal]:
    """Caseworker FTE per service id in `quarter`; services with no figure are left out.

    `service_ids` None means every service.
    """
    index = quarter.index if isinstance(quarter, FinancialQuarter) else quarter
    rows = CaseworkerCapacity.objects.filter(quarter_index=index)
    if service_ids is not None:
        rows = rows.filter(service_id__in=service_ids)
    return dict(rows.values_list("service_id", "fte"))


@dataclass(frozen=True)
class SafeAccommodationCapacity:
    """Active Part 4 safe accommodation: how many services, bed spaces and units."""

    services: int
    bed_spaces: int
    units: int


def safe_accommodation_capacity() -> SafeAccommodationCapacity:
    active = CommissionedService.objects.filter(
        is_active=True, service_type__in=SAFE_ACCOMMODATION_TYPES
    )
    sums = active.aggregate(beds=Sum("bed_spaces"), units=Sum("units"))
    return SafeAccommodationCapacity(
        services=active.count(), bed_spaces=sums["beds"] or 0, units=sums["units"] or 0
    )


# The commissioner's start page ---------------------------------------------------------------


@dataclass(frozen=True)
class CommissioningOverview:
    flagged_years: tuple[Reconciliation, ...]
    flagged_grants: tuple[GrantSummary, ...]
    ending_soon: tuple[ContractTimeline, ...]
    decisions_due: tuple[tuple[ContractTimeline, ExtensionDecision], ...]
    active_services: int
    contracts: int
    safe_accommodation: SafeAccommodationCapacity


def commissioning_overview(today: date | None = None) -> CommissioningOverview:
    today = today or timezone.localdate()
    timelines = contract_timelines(today)
    decisions = [(t, d) for t in timelines for d in t.decisions_due]
    decisions.sort(key=lambda pair: (pair[1].decision_due is None, pair[1].decision_due))
    return CommissioningOverview(
        flagged_years=tuple(
            year for contract in funding_overview() for year in contract.flagged_years
        ),
        flagged_grants=tuple(grant for grant in grant_allocations() if grant.is_flagged),
        ending_soon=tuple(t for t in timelines if t.ending_soon),
        decisions_due=tuple(decisions),
        active_services=CommissionedService.objects.filter(is_active=True).count(),
        contracts=len(timelines),
        safe_accommodation=safe_accommodation_capacity(),
    )
