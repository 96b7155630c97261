"""The Django admin is for users holding the admin role, not for `is_staff` flags."""

from django.contrib import admin

from .constants import Role


def _has_admin_role(request) -> bool:
    return request.user.is_active and request.user.has_role(Role.ADMIN)


admin.site.has_permission = _has_admin_role
admin.site.site_header = "Partnership board administration"
admin.site.site_title = "Partnership board administration"
