"""Who may make and read the safe accommodation return: performance leads and admins (admins
hold every role). Its figures are exact, so committee members, clerks, commissioners and
officers get 403 on its pages, and a run is read only through `get_return_for_user`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from partnership.constants import Role
from partnership.models import User

from ..models import AnnualReturnRun

RETURN_ROLES = (Role.PERFORMANCE_LEAD,)


def may_make_returns(user: User) -> bool:
    return user.has_role(*RETURN_ROLES)


def returns_for_user(user: User) -> QuerySet[AnnualReturnRun]:
    runs = AnnualReturnRun.objects.select_related("requested_by")
    return runs if may_make_returns(user) else runs.none()


def get_return_for_user(user: User, pk: int) -> AnnualReturnRun:
    try:
        return returns_for_user(user).get(pk=pk)
    except (AnnualReturnRun.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such return.") from error
