"""Referral rows a user may see. Every view reads referrals through here.

- An officer sees referrals logged by their organisation or sent to a service their
  organisation provides.
- Performance leads (and admins, who hold every role) see all referrals.
- Everyone else (commissioners, committee members, clerks) sees none: they get aggregates only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from partnership.constants import Role
from partnership.models import User

from .models import Referral, ReferralStatusChange


def sees_all_referrals(user: User) -> bool:
    return user.has_role(Role.PERFORMANCE_LEAD)


def referrals_for_user(user: User) -> QuerySet[Referral]:
    referrals = Referral.objects.all()
    if sees_all_referrals(user):
        return referrals
    if user.has_role(Role.OFFICER) and user.organisation_id is not None:
        return referrals.filter(
            Q(logged_by__organisation_id=user.organisation_id)
            | Q(service__provider_id=user.organisation_id)
        )
    return referrals.none()


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
