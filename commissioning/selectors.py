"""Row reads for the commissioning pages.

Commissioning data is not divided by organisation: who may read it is decided per URL by role
(see views.py), so these selectors only load objects with what their pages need, or 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from partnership.calendar import FinancialYear
from partnership.models import AuditEvent

from .models import (
    CaseworkerCapacity,
    CommissionedService,
    Contract,
    ContractExtension,
    ContractYear,
    FundingContribution,
    FundingStream,
    GrantAllocation,
)


def services_for_user(user) -> QuerySet[CommissionedService]:
    return CommissionedService.objects.select_related("provider").prefetch_related("areas")


def get_service_for_user(user, pk: int) -> CommissionedService:
    queryset = services_for_user(user).prefetch_related(
        Prefetch(
            "caseworker_capacity",
            queryset=CaseworkerCapacity.objects.order_by("-quarter_index"),
        ),
        Prefetch("contracts", queryset=Contract.objects.order_by("reference")),
    )
    return get_object_or_404(queryset, pk=pk)


def contracts_for_user(user) -> QuerySet[Contract]:
    return Contract.objects.select_related("provider", "lead_commissioner").prefetch_related(
        "extensions", Prefetch("services", queryset=CommissionedService.objects.order_by("name"))
    )


def get_contract_for_user(user, pk: int) -> Contract:
    return get_object_or_404(contracts_for_user(user), pk=pk)


def get_extension_for_user(user, pk: int) -> ContractExtension:
    return get_object_or_404(ContractExtension.objects.select_related("contract"), pk=pk)


def get_contract_year_for_user(user, pk: int) -> ContractYear:
    queryset = ContractYear.objects.select_related("contract").prefetch_related(
        Prefetch(
            "contributions",
            queryset=FundingContribution.objects.select_related("funder").order_by(
                "-amount_pence", "funder__name"
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def funding_streams_for_user(user) -> QuerySet[FundingStream]:
    return FundingStream.objects.select_related("funder")


def get_funding_stream_for_user(user, pk: int) -> FundingStream:
    queryset = funding_streams_for_user(user).prefetch_related(
        Prefetch(
            "allocations",
            queryset=GrantAllocation.objects.select_related("recipient", "area").order_by(
                "recipient__name"
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def funding_years() -> list[FinancialYear]:
    """The financial years with a contract's funding or a grant recorded, newest first."""
    years = set(ContractYear.objects.values_list("financial_year", flat=True))
    years |= set(FundingStream.objects.values_list("financial_year", flat=True))
    return [FinancialYear(year) for year in sorted(years, reverse=True)]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    what: str
    changes: list[tuple[str, str, str]]  # (label, before, after)


def history_for(*objects: Model | QuerySet) -> list[HistoryEntry]:
    """The audit rows for these objects (models or querysets of them), newest first."""
    match = Q(pk__in=[])
    for item in objects:
        rows = list(item) if isinstance(item, QuerySet) else [item]
        if rows:
            match |= Q(object_type=rows[0]._meta.label, object_id__in=[str(row.pk) for row in rows])
    events = AuditEvent.objects.filter(match).exclude(action="view").select_related("user")
    return [
        HistoryEntry(
            at=event.at,
            who=event.user.get_full_name() or event.user.username if event.user else "System",
            action=event.get_action_display(),
            what=event.object_repr,
            changes=[
                (label, before, after)
                for label, (before, after) in (event.detail.get("changes") or {}).items()
            ],
        )
        for event in events
    ]
