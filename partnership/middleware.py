"""Request rules that hold for every page: second factor, absolute session age, no caching,
browser features refused, admin audit."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control

from . import two_factor
from .audit import audit_record
from .constants import AuditAction, Role

SESSION_STARTED_KEY = "session_started_at"


def SecondFactorRequiredMiddleware(get_response):  # noqa: N802 (Django middleware naming)
    """Refuse a signed-in session that needs a second factor and was not verified with one.

    The sign-in pages only sign a user in after the second factor, so this never fires for
    them; it closes every other way a session could be made (a role given mid-session, a
    password reset, a future view) by signing the user out and sending them to sign in.
    """

    def middleware(request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and two_factor.required_for(user):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware


def SessionAbsoluteTimeoutMiddleware(get_response):  # noqa: N802 (Django middleware naming)
    """End a session 12 hours after login, however active it has been."""

    def middleware(request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = timezone.now()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now.isoformat()
            elif now - datetime.fromisoformat(started) > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return get_response(request)

    return middleware


class LoginRequiredEverywhereMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, also closing the Django admin's own login form.

    The admin marks its login view as open to anonymous users; ours, with its lockout page and
    GOV.UK markup, is the one way in, so anonymous visitors there are sent to it.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not request.user.is_authenticated and match and match.view_name == "admin:login":
            return self.handle_no_permission(request, view_func)
        return super().process_view(request, view_func, view_args, view_kwargs)


def NoStoreForLoggedInMiddleware(get_response):  # noqa: N802
    """Pages seen by a logged-in user are never kept by the browser or a proxy."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware


def PermissionsPolicyMiddleware(get_response):  # noqa: N802
    """Every response refuses the browser features no page uses (camera, location, payment...)."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def AdminAccessAuditMiddleware(get_response):  # noqa: N802
    """Admins see everything, so every request an admin makes is audited."""

    def middleware(request):
        response = get_response(request)
        user = request.user
        if user.is_authenticated and Role.ADMIN in user.role_names():
            audit_record(
                by=user,
                action=AuditAction.ADMIN,
                object_type="page",
                object_id=request.path[:64],
                detail={"method": request.method, "status": response.status_code},
                request=request,
            )
        return response

    return middleware
