"""Request rules that hold for every page: absolute session age, no caching, admin audit."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .audit import audit_record
from .constants import AuditAction, Role

SESSION_STARTED_KEY = "session_started_at"


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


def LoginRequiredEverywhereMiddleware(get_response):  # noqa: N802
    """Django's LoginRequiredMiddleware, named here so the rule sits with the others."""
    from django.contrib.auth.middleware import LoginRequiredMiddleware

    return LoginRequiredMiddleware(get_response)


def NoStoreForLoggedInMiddleware(get_response):  # noqa: N802
    """Pages seen by a logged-in user are never kept by the browser or a proxy."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
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
