"""The Django admin is for users holding the admin role, not for `is_staff` flags, and only in a
session verified with a second factor (partnership.two_factor)."""

from django.contrib import admin

from .constants import Role


def _has_admin_role(request) -> bool:
    user = request.user
    return user.is_active and user.has_role(Role.ADMIN) and user.is_verified()


admin.site.has_permission = _has_admin_role
admin.site.site_header = "Partnership board administration"
admin.site.site_title = "Partnership board administration"
