"""Login, logout and the start page that takes each role to its home.

The password is the first of two steps for users who need a second factor (see
partnership.two_factor): a right password leads to the code page, not into the service.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator

from . import two_factor
from .constants import Role
from .navigation import home_url_for, landing_url_for, start_roles_for

ROLE_DESCRIPTIONS = {
    Role.OFFICER: "Log referrals and follow each one until it closes.",
    Role.PERFORMANCE_LEAD: "Check data quality, import provider returns and run reports.",
    Role.COMMISSIONER: "Keep services, contracts, funding splits, grants and KPI targets.",
    Role.COMMITTEE_MEMBER: "Read the committee dashboard and published reports.",
    Role.CLERK: "Run meetings, resolutions and the action tracker; export agenda packs.",
    Role.ADMIN: "Manage users, roles, organisations and areas in the administration site.",
}


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets the username's max_length but not its validator, so an
        # overlong name reached authenticate() and the lockout's record of it: a server error
        # on PostgreSQL (tests/hostile).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "partnership/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.required_for(user):
            two_factor.clear_pending(self.request)  # an earlier, unfinished sign-in
            return super().form_valid(form)
        two_factor.start_pending(self.request, user, self.get_success_url())
        if two_factor.has_authenticator(user):
            return redirect("login_code")
        return redirect("login_set_up")


class LogoutView(auth_views.LogoutView):
    pass


def home(request):
    """Send a user with one role straight to its home; show anyone else (admins included) the
    roles they can work in, each linked to its start."""
    if url := landing_url_for(request.user):
        return redirect(url)
    cards = [
        {"role": role, "description": ROLE_DESCRIPTIONS[role], "url": home_url_for(role)}
        for role in start_roles_for(request.user)
    ]
    return render(
        request,
        "partnership/home.html",
        {"cards": cards, "is_admin": Role.ADMIN in request.user.roles},
    )
