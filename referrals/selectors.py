"""Referral rows a user may see, and the referral list's filters. Every view reads referrals
through here.

- An officer sees referrals logged by their organisation or sent to a service their
  organisation provides. At a million referrals this is asked as `service_id IN (…) OR
  logged_by_id IN (…)` with the ids read first (two small queries), which the indexes on
  (service, received_at, id) and (logged_by, received_at, id) answer; a join to the services
  and users would make the database read every referral.
- Performance leads (and admins, who hold every role) see all referrals.
- Everyone else (commissioners, committee members, clerks) sees none: they get aggregates only.

`filtered_referrals_for_user(user, filters=...)` is the referral list: the referrals the user
may see, narrowed by the list's filters (see `ListFilters`). Reference search (`reference_matches`)
finds a whole reference, a number in any year, or the start of a reference, each through the
reference's unique index, so that no search reads every row.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TypedDict

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.constants import Role
from partnership.models import User

from .constants import OUT_OF_AREA
from .models import ReferenceCounter, Referral, ReferralStatusChange, format_reference
from .rules import first_contact_overdue, oversight_overdue

NUMBER = re.compile(r"\d{1,6}")
YEAR_AND_NUMBER = re.compile(r"R?-?(\d{4})-?(\d{1,6})")
YEAR_START = re.compile(r"R?-?(\d{0,4})-?")


class ListFilters(TypedDict, total=False):
    """The referral list's filters (the filter form's cleaned data); empty means any."""

    q: str  # any part of the reference
    status: str
    service: str  # a service id
    risk_level: str
    area: str  # an area id, or OUT_OF_AREA
    received_from: date | None
    received_to: date | None  # inclusive
    contact_overdue: bool
    oversight_overdue: bool


def sees_all_referrals(user: User) -> bool:
    return user.has_role(Role.PERFORMANCE_LEAD)


def referrals_for_user(user: User) -> QuerySet[Referral]:
    referrals = Referral.objects.all()
    if sees_all_referrals(user):
        return referrals
    if user.has_role(Role.OFFICER) and user.organisation_id is not None:
        organisation = user.organisation_id
        services = CommissionedService.objects.filter(provider_id=organisation)
        colleagues = User.objects.filter(organisation_id=organisation)
        return referrals.filter(
            Q(service_id__in=list(services.values_list("pk", flat=True)))
            | Q(logged_by_id__in=list(colleagues.values_list("pk", flat=True)))
        )
    return referrals.none()


def filtered_referrals_for_user(
    user: User, *, filters: ListFilters | None = None, now: datetime | None = None
) -> QuerySet[Referral]:
    """The referrals `user` may see, narrowed by `filters` (overdue as at `now`)."""
    referrals = referrals_for_user(user)
    filters = filters or {}
    if filters.get("q"):
        referrals = referrals.filter(reference_matches(filters["q"]))
    for name in ("status", "risk_level"):
        if filters.get(name):
            referrals = referrals.filter(**{name: filters[name]})
    if filters.get("service"):
        referrals = referrals.filter(service_id=int(filters["service"]))
    if filters.get("area") == OUT_OF_AREA:
        referrals = referrals.filter(area__isnull=True)
    elif filters.get("area"):
        referrals = referrals.filter(area_id=filters["area"])
    if received_from := filters.get("received_from"):
        referrals = referrals.filter(received_at__gte=_local_midnight(received_from))
    if received_to := filters.get("received_to"):
        referrals = referrals.filter(
            received_at__lt=_local_midnight(received_to + timedelta(days=1))
        )
    now = now or timezone.now()
    if filters.get("contact_overdue"):
        referrals = referrals.filter(first_contact_overdue(now))
    if filters.get("oversight_overdue"):
        referrals = referrals.filter(oversight_overdue(now))
    return referrals


def reference_matches(text: str) -> Q:
    """Referrals whose reference is what `text` names (spaces and case aside), each found
    through the reference's unique index:

    - a whole reference, with or without its hyphens: "R-2025-000123", "2025-000123",
      "R2025000123"; or a year and number, "2025-123": that reference;
    - a number alone, up to six digits, "123" or "000123": that number in every year;
    - the start of a reference, "R-2025" or "R-20": every reference that starts so.

    Anything else matches nothing. The start is asked as a range of references as well, so
    that the index finds the first and last without reading the others."""
    wanted = "".join(text.split()).upper()
    if NUMBER.fullmatch(wanted):
        years = ReferenceCounter.objects.values_list("year", flat=True)
        return Q(reference__in=[format_reference(year, int(wanted)) for year in years])
    whole = YEAR_AND_NUMBER.fullmatch(wanted)
    if whole:
        return Q(reference=format_reference(int(whole[1]), int(whole[2])))
    start = YEAR_START.fullmatch(wanted)
    if start is None:
        return Q(pk__in=[])
    digits = start[1]
    prefix = f"R-{digits}" if digits else "R"
    matches = Q(reference__startswith=prefix)
    if digits:
        matches &= Q(reference__gte=prefix)
        following = str(int(digits) + 1).zfill(len(digits))
        if len(following) == len(digits):
            matches &= Q(reference__lt=f"R-{following}")
    return matches


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def get_referral_for_user(user: User, pk: int) -> Referral:
    """The referral, or 404 when it does not exist or the user may not see it."""
    try:
        return (
            referrals_for_user(user)
            .select_related(
                "service",
                "service__provider",
                "area",
                "referring_organisation",
                "logged_by",
                "logged_by__organisation",
                "signposted_to_service",
                "signposted_to_organisation",
            )
            .get(pk=pk)
        )
    except (Referral.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such referral.") from error


def referral_history(referral: Referral) -> QuerySet[ReferralStatusChange]:
    """The referral's steps, oldest first, with who took each."""
    return referral.history.select_related("by").order_by("at", "pk")


def meets_rule(referral: Referral, rule: Q) -> bool:
    """Whether the referral meets a rule from `referrals.rules` (a Q, such as an overdue test)."""
    return Referral.objects.filter(rule, pk=referral.pk).exists()


def may_see_referral(user: User, referral_id: int | None) -> bool:
    return referral_id is not None and referrals_for_user(user).filter(pk=referral_id).exists()
