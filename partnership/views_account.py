"""The second sign-in step (authenticator code, recovery code, first set-up), the user's own
account page, and password reset by e-mail. See partnership.two_factor for the rules."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from . import services, two_factor
from .two_factor import CodeCheck

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

CODE_ERRORS = {
    CodeCheck.WRONG: "The code is not right. Enter the 6-digit code your authenticator app "
    "shows now.",
    CodeCheck.REUSED: "That code has already been used. Wait for your authenticator app to "
    "show a new code, then enter it.",
}


class AuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        max_length=40,
        error_messages={"required": "Enter one of your recovery codes."},
    )


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("home")


def _finish_sign_in(request, user, device) -> str:
    """Sign the user in with both factors; returns where they were going."""
    next_url = two_factor.pending_next(request)
    two_factor.clear_pending(request)
    auth_login(request, user, backend=MODEL_BACKEND)
    otp_login(request, device)
    return _safe_next(request, next_url)


def _pending_or_redirect(request):
    """(user, None) in the second step; (None, response) for anyone else."""
    if request.user.is_authenticated:
        return None, redirect("home")
    user = two_factor.pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the step after your password took too long.")
        return None, redirect("login")
    if two_factor.is_locked_out(request, user):
        two_factor.clear_pending(request)
        request.axes_locked_out = True  # django-axes' middleware answers with the lockout page
        return None, render(request, "partnership/locked_out.html", status=429)
    return user, None


def _refuse_code(request, user, form, message: str, field: str = "code"):
    two_factor.record_failed_code(request, user)
    if getattr(request, "axes_locked_out", False):
        two_factor.clear_pending(request)
    form.add_error(field, message)


@login_not_required
def login_code(request):
    """Second step: the code from the user's authenticator app."""
    user, refused = _pending_or_redirect(request)
    if refused:
        return refused
    device = two_factor.authenticator_of(user)
    if device is None:
        return redirect("login_set_up")
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_authenticator_code(device, form.cleaned_data["code"])
        if result is CodeCheck.RIGHT:
            return redirect(_finish_sign_in(request, user, device))
        _refuse_code(request, user, form, CODE_ERRORS[result])
    return render(request, "partnership/login_code.html", {"form": form})


@login_not_required
def login_recovery(request):
    """Second step with a recovery code instead of the app; each code works once."""
    user, refused = _pending_or_redirect(request)
    if refused:
        return refused
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.check_recovery_code(user, form.cleaned_data["code"]):
            target = _finish_sign_in(request, user, two_factor.recovery_device_of(user))
            services.recovery_code_used(user=user, request=request)
            left = two_factor.recovery_codes_left(user)
            messages.warning(
                request,
                f"You signed in with a recovery code. You have {left} left: make new ones "
                "from your account page. If you have lost your phone, ask your administrator "
                "to reset your second factor.",
            )
            return redirect(target)
        _refuse_code(
            request,
            user,
            form,
            "The recovery code is not right, or it has been used. Each code works once.",
        )
    return render(request, "partnership/login_recovery.html", {"form": form})


def _set_up_user(request):
    """Who is setting up an authenticator: the pending user, or a signed-in user without one."""
    if request.user.is_authenticated:
        if two_factor.has_authenticator(request.user):
            return None, redirect("account")
        return request.user, None
    user, refused = _pending_or_redirect(request)
    if user is not None and two_factor.has_authenticator(user):
        return None, redirect("login_code")
    return user, refused


@login_not_required
def login_set_up(request):
    """Set up an authenticator app (at first sign-in): QR code, key as text, then a code."""
    user, refused = _set_up_user(request)
    if refused:
        return refused
    device = services.authenticator_start(user=user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_authenticator_code(device, form.cleaned_data["code"])
        if result is CodeCheck.RIGHT:
            codes = services.authenticator_confirm(user=user, device=device, request=request)
            if request.user.is_authenticated:
                otp_login(request, device)
                target = reverse("account")
            else:
                target = _finish_sign_in(request, user, device)
            request.session[two_factor.NEW_RECOVERY_CODES_KEY] = {"codes": codes, "next": target}
            return redirect("account_recovery_codes")
        _refuse_code(request, user, form, CODE_ERRORS[result])
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_svg(device, label_id="qr-code-label"),
        "key": two_factor.key_as_text(device),
    }
    return render(request, "partnership/login_set_up.html", context)


class MoveAuthenticatorForm(forms.Form):
    current_code = forms.CharField(
        label="Code from the app you use now",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from the app you use now."},
    )
    new_code = forms.CharField(
        label="Code from the new app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code the new app shows."},
    )


def account_authenticator_move(request):
    """Move the second factor to a new phone: a code from the old app and one from the new.

    The old app's code proves the person still holds it (a signed-in session alone must not be
    enough to replace the second factor); someone who has lost it signs in with a recovery code
    and asks an administrator to reset it.
    """
    user = request.user
    current = two_factor.authenticator_of(user)
    if current is None:
        return redirect("account")
    device = services.authenticator_start(user=user)
    form = MoveAuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_authenticator_code(current, form.cleaned_data["current_code"])
        if result is not CodeCheck.RIGHT:
            _refuse_code(request, user, form, CODE_ERRORS[result], "current_code")
        else:
            result = two_factor.check_authenticator_code(device, form.cleaned_data["new_code"])
            if result is CodeCheck.RIGHT:
                codes = services.authenticator_confirm(
                    user=user, device=device, request=request, moved=True
                )
                otp_login(request, device)
                request.session[two_factor.NEW_RECOVERY_CODES_KEY] = {
                    "codes": codes,
                    "next": reverse("account"),
                }
                return redirect("account_recovery_codes")
            _refuse_code(request, user, form, CODE_ERRORS[result], "new_code")
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_svg(device, label_id="qr-code-label"),
        "key": two_factor.key_as_text(device),
    }
    return render(request, "partnership/account_authenticator_move.html", context)


def account(request):
    """The user's own account: second factor, recovery codes left, password."""
    user = request.user
    context = {
        "has_authenticator": two_factor.has_authenticator(user),
        "required": two_factor.required_by_role(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "partnership/account.html", context)


@require_POST
def account_new_recovery_codes(request):
    try:
        codes = services.recovery_codes_replace(by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("account")
    request.session[two_factor.NEW_RECOVERY_CODES_KEY] = {
        "codes": codes,
        "next": reverse("account"),
    }
    return redirect("account_recovery_codes")


def account_recovery_codes(request):
    """New recovery codes, shown once: they leave the session as soon as this page is made."""
    shown = request.session.pop(two_factor.NEW_RECOVERY_CODES_KEY, None)
    if not shown:
        return redirect("account")
    context = {"codes": shown["codes"], "next": _safe_next(request, shown["next"])}
    return render(request, "partnership/account_recovery_codes.html", context)


# Password reset by e-mail ---------------------------------------------------------------------


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@example.org.",
        },
    )

    def save(self, *args, **kwargs):
        """Hand the address to the worker; say nothing about whether there is an account."""
        services.password_reset_request(email=self.cleaned_data["email"])


class NewPasswordForm(SetPasswordForm):
    error_messages = {"password_mismatch": "The two passwords do not match."}


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "partnership/password_reset.html"
    form_class = ResetRequestForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "partnership/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "partnership/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_done(user=form.user, request=self.request)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "partnership/password_reset_complete.html"
