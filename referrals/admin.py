"""Read-only admin pages for referrals: admins may look (every admin request is audited by
partnership.middleware), but changes go through the officer's pages and their services."""

from django.contrib import admin

from partnership.constants import Role

from .models import Referral, ReferralOutcome, ReferralStatusChange


def _is_admin(request) -> bool:
    return request.user.has_role(Role.ADMIN)


class ReadOnlyAdmin(admin.ModelAdmin):
    # Viewing follows the admin role (as the admin site itself does), not model permissions.
    def has_module_permission(self, request):
        return _is_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = ReferralStatusChange
    fields = ["at", "from_status", "to_status", "by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutcomeInline(StatusChangeInline):
    model = ReferralOutcome
    fields = ["outcome"]
    readonly_fields = fields


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["reference", "service", "received_at", "area", "risk_level", "status"]
    list_filter = ["status", "risk_level", "source", "subject", "service"]
    search_fields = ["reference"]
    date_hierarchy = "received_at"
    list_select_related = ["service", "area"]
    show_full_result_count = False
    exclude = ["person_key", "address_key"]
    inlines = [StatusChangeInline, OutcomeInline]
