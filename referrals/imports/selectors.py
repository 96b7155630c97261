"""Who may import which service's returns, and which imports a user sees.

- Performance leads (and admins, who hold every role) import for any active service and see
  every import.
- An officer imports only for the services their own organisation provides, and sees the
  imports of those services (a colleague's too).
- Commissioners, committee members and clerks import nothing and see no import.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from commissioning.models import CommissionedService
from partnership.constants import Role
from partnership.models import User

from .models import ImportedCase, ReturnImport


def may_import(user: User) -> bool:
    return user.has_role(Role.PERFORMANCE_LEAD) or (
        user.has_role(Role.OFFICER) and user.organisation_id is not None
    )


def importable_services(user: User) -> QuerySet[CommissionedService]:
    services = CommissionedService.objects.filter(is_active=True).select_related("provider")
    if user.has_role(Role.PERFORMANCE_LEAD):
        return services.order_by("name")
    if may_import(user):
        return services.filter(provider_id=user.organisation_id).order_by("name")
    return services.none()


def may_import_for(user: User, service: CommissionedService) -> bool:
    return importable_services(user).filter(pk=service.pk).exists()


def return_imports_for_user(user: User) -> QuerySet[ReturnImport]:
    imports = ReturnImport.objects.select_related("service", "service__provider", "uploaded_by")
    if user.has_role(Role.PERFORMANCE_LEAD):
        return imports
    if may_import(user):
        return imports.filter(service__provider_id=user.organisation_id)
    return imports.none()


def get_return_import_for_user(user: User, pk: int) -> ReturnImport:
    """The import, or 404 when it does not exist or the user may not see it."""
    try:
        return return_imports_for_user(user).get(pk=pk)
    except (ReturnImport.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such import.") from error


def get_importable_service_for_user(user: User, pk: int) -> CommissionedService:
    try:
        return importable_services(user).get(pk=pk)
    except (CommissionedService.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such service.") from error


def imported_case_of(user: User, referral) -> dict | None:
    """Where a referral came from, if it came from a provider's return: the import that made it
    and the one that last changed it, each with whether the user may open it."""
    case = (
        ImportedCase.objects.select_related("created_by_import", "updated_by_import")
        .filter(referral_id=referral.pk)
        .first()
    )
    if case is None:
        return None
    visible = set(
        return_imports_for_user(user)
        .filter(pk__in=[case.created_by_import_id, case.updated_by_import_id])
        .values_list("pk", flat=True)
    )
    return {
        "created_by": case.created_by_import,
        "updated_by": case.updated_by_import,
        "created_visible": case.created_by_import_id in visible,
        "updated_visible": case.updated_by_import_id in visible,
    }
