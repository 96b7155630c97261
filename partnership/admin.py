from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import services
from .models import Area, AuditEvent, Organisation, User

admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["permissions"]


class UserInviteForm(forms.ModelForm):
    """A new user: no password here. They set their own from an e-mailed link."""

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name", "job_title", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "We e-mail a link to this address to set a password."


# Each one-click step on a user's page: (service, message when done, message when not needed).
USER_STEPS = {
    "deactivate": (services.user_deactivate, "{} is deactivated.", "{} was already deactivated."),
    "reactivate": (services.user_reactivate, "{} is active again.", "{} was already active."),
    "reset-second-factor": (
        services.second_factor_reset,
        "{}'s second factor is reset: they set up an authenticator app at their next sign-in.",
        None,
    ),
    "send-password-link": (
        services.password_reset_send,
        "A link to set a password has been e-mailed to {}.",
        None,
    ),
}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are deactivated, never deleted (their audit rows point at them), and an admin never
    sets or sees a password: they send a link by e-mail."""

    change_form_template = "admin/partnership/user/change_form.html"
    list_display = ["username", "email", "organisation", "is_active", "last_login"]
    list_filter = ["groups", "organisation", "is_active"]
    fieldsets = (
        (None, {"fields": ("username",)}),
        ("Person", {"fields": ("first_name", "last_name", "email", "job_title", "organisation")}),
        ("Roles", {"fields": ("is_active", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_form = UserInviteForm
    add_fieldsets = ((None, {"fields": UserInviteForm.Meta.fields}),)
    actions = [
        "deactivate_users",
        "reactivate_users",
        "send_password_links",
        "reset_second_factors",
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # ModelAdmin's URLs without UserAdmin's set-a-password page, plus the one-click steps.
        steps = path(
            "<int:user_id>/steps/<str:step>/",
            self.admin_site.admin_view(require_POST(self.user_step_view)),
            name="partnership_user_step",
        )
        return [steps, *super(BaseUserAdmin, self).get_urls()]

    def user_step_view(self, request, user_id, step):
        user = self.get_object(request, user_id)  # the admin's own selector: its queryset
        if user is None:
            raise Http404
        if step not in USER_STEPS or not self.has_change_permission(request, user):
            return redirect("admin:partnership_user_change", user_id)
        self._run_step(request, user, step)
        return redirect("admin:partnership_user_change", user_id)

    def _run_step(self, request, user, step) -> None:
        service, done, not_needed = USER_STEPS[step]
        try:
            changed = service(user=user, by=request.user, request=request)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        message = not_needed if changed is False and not_needed else done
        self.message_user(request, message.format(user.get_username()), messages.SUCCESS)

    def _run_for_each(self, request, queryset, step) -> None:
        for user in queryset:
            self._run_step(request, user, step)

    @admin.action(description="Deactivate the selected users")
    def deactivate_users(self, request, queryset):
        self._run_for_each(request, queryset, "deactivate")

    @admin.action(description="Reactivate the selected users")
    def reactivate_users(self, request, queryset):
        self._run_for_each(request, queryset, "reactivate")

    @admin.action(description="E-mail the selected users a link to set a password")
    def send_password_links(self, request, queryset):
        self._run_for_each(request, queryset, "send-password-link")

    @admin.action(description="Reset the selected users' second factor (lost phone)")
    def reset_second_factors(self, request, queryset):
        self._run_for_each(request, queryset, "reset-second-factor")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.user_invite(user=form.instance, by=request.user, request=request)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        if change and context.get("original") is not None:
            user = context["original"]
            context["user_steps"] = [
                (reverse("admin:partnership_user_step", args=[user.pk, step]), label)
                for step, label in self._step_buttons(user)
            ]
        return super().render_change_form(request, context, add, change, **kwargs)

    @staticmethod
    def _step_buttons(user) -> list[tuple[str, str]]:
        if not user.is_active:
            return [("reactivate", "Reactivate")]
        return [
            ("deactivate", "Deactivate"),
            ("send-password-link", "E-mail a password link"),
            ("reset-second-factor", "Reset second factor"),
        ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "population",
        "adult_female_population",
        "adult_female_population_source",
        "adult_female_population_year",
    ]
    search_fields = ["name", "code"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "roles", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
