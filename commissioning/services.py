"""Every write to commissioning data, each in one transaction with its audit row.

Audit rows carry `detail["changes"]`: {label: [before, after]} as the text a person reads
("Annual value": ["£2,000,000.00", "£2,157,000.00"]), which the History lists show as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from partnership.audit import audit_record
from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.constants import AuditAction
from partnership.models import Area, Organisation, User
from partnership.templatetags.money import format_pence

from .constants import (
    DEFAULT_FIRST_CONTACT_TARGET,
    DEFAULT_OVERSIGHT_TARGET,
    DEFINITIONS_BEGIN,
    PUBLIC_LOCATION_FIELDS,
    ExtensionStatus,
    Weekday,
)
from .definitions import FIELDS as DEFINITION_FIELDS
from .definitions import Definition, default_definition, definition_on
from .models import (
    CaseworkerCapacity,
    CommissionedService,
    Contract,
    ContractExtension,
    ContractYear,
    FundingContribution,
    FundingStream,
    GrantAllocation,
    OpeningTime,
    ServiceDefinition,
    long_date,
)

SERVICE_FIELDS = (
    "name",
    "provider",
    "service_type",
    "client_group",
    "bed_spaces",
    "units",
    "is_active",
    "first_contact_target_percent",
    "oversight_target_percent",
)
CONTRACT_FIELDS = ("reference", "title", "provider", "lead_commissioner", "start_date", "end_date")
EXTENSION_FIELDS = ("period_months", "status", "decision_due", "decided_on")
STREAM_FIELDS = ("name", "funder", "financial_year", "total_pence")
LISTING_FIELDS = (
    "public_description",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "phone",
    "website",
    "self_referral",
    "languages",
    "is_free",
    "cost_description",
    *PUBLIC_LOCATION_FIELDS,
)


@dataclass(frozen=True)
class ContributionInput:
    funder: Organisation
    amount_pence: int
    stated_percent: Decimal | None = None


@dataclass(frozen=True)
class OpeningTimeInput:
    days: tuple[str, ...]  # Weekday codes
    opens_at: time
    closes_at: time

    def text(self) -> str:
        return OpeningTime(
            days=",".join(self.days), opens_at=self.opens_at, closes_at=self.closes_at
        ).describe()


@dataclass(frozen=True)
class AllocationInput:
    recipient: Organisation
    amount_pence: int
    area: Area | None = None
    stated_percent: Decimal | None = None


# Describing changes ------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _describe(obj: models.Model, field_names: Iterable[str]) -> dict[str, str]:
    """The fields of `obj` as {label: text}, money as pounds, for audit detail."""
    described = {}
    for name in field_names:
        field = obj._meta.get_field(name)
        if not isinstance(field, models.Field):  # a reverse relation: never audited here
            raise TypeError(f"{name} is not a field of {obj._meta.label}")
        label = capfirst(str(field.verbose_name).removesuffix(" pence"))
        if field.many_to_many:
            text = ", ".join(sorted(str(o) for o in getattr(obj, name).all()))
        elif name.endswith("_pence"):
            text = format_pence(getattr(obj, name))
        elif name == "financial_year":
            text = FinancialYear(getattr(obj, name)).label
        elif field.choices:
            text = getattr(obj, f"get_{name}_display")()
        else:
            text = _text(getattr(obj, name))
        described[label] = text
    return described


def _changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    keys = list(before) + [key for key in after if key not in before]
    return {
        key: [before.get(key, ""), after.get(key, "")]
        for key in keys
        if before.get(key, "") != after.get(key, "")
    }


def _set_fields(obj: models.Model, allowed: Sequence[str], changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"These fields cannot be changed here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)


def _audit(by, action, obj, changes, request, **extra) -> None:
    detail = {"changes": changes, **extra}
    audit_record(by=by, action=action, obj=obj, detail=detail, request=request)


# Services and capacity ---------------------------------------------------------------------


@transaction.atomic
def service_create(
    *,
    by: User,
    name: str,
    provider: Organisation,
    service_type: str,
    client_group: str,
    areas: Iterable[Area] = (),
    bed_spaces: int | None = None,
    units: int | None = None,
    is_active: bool = True,
    first_contact_target_percent: Decimal = DEFAULT_FIRST_CONTACT_TARGET,
    oversight_target_percent: Decimal = DEFAULT_OVERSIGHT_TARGET,
    request=None,
) -> CommissionedService:
    service = CommissionedService(
        name=name,
        provider=provider,
        service_type=service_type,
        client_group=client_group,
        bed_spaces=bed_spaces,
        units=units,
        is_active=is_active,
        first_contact_target_percent=first_contact_target_percent,
        oversight_target_percent=oversight_target_percent,
    )
    service.full_clean()
    service.save()
    service.areas.set(areas)
    # Its definitions are the defaults for its type, kept as a row so that a later change to
    # the defaults never changes this service's figures.
    _definition_save(by, service, default_definition(service_type), DEFINITIONS_BEGIN, "")
    after = _describe(service, (*SERVICE_FIELDS, "areas"))
    _audit(by, AuditAction.CREATE, service, _changes({}, after), request)
    return service


@transaction.atomic
def service_update(
    *,
    by: User,
    service: CommissionedService,
    areas: Iterable[Area] | None = None,
    request=None,
    **changes: Any,
) -> CommissionedService:
    """Change any of SERVICE_FIELDS (and the areas covered)."""
    before = _describe(service, (*SERVICE_FIELDS, "areas"))
    _set_fields(service, SERVICE_FIELDS, changes)
    service.full_clean()
    service.save()
    if areas is not None:
        service.areas.set(areas)
    diff = _changes(before, _describe(service, (*SERVICE_FIELDS, "areas")))
    if diff:
        # The name, type, areas and whether it runs are all in the directory listing too.
        service.directory_modified_at = timezone.now()
        service.save(update_fields=["directory_modified_at"])
        _audit(by, AuditAction.UPDATE, service, diff, request)
    return service


# Definitions a board signs off ----------------------------------------------------------------


def _definition_save(
    by: User | None, service: CommissionedService, definition: Definition, day: date, agreed_by: str
) -> ServiceDefinition:
    row = ServiceDefinition(
        service=service,
        effective_from=day,
        agreed_by=agreed_by.strip(),
        recorded_by=by,
        **{name: getattr(definition, name) for name in DEFINITION_FIELDS},
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def service_definition_add(
    *,
    by: User,
    service: CommissionedService,
    effective_from: date,
    agreed_by: str = "",
    request=None,
    **definitions: Any,
) -> ServiceDefinition:
    """Change a service's definitions from a day: today or later, never earlier, so figures
    already made keep the definitions they were made with (commissioning.definitions).

    `definitions` are any of commissioning.definitions.FIELDS; the others stay as they are.
    """
    unknown = set(definitions) - set(DEFINITION_FIELDS)
    if unknown:
        raise ValueError(f"Not definitions: {', '.join(sorted(unknown))}")
    today = timezone.localdate()
    if effective_from < today:
        raise ValidationError(
            {
                "effective_from": "A change cannot start before today: figures already made "
                "keep the definitions they were made with. Choose today or a later date."
            }
        )
    service = CommissionedService.objects.select_for_update().get(pk=service.pk)
    if service.definitions.filter(effective_from__gt=effective_from).exists():
        raise ValidationError(
            {
                "effective_from": "The service already has a change from a later date. "
                "Choose that date or a later one."
            }
        )
    if effective_from == today and service.definitions.filter(effective_from=today).exists():
        raise ValidationError(
            {
                "effective_from": "The definitions already changed today, and referrals may "
                "have been recorded with them. Choose tomorrow or a later date."
            }
        )
    current = definition_on(service, effective_from)
    changed = replace(current, **definitions)
    before = dict(current.describe())
    ServiceDefinition.objects.filter(service=service, effective_from=effective_from).delete()
    row = _definition_save(by, service, changed, effective_from, agreed_by)
    diff = _changes(before, dict(changed.describe()))
    _audit(
        by,
        AuditAction.UPDATE,
        service,
        {f"{label} from {long_date(effective_from)}": texts for label, texts in diff.items()},
        request,
        definitions=row.pk,
    )
    return row


# The directory listing (Open Referral UK) --------------------------------------------------


def _week_order(days: Iterable[str]) -> str:
    chosen = set(days)
    return ",".join(code for code in Weekday.values if code in chosen)


def _opening_texts(service: CommissionedService) -> dict[str, str]:
    texts = [row.describe() for row in service.opening_times.all()]
    return {"Opening hours": "; ".join(texts)} if texts else {}


@transaction.atomic
def service_listing_update(
    *,
    by: User,
    service: CommissionedService,
    opening_times: Sequence[OpeningTimeInput] | None = None,
    request=None,
    **changes: Any,
) -> CommissionedService:
    """Change the directory fields (LISTING_FIELDS) and replace the opening times.

    A published listing stays published, so it must stay complete (see the model's clean()).
    """
    service = CommissionedService.objects.select_for_update().get(pk=service.pk)
    before = _describe(service, LISTING_FIELDS) | _opening_texts(service)
    _set_fields(service, LISTING_FIELDS, changes)
    service.directory_modified_at = timezone.now()
    service.full_clean()
    service.save()
    if opening_times is not None:
        service.opening_times.all().delete()
        for given in opening_times:
            row = OpeningTime(
                service=service,
                days=_week_order(given.days),
                opens_at=given.opens_at,
                closes_at=given.closes_at,
            )
            row.full_clean()
            row.save()
    diff = _changes(before, _describe(service, LISTING_FIELDS) | _opening_texts(service))
    if diff:
        _audit(by, AuditAction.UPDATE, service, diff, request, listing=True)
    return service


@transaction.atomic
def service_listing_publish(
    *, by: User, service: CommissionedService, publish: bool, request=None
) -> CommissionedService:
    """Put a service in the open directory, or take it out. Publishing needs a complete listing:
    a description, a way to get help and the areas it serves."""
    service = CommissionedService.objects.select_for_update().get(pk=service.pk)
    if publish and not service.is_active:
        raise ValidationError(
            "Only a running service can be published. Mark the service as running first."
        )
    if publish and not service.areas.exists():
        raise ValidationError(
            "Choose the areas the service covers before publishing it: the directory shows them."
        )
    was = service.directory_published
    service.directory_published = publish
    service.directory_modified_at = timezone.now()
    service.full_clean()
    service.save()
    if was != publish:
        label = "Published in the open directory"
        _audit(by, AuditAction.UPDATE, service, {label: [_text(was), _text(publish)]}, request)
    return service


@transaction.atomic
def capacity_set(
    *,
    by: User,
    service: CommissionedService,
    quarter: FinancialQuarter,
    fte: Decimal | None,
    request=None,
) -> CaseworkerCapacity | None:
    """Record the caseworker FTE for a quarter; None removes the figure."""
    row = CaseworkerCapacity.objects.filter(service=service, quarter_index=quarter.index).first()
    before = _text(row.fte) if row else ""
    label = f"Caseworker FTE {quarter}"
    if fte is None:
        if row is None:
            return None
        row.delete()
        _audit(by, AuditAction.UPDATE, service, {label: [before, ""]}, request)
        return None
    if row is None:
        row = CaseworkerCapacity(service=service, quarter_index=quarter.index)
    row.fte = fte
    row.full_clean()
    row.save()
    if before != _text(row.fte):
        _audit(by, AuditAction.UPDATE, service, {label: [before, _text(row.fte)]}, request)
    return row


# Contracts and extensions ------------------------------------------------------------------


@transaction.atomic
def contract_publication_set(
    *, by: User, contract: Contract, publish: bool, request=None
) -> Contract:
    """Publish a contract's funding as open data (OCDS), or stop publishing it."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if publish and not contract.years.exists():
        raise ValidationError(
            "Add at least one year's funding before publishing: the open data is the funding."
        )
    was = contract.open_data_published
    contract.open_data_published = publish
    contract.full_clean()
    contract.save()
    if was != publish:
        label = "Published as open data"
        _audit(by, AuditAction.UPDATE, contract, {label: [_text(was), _text(publish)]}, request)
    return contract


def _check_years_in_term(contract: Contract) -> None:
    """Refuse a change of dates or extensions that would leave recorded years outside the term."""
    term = contract.financial_years()
    outside = [y.year.label for y in contract.years.all() if y.year not in term]
    if outside:
        raise ValidationError(
            f"The contract would then run from {term[0]} to {term[-1]}, but it has figures for "
            f"{', '.join(outside)}. Keep the dates covering those years."
        )


@transaction.atomic
def contract_create(
    *,
    by: User,
    reference: str,
    title: str,
    provider: Organisation,
    lead_commissioner: Organisation,
    start_date: date,
    end_date: date,
    services: Iterable[CommissionedService] = (),
    request=None,
) -> Contract:
    contract = Contract(
        reference=reference,
        title=title,
        provider=provider,
        lead_commissioner=lead_commissioner,
        start_date=start_date,
        end_date=end_date,
    )
    contract.full_clean()
    contract.save()
    contract.services.set(services)
    after = _describe(contract, (*CONTRACT_FIELDS, "services"))
    _audit(by, AuditAction.CREATE, contract, _changes({}, after), request)
    return contract


@transaction.atomic
def contract_update(
    *,
    by: User,
    contract: Contract,
    services: Iterable[CommissionedService] | None = None,
    request=None,
    **changes: Any,
) -> Contract:
    """Change any of CONTRACT_FIELDS (and the services covered)."""
    before = _describe(contract, (*CONTRACT_FIELDS, "services"))
    _set_fields(contract, CONTRACT_FIELDS, changes)
    contract.full_clean()
    _check_years_in_term(contract)
    contract.save()
    if services is not None:
        contract.services.set(services)
    diff = _changes(before, _describe(contract, (*CONTRACT_FIELDS, "services")))
    if diff:
        _audit(by, AuditAction.UPDATE, contract, diff, request)
    return contract


@transaction.atomic
def extension_create(
    *,
    by: User,
    contract: Contract,
    period_months: int,
    status: str = ExtensionStatus.AVAILABLE,
    decision_due: date | None = None,
    decided_on: date | None = None,
    request=None,
) -> ContractExtension:
    extension = ContractExtension(
        contract=contract,
        period_months=period_months,
        status=status,
        decision_due=decision_due,
        decided_on=decided_on,
    )
    extension.full_clean()
    extension.save()
    after = _describe(extension, EXTENSION_FIELDS)
    _audit(by, AuditAction.CREATE, extension, _changes({}, after), request, contract=contract.pk)
    return extension


@transaction.atomic
def extension_update(
    *, by: User, extension: ContractExtension, request=None, **changes: Any
) -> ContractExtension:
    before = _describe(extension, EXTENSION_FIELDS)
    _set_fields(extension, EXTENSION_FIELDS, changes)
    extension.full_clean()
    extension.save()
    contract = Contract.objects.get(pk=extension.contract_id)
    _check_years_in_term(contract)
    diff = _changes(before, _describe(extension, EXTENSION_FIELDS))
    if diff:
        _audit(by, AuditAction.UPDATE, extension, diff, request, contract=contract.pk)
    return extension


# Contract years and their funding ----------------------------------------------------------


def _contribution_text(amount_pence: int, stated: Decimal | None) -> str:
    text = format_pence(amount_pence)
    return f"{text} (stated {_text(stated)}%)" if stated is not None else text


def _check_no_duplicates(names: list[str], what: str, where: str) -> None:
    seen = set()
    for name in names:
        if name in seen:
            raise ValidationError(
                f"{name} is listed twice {where}. Put its whole {what} on one row."
            )
        seen.add(name)


def _check_amounts(amounts: Iterable[int]) -> None:
    if any(amount < 0 for amount in amounts):
        raise ValidationError("An amount cannot be negative. Enter 0 or more, like £670,490.")


@transaction.atomic
def contract_year_save(
    *,
    by: User,
    contract: Contract,
    financial_year: int,
    annual_value_pence: int,
    contributions: Sequence[ContributionInput],
    contract_year: ContractYear | None = None,
    request=None,
) -> ContractYear:
    """Create or change a contract year and replace its contributions, all or nothing.

    Contributions that do not add up to the annual value are saved: recording what a committee
    was told is the point, and the reconciliation flags the difference wherever it is shown.
    """
    label = FinancialYear(financial_year).label
    _check_no_duplicates([c.funder.name for c in contributions], "contribution", f"for {label}")
    _check_amounts([annual_value_pence, *(c.amount_pence for c in contributions)])
    creating = contract_year is None
    if contract_year is None:
        contract_year = ContractYear(contract=contract)
        before: dict[str, str] = {}
    else:
        if contract_year.contract_id != contract.pk:
            raise ValueError("That year belongs to another contract.")
        before = _describe(contract_year, ("financial_year", "annual_value_pence"))
        for c in contract_year.contributions.select_related("funder"):
            before[c.funder.name] = _contribution_text(c.amount_pence, c.stated_percent)
    contract_year.financial_year = financial_year
    contract_year.annual_value_pence = annual_value_pence
    contract_year.full_clean()
    contract_year.save()

    existing = {c.funder_id: c for c in contract_year.contributions.all()}
    keep = set()
    for given in contributions:
        row = existing.get(given.funder.pk) or FundingContribution(
            contract_year=contract_year, funder=given.funder
        )
        row.amount_pence = given.amount_pence
        row.stated_percent = given.stated_percent
        row.full_clean()
        row.save()
        keep.add(given.funder.pk)
    FundingContribution.objects.filter(contract_year=contract_year).exclude(
        funder_id__in=keep
    ).delete()

    after = _describe(contract_year, ("financial_year", "annual_value_pence"))
    for given in contributions:
        after[given.funder.name] = _contribution_text(given.amount_pence, given.stated_percent)
    diff = _changes(before, after)
    if creating or diff:
        _audit(
            by,
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            contract_year,
            diff,
            request,
            contract=contract.pk,
        )
    return contract_year


# Grants ------------------------------------------------------------------------------------


@transaction.atomic
def funding_stream_create(
    *,
    by: User,
    name: str,
    funder: Organisation,
    financial_year: int,
    total_pence: int,
    request=None,
) -> FundingStream:
    _check_amounts([total_pence])
    stream = FundingStream(
        name=name, funder=funder, financial_year=financial_year, total_pence=total_pence
    )
    stream.full_clean()
    stream.save()
    _audit(by, AuditAction.CREATE, stream, _changes({}, _describe(stream, STREAM_FIELDS)), request)
    return stream


@transaction.atomic
def funding_stream_update(
    *, by: User, stream: FundingStream, request=None, **changes: Any
) -> FundingStream:
    """Change any of STREAM_FIELDS. A new total may leave the allocations short or over; the
    grant is then flagged until they are changed to match."""
    before = _describe(stream, STREAM_FIELDS)
    _set_fields(stream, STREAM_FIELDS, changes)
    _check_amounts([stream.total_pence])
    stream.full_clean()
    stream.save()
    diff = _changes(before, _describe(stream, STREAM_FIELDS))
    if diff:
        _audit(by, AuditAction.UPDATE, stream, diff, request)
    return stream


def _allocation_text(allocation: AllocationInput | GrantAllocation) -> str:
    text = format_pence(allocation.amount_pence)
    if allocation.area is not None:
        text += f" for {allocation.area.name}"
    if allocation.stated_percent is not None:
        text += f" (stated {_text(allocation.stated_percent)}%)"
    return text


@transaction.atomic
def allocations_set(
    *,
    by: User,
    stream: FundingStream,
    allocations: Sequence[AllocationInput],
    request=None,
) -> list[GrantAllocation]:
    """Replace a grant's allocations, all or nothing. They must add up to exactly the total."""
    _check_no_duplicates([a.recipient.name for a in allocations], "allocation", f"in {stream.name}")
    _check_amounts([a.amount_pence for a in allocations])
    allocated = sum(a.amount_pence for a in allocations)
    if allocations and allocated != stream.total_pence:
        gap = stream.total_pence - allocated
        fix = (
            f"add {format_pence(gap)} to the allocations"
            if gap > 0
            else f"take {format_pence(-gap)} off the allocations"
        )
        raise ValidationError(
            f"The allocations add up to {format_pence(allocated)} but the grant is "
            f"{format_pence(stream.total_pence)}: {fix}, or change the grant's total first."
        )
    before = {
        a.recipient.name: _allocation_text(a)
        for a in stream.allocations.select_related("recipient", "area")
    }
    stream.allocations.all().delete()
    rows = []
    for given in allocations:
        row = GrantAllocation(
            stream=stream,
            recipient=given.recipient,
            area=given.area,
            amount_pence=given.amount_pence,
            stated_percent=given.stated_percent,
        )
        row.full_clean()
        row.save()
        rows.append(row)
    after = {a.recipient.name: _allocation_text(a) for a in allocations}
    diff = _changes(before, after)
    if diff:
        _audit(by, AuditAction.UPDATE, stream, diff, request)
    return rows


def audited_export(*, by: User, name: str, rows: int, request=None) -> None:
    """Record that `by` downloaded an export; no row content goes in the audit detail."""
    audit_record(
        by=by,
        action=AuditAction.EXPORT,
        object_type="commissioning.export",
        object_id=name,
        detail={"export": name, "rows": rows},
        request=request,
    )
