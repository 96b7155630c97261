"""Role checks for views. Object-level checks live in each app's selectors."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .constants import Role


def role_required(*roles: Role):
    """Allow the view to users holding any of `roles` (admins hold every role); others get 403.

    Anonymous users never get here: the login-required middleware sends them to the login page.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


# Who may see aggregates with small numbers unsuppressed (DESIGN.md: only those who may see rows
# or who keep the commissioning data).
UNSUPPRESSED_ROLES = (Role.PERFORMANCE_LEAD, Role.COMMISSIONER)


def may_see_unsuppressed(user) -> bool:
    return user.has_role(*UNSUPPRESSED_ROLES)
