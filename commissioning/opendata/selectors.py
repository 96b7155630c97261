"""Reads for the open data: only what is published, for anyone, so no user is involved.

Everything here is public by construction: a published, running service (`LISTED_IN_DIRECTORY`)
or a contract a commissioner has published. Anything else is not found.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from partnership.models import AuditEvent

from ..constants import LISTED_IN_DIRECTORY, PUBLIC_LOCATION_FIELDS, SAFE_ACCOMMODATION_TYPES
from ..models import CommissionedService, Contract, ContractExtension, ContractYear
from .taxonomy import TAXONOMIES_BY_ID, TERMS_BY_ID


@dataclass(frozen=True)
class ServiceFilters:
    """The Open Referral query parameters that apply to this directory (see api.py)."""

    search: str = ""
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    day: str = ""
    start_time: time | None = None
    end_time: time | None = None


def listed_services() -> QuerySet[CommissionedService]:
    return (
        CommissionedService.objects.filter(LISTED_IN_DIRECTORY)
        .select_related("provider")
        .prefetch_related("areas", "opening_times")
        .order_by("name", "pk")
    )


def _term_filter(filters: ServiceFilters) -> Q:
    match = Q()
    if filters.taxonomy_term_id:
        term = TERMS_BY_ID.get(filters.taxonomy_term_id)
        if term is None:
            return Q(pk__in=[])
        field = "service_type" if term.taxonomy_key == "service-type" else "client_group"
        match &= Q(**{field: term.code})
    # Every service has one term from each taxonomy, so a known taxonomy keeps them all.
    if filters.taxonomy_id and filters.taxonomy_id not in TAXONOMIES_BY_ID:
        return Q(pk__in=[])
    return match


def _schedule_filter(filters: ServiceFilters) -> Q:
    """Day and times match the same opening-hours row."""
    match = Q()
    if filters.day:
        match &= Q(opening_times__days__contains=filters.day)
    if filters.start_time:
        match &= Q(opening_times__opens_at__gte=filters.start_time)
    if filters.end_time:
        match &= Q(opening_times__closes_at__lte=filters.end_time)
    return match


def filtered_services(filters: ServiceFilters) -> QuerySet[CommissionedService]:
    services = listed_services().filter(_term_filter(filters))
    if filters.search:
        services = services.filter(
            Q(name__icontains=filters.search)
            | Q(public_description__icontains=filters.search)
            | Q(eligibility__icontains=filters.search)
        )
    # "Return services with a minimum age of at least the specified value" and the maximum
    # age "equal to or below" it, as the OpenAPI description defines them.
    if filters.minimum_age is not None:
        services = services.filter(minimum_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        services = services.filter(maximum_age__lte=filters.maximum_age)
    schedule = _schedule_filter(filters)
    if schedule:
        matching = CommissionedService.objects.filter(schedule).values("pk")
        services = services.filter(pk__in=matching)
    return services


def with_public_location(services: QuerySet[CommissionedService]):
    """Services that have a place to visit: never safe accommodation (the serializer checks
    again)."""
    no_location = dict.fromkeys(PUBLIC_LOCATION_FIELDS, "")
    return services.exclude(service_type__in=SAFE_ACCOMMODATION_TYPES).exclude(**no_location)


def get_listed_service(directory_id: str) -> CommissionedService | None:
    try:
        key = uuid.UUID(directory_id)
    except ValueError:
        return None
    return listed_services().filter(directory_id=key).first()


def published_contracts() -> QuerySet[Contract]:
    return (
        Contract.objects.filter(open_data_published=True)
        .select_related("provider", "lead_commissioner")
        .prefetch_related("extensions")
        .order_by("reference")
    )


def ocid_for(contract: Contract) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{contract.open_data_id}"


def get_published_contract(ocid: str) -> Contract | None:
    prefix = f"{settings.OCDS_OCID_PREFIX}-"
    if not ocid.startswith(prefix):
        return None
    try:
        key = uuid.UUID(ocid.removeprefix(prefix))
    except ValueError:
        return None
    return published_contracts().filter(open_data_id=key).first()


def contract_changed_at(contract: Contract) -> datetime:
    """When the contract, its years (with their funding) or its extensions last changed, from
    the audit log; the contract's start for a contract with no history."""
    objects = Q(object_type=Contract._meta.label, object_id=str(contract.pk))
    for model, rows in (
        (ContractYear, contract.years.all()),
        (ContractExtension, contract.extensions.all()),
    ):
        ids = [str(row.pk) for row in rows]
        if ids:
            objects |= Q(object_type=model._meta.label, object_id__in=ids)
    latest = AuditEvent.objects.filter(objects).exclude(action="view").aggregate(at=Max("at"))
    if latest["at"] is not None:
        return latest["at"]
    return timezone.make_aware(datetime.combine(contract.start_date, time.min))
